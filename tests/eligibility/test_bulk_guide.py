"""The bulk chapter of the integration guide runs as written (docs/integration/eligibilite-en-masse.md).

The documented file is uploaded with the documented ``curl -F`` command through the
Django test client and a real API key, the job is run as the worker runs it, then the
documented ``GET`` of the job and of the result must give the documented answers
(identifiers and times masked). ``BULK_GUIDE_WRITE=1 pytest …`` rewrites the answer blocks
after a deliberate change; read the diff.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import textwrap
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from guichet.addresses.services import refresh_index
from guichet.eligibility.bulk import engine
from guichet.network.models import Building
from tests.accounts.credential_support import AGENT_ADDRESS
from tests.eligibility.test_soap_guide import guide_inventory
from tests.eligibility.test_soap_support import Caller, caller_a
from tests.factories import SYSTEM

__all__ = ["caller_a", "guide_inventory"]  # fixtures used by name

pytestmark = pytest.mark.django_db
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "integration" / "eligibilite-en-masse.md"
MARK = re.compile(r"<!-- exemple testé : (masse-[\w-]+) -->\s*```(\w*)\n(.*?)```", re.S)
DOC_JOB_ID = "5f0c2d4e-0000-4000-8000-000000000001"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
VOLATILE = {"createdAt", "startedAt", "finishedAt", "eta", "rowsPerSecond"}
SHOWN_HEADERS = ("content-type", "location", "digest")
REASONS = {200: "OK", 202: "Accepted"}


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def blocks() -> dict[str, str]:
    return {
        name: textwrap.dedent(text)
        for name, _, text in MARK.findall(GUIDE.read_text(encoding="utf-8"))
    }


def curl(text: str, caller: Caller, files: dict[str, bytes], job_id: str = "") -> Any:
    """Send what a documented ``curl`` sends (the options this chapter uses)."""
    words = shlex.split(text.replace("\\\n", " "))
    assert words[0] == "curl", text
    headers, form, url = {}, [], ""
    options = iter(words[1:])
    for word in options:
        if word == "-H":
            name, _, value = next(options).partition(":")
            headers[name.strip()] = value.strip()
        elif word == "-F":
            form.append(next(options).partition("="))
        elif word == "-o":
            next(options)
        elif word.startswith("-"):
            assert word in ("-sS", "-s"), f"option {word} not replayed"
        else:
            url = word
    env = {"$GUICHET_URL": "", "$GUICHET_API_KEY": caller.token}
    env["$GUICHET_ON_BEHALF_OF"] = caller.login
    for name, value in env.items():
        url = url.replace(name, value)
        headers = {k: v.replace(name, value) for k, v in headers.items()}
    url = url.replace(DOC_JOB_ID, job_id)
    client = Client(REMOTE_ADDR=AGENT_ADDRESS)
    if not form:
        return client.get(url, headers=headers)
    data: dict[str, Any] = {}
    for name, _, value in form:
        if value.startswith("@"):
            data[name] = SimpleUploadedFile(value[1:], files[value[1:]], "text/csv")
        else:
            data.setdefault(name, []).append(value)
    return client.post(url, data, headers=headers)


def mask(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: mask(v, k) for k, v in value.items()}
    if key in VOLATILE and value is not None:
        return "…"
    if isinstance(value, str):
        return UUID.sub("…", value)
    return value


def render(response: Any) -> str:
    lines = [f"HTTP/1.1 {response.status_code} {REASONS[response.status_code]}"]
    lines += [f"{h.title()}: {mask(response[h])}" for h in SHOWN_HEADERS if h in response]
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.dumps(mask(response.json()), ensure_ascii=False, indent=2)
        return "\n".join(lines) + "\n\n" + body + "\n"
    return "\n".join(lines) + "\n"


def write(name: str, text: str) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    pattern = re.compile(rf"(<!-- exemple testé : {name} -->\s*```\w*\n)(.*?)(```)", re.S)
    GUIDE.write_text(pattern.sub(lambda m: m.group(1) + text + m.group(3), guide), "utf-8")


def check(name: str, text: str) -> None:
    if os.environ.get("BULK_GUIDE_WRITE"):
        write(name, text)
        return
    assert text == blocks()[name], f"{GUIDE.name}: {name} differs"


def test_eli_03_bulk_guide_examples_run_as_written(
    guide_inventory: Building, caller_a: Caller
) -> None:
    refresh_index(actor=SYSTEM)  # the free-text line is searched
    examples = blocks()
    files = {"clients.csv": examples["masse-fichier"].encode()}
    sent = curl(examples["masse-depot-requete"], caller_a, files)
    assert sent.status_code == 202, sent.content
    check("masse-depot-reponse", render(sent))
    job_id = sent.json()["id"]
    engine.run(job_id)
    followed = curl(examples["masse-suivi-requete"], caller_a, files, job_id)
    assert followed.status_code == 200 and followed.json()["status"] == "succeeded"
    check("masse-suivi-reponse", render(followed))
    result = curl(examples["masse-resultat-requete"], caller_a, files, job_id)
    assert result.status_code == 200
    assert result["Digest"] == f"sha-256={followed.json()['resultSha256']}"
    text = b"".join(result.streaming_content).decode("utf-8")
    assert len(text.splitlines()) == len(examples["masse-fichier"].splitlines())
    check("masse-resultat", text)
