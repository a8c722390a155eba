"""Stable error codes of the sessions concern (defined with guichet.core.errors.define)."""
