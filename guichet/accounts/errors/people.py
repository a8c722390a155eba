"""Stable error codes of the people concern (defined with guichet.core.errors.define)."""
