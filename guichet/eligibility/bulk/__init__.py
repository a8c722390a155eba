"""Bulk files (ELI-03): a file of places in, one answer line per input line out.

- :mod:`.engine` — the generic job engine (chunks, progress, ETA, crash-safe resume, the
  result file and its SHA-256); the EEP (SFTP) flows will register their own processors.
- :mod:`.reading` — the input CSV: delimiter, encoding, header, one line → one query.
- :mod:`.eligibility` — the eligibility processor: batched lookups, the pure rules.
- :mod:`.output` — the result columns, rendered from an ``as_answer``-shaped dict.
- :mod:`.services` / :mod:`.selectors` — the write and read paths every door calls.

This package imports nothing at import time: the models import :mod:`.choices`.
"""
