"""Reference open data shipped with the code (see ``fr79/README.md`` for origins and licences)."""

from __future__ import annotations

from pathlib import Path

FR79_DIR = Path(__file__).resolve().parent / "fr79"
