"""Stable error codes of the credentials concern (defined with guichet.core.errors.define)."""
