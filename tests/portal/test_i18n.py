"""GEN-05: French first, English available through the language switch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

PO = Path(__file__).resolve().parents[2] / "guichet" / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.mark.django_db
def test_gen_05_portal_speaks_english_when_asked() -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/connexion/"})
    assert response.status_code == 302
    html = client.get("/connexion/").content.decode()
    assert '<html lang="en">' in html
    assert "Sign in to the Operator Portal" in html
    assert "Skip to content" in html


@pytest.mark.django_db
def test_gen_05_french_is_the_default() -> None:
    html = Client().get("/connexion/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="fr">' in html


def test_gen_05_every_portal_string_has_an_english_translation() -> None:
    entries = re.findall(
        r'\nmsgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', PO.read_text(encoding="utf-8")
    )
    untranslated = [
        msgid.strip()
        for msgid, msgstr in entries
        if msgid.strip() != '""' and msgstr.strip() == '""'
    ]
    assert untranslated == [], "run makemessages and translate: " + ", ".join(untranslated)
