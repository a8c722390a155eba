"""Signals the network inventory sends; other domains listen without network importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after an import or a generation has committed successfully, with ``job`` (the
# ImportJob) and ``since`` (when it started: rows it wrote have ``updated_at`` >= since).
# Receivers only dispatch work (e.g. a task enqueued on commit), never business logic.
inventory_changed = Signal()
