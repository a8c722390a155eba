"""Stable error codes of the identifiers concern (defined with guichet.core.errors.define)."""
