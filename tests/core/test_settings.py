"""Settings come from the environment only, and every variable is documented."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from guichet.core.env import email_settings, envbool, envint

ROOT = Path(__file__).resolve().parents[2]


def test_every_settings_variable_is_documented() -> None:
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"env(?:bool|int|list)?\(\s*\"([A-Z_]+)\"", source))
    assert {"DATABASE_URL", "SECRET_KEY", "CELERY_BROKER_URL", "EMAIL_URL"} <= names
    documented = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = sorted(name for name in names if f"`{name}`" not in documented)
    assert missing == [], f"undocumented in docs/configuration.md: {missing}"


def _settings_in_subprocess(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; {code}",
        ],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_mode_requires_secret_key(tmp_path: Path) -> None:
    result = _settings_in_subprocess(
        {
            "GUICHET_MODE": "production",
            "ALLOWED_HOSTS": "guichet.example",
            "GUICHET_VAR_DIR": str(tmp_path),
        },
        "print(settings.SECRET_KEY)",
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_mode_is_secure(tmp_path: Path) -> None:
    result = _settings_in_subprocess(
        {
            "GUICHET_MODE": "production",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "guichet.example",
            "GUICHET_VAR_DIR": str(tmp_path),
        },
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS, settings.DEBUG)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "31536000", "False"]


def test_embedded_mode_generates_and_keeps_secret_key(tmp_path: Path) -> None:
    env = {"GUICHET_VAR_DIR": str(tmp_path)}
    first = _settings_in_subprocess(env, "print(settings.SECRET_KEY)")
    second = _settings_in_subprocess(env, "print(settings.SECRET_KEY)")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path: Path) -> None:
    result = _settings_in_subprocess(
        {"GUICHET_VAR_DIR": str(tmp_path)},
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], settings.DATABASES['default']['OPTIONS']['transaction_mode'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "IMMEDIATE"]


def test_email_url_forms() -> None:
    smtp = email_settings("smtp+tls://user%40x:p%3Ass@mail.example:2525?timeout=5")
    assert smtp["EMAIL_HOST"] == "mail.example" and smtp["EMAIL_PORT"] == 2525
    assert smtp["EMAIL_HOST_USER"] == "user@x" and smtp["EMAIL_HOST_PASSWORD"] == "p:ss"
    assert smtp["EMAIL_USE_TLS"] is True and smtp["EMAIL_TIMEOUT"] == 5
    assert email_settings("smtp+ssl://mail.example")["EMAIL_PORT"] == 465
    assert email_settings("file:///var/mail")["EMAIL_FILE_PATH"] == "/var/mail"
    with pytest.raises(ImproperlyConfigured):
        email_settings("pigeon://coop")


def test_typed_variables_fail_loudly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOME_FLAG", "peut-être")
    with pytest.raises(ImproperlyConfigured):
        envbool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_NUMBER", "douze")
    with pytest.raises(ImproperlyConfigured):
        envint("SOME_NUMBER", 1)
    secret = tmp_path / "n"
    secret.write_text("42\n")
    monkeypatch.setenv("SOME_NUMBER_FILE", str(secret))
    assert envint("SOME_NUMBER", 1) == 42
