"""Reading settings from the environment (healthchecks style).

Every variable read here is documented in ``docs/configuration.md``. A value may
also come from a file named by ``<NAME>_FILE`` (Docker/systemd secrets).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on", "oui"}
FALSE = {"0", "false", "no", "off", "non", ""}


def env(name: str, default: str | None = None) -> str | None:
    """The value of ``name``, or the content of the file named by ``name_FILE``."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected a boolean (true/false)")


def envint(name: str, default: int) -> int:
    value = env(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r}: expected an integer") from exc


def envlist(name: str, default: str = "") -> list[str]:
    value = env(name, default) or ""
    return [item.strip() for item in value.split(",") if item.strip()]


def email_settings(url: str) -> dict[str, object]:
    """Django email settings from an ``EMAIL_URL``.

    ``smtp://user:pass@host:25``, ``smtp+tls://…:587`` (STARTTLS), ``smtp+ssl://…:465``,
    ``file:///path/to/dir``, ``console://``, ``locmem://``.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parts.path),
        }
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme not in {"smtp", "smtp+tls", "smtp+ssl", "smtps"}:
        raise ImproperlyConfigured(f"EMAIL_URL: unsupported scheme {scheme!r}")
    query = parse_qs(parts.query)
    use_ssl = scheme in {"smtp+ssl", "smtps"}
    use_tls = scheme == "smtp+tls"
    default_port = 465 if use_ssl else (587 if use_tls else 25)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": int(query.get("timeout", ["30"])[0]),
    }
