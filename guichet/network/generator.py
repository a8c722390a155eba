"""The realistic network generator (``guichet.network.generation``), under its short name."""

from guichet.network.generation import (
    DEFAULT_LINE_SHARE,
    generate,
    generate_network,
    has_generated,
)

__all__ = ["DEFAULT_LINE_SHARE", "generate", "generate_network", "has_generated"]
