"""The REST chapter of the integration guide runs as written (docs/integration/rest-eligibilite-tao.md).

Each ``curl`` request of the guide (a block after ``<!-- exemple testé : rest-… -->``) is
parsed and replayed through the Django test client with a real API key, against the
inventory of the SOAP chapter (12 bis rue de la Gare, Niort) plus its namesake in
Parthenay; the answer must be the documented one (status line, the headers the guide
shows, JSON body), once the values that change on every call are masked in both.

After a deliberate change of an answer, ``REST_GUIDE_WRITE=1 pytest …`` rewrites the
response blocks of the guide with what the platform now answers; read the diff.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from guichet.addresses.services import refresh_index
from guichet.network.models import Address, Building
from tests.accounts.credential_support import AGENT_ADDRESS
from tests.eligibility.test_soap_guide import guide_inventory
from tests.eligibility.test_soap_support import Caller, caller_a, system_caller
from tests.factories import SYSTEM

__all__ = ["caller_a", "guide_inventory"]  # fixtures used by name

pytestmark = pytest.mark.django_db
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "integration" / "rest-eligibilite-tao.md"
MARK = re.compile(r"<!-- exemple testé : (rest-[\w-]+) -->\s*```(\w*)\n(.*?)```", re.S)
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HEX32 = re.compile(r"\b[0-9a-f]{32}\b")
SUB_ADDRESS_HREF = re.compile(r"/geographicSubAddress/\d+$")
# Answer attributes and headers that differ on every call: dates of the call, references.
VOLATILE_KEYS = {"productOfferingQualificationDate", "effectiveQualificationDate", "validationDate"}
VOLATILE_HEADERS = {"x-answer-id", "x-request-id", "location"}
# The examples in the guide's order (each a -requete and a -reponse block).
SEQUENCE = (
    "rest-poq-hexacle",
    "rest-poq-lecture",
    "rest-poq-liste",
    "rest-poq-pto",
    "rest-poq-texte-ambigu",
    "rest-adresse-recherche",
    "rest-adresse-validation",
    "rest-adresse-validation-lecture",
    "rest-adresse-validation-liste",
    "rest-tao-structure",
    "rest-tao-local",
    "rest-erreur-eli-003",
    "rest-erreur-adr-012",
)
REFUSALS = ("rest-erreur-eli-001",)  # sent by an operator not subscribed to eligibility
REASONS = {200: "OK", 201: "Created", 206: "Partial Content", 400: "Bad Request"}
REASONS |= {401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 422: "Unprocessable Entity"}


def examples() -> dict[str, tuple[str, str]]:
    """Every tested block of the chapter: name → (language, text), in the guide's order."""
    found = {}
    for name, language, text in MARK.findall(GUIDE.read_text(encoding="utf-8")):
        assert name not in found, f"{GUIDE.name}: example {name!r} twice"
        found[name] = (language, textwrap.dedent(text))
    return found


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


def parse_curl(text: str, env: dict[str, str]) -> Request:
    """The request a documented ``curl`` command sends (the options the guide uses)."""
    words = shlex.split(text.replace("\\\n", " "))
    assert words[0] == "curl", text
    method, url, headers, data, encoded, get = "", "", {}, [], [], False
    options = iter(words[1:])
    for word in options:
        if word in ("-H", "--header"):
            name, _, value = next(options).partition(":")
            headers[name.strip()] = value.strip()
        elif word in ("-X", "--request"):
            method = next(options)
        elif word in ("-d", "--data", "--data-raw", "--data-binary"):
            data.append(next(options))
        elif word == "--data-urlencode":
            name, _, value = next(options).partition("=")
            encoded.append(urlencode({name: value}))
        elif word in ("-G", "--get"):
            get = True
        elif word.startswith("-"):
            assert word in ("-s", "-S", "-sS", "-fsS", "-f", "-i"), f"option {word} not replayed"
        else:
            url = word
    for name, value in env.items():
        url = url.replace(f"${name}", value)
        headers = {k: v.replace(f"${name}", value) for k, v in headers.items()}
    assert url.startswith("/"), url
    if get:
        query = "&".join([*data, *encoded])
        return Request(method or "GET", f"{url}?{query}" if query else url, headers)
    body = "&".join(data) if data else None
    return Request(method or ("POST" if body is not None else "GET"), url, headers, body)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


def parse_answer(text: str) -> Answer:
    """A documented answer: ``HTTP/1.1 <status> <reason>``, headers, a blank line, JSON."""
    head, _, body = text.partition("\n\n")
    status_line, *lines = head.splitlines()
    status = int(status_line.split()[1])
    headers = {k.strip(): v.strip() for k, _, v in (li.partition(":") for li in lines)}
    return Answer(status, headers, json.loads(body) if body.strip() else None)


def mask(value: Any, key: str = "", owner: dict[str, Any] | None = None) -> Any:
    """``value`` with what changes on every call replaced by ``…``."""
    if isinstance(value, dict):
        return {k: mask(v, k, value) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v, key, owner) for v in value]
    if key in VOLATILE_KEYS:
        return "…"
    if isinstance(value, str):
        if key == "id" and owner and owner.get("@type") == "GeographicSubAddress":
            return "…" if value.isdigit() else value  # a premises id is internal
        value = UUID.sub("…", HEX32.sub("…", value))
        return SUB_ADDRESS_HREF.sub("/geographicSubAddress/…", value)
    return value


def render(status: int, headers: dict[str, str], body: Any) -> str:
    lines = [f"HTTP/1.1 {status} {REASONS[status]}", *(f"{k}: {v}" for k, v in headers.items())]
    text = json.dumps(body, ensure_ascii=False, indent=2) if body is not None else ""
    return "\n".join(lines) + "\n\n" + text + "\n"


@pytest.fixture
def parthenay(guide_inventory: Building) -> Address:
    """The same street number in Parthenay: a free text without the commune is ambiguous."""
    address = Address.objects.create(
        hexacle="79202B0012",
        hexacle_street="79202B0000",
        ban_id="79202_0150_00012_bis",
        insee="79202",
        rivoli="0150",
        number=12,
        suffix="B",
        street_type="RUE",
        street_name="RUE DE LA GARE",
        postcode="79200",
        commune_name="Parthenay",
        longitude=-0.2486,
        latitude=46.6481,
    )
    refresh_index(actor=SYSTEM)
    return address


class Replay:
    """Sends the guide's requests as one operator's system, and compares the answers."""

    def __init__(self, caller: Caller) -> None:
        self.env = {
            "GUICHET_URL": "",
            "GUICHET_API_KEY": caller.token,
            "GUICHET_ON_BEHALF_OF": caller.login,
        }
        self.blocks = examples()
        self.rewrites: dict[str, str] = {}

    def send(self, name: str, replace: dict[str, str] | None = None) -> Any:
        language, text = self.blocks[f"{name}-requete"]
        assert language == "sh", f"{name}-requete: a sh block"
        request = parse_curl(text, self.env)
        for old, new in (replace or {}).items():
            request.path = request.path.replace(old, new)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-type"}
        content_type = request.headers.get("Content-Type", "application/octet-stream")
        return Client(REMOTE_ADDR=AGENT_ADDRESS).generic(
            request.method,
            request.path,
            request.body or "",
            content_type=content_type,
            headers=headers,
        )

    def check(self, name: str, response: Any) -> Any:
        """The response is the documented one; its JSON body is returned."""
        language, text = self.blocks[f"{name}-reponse"]
        assert language == "http", f"{name}-reponse: an http block"
        documented = parse_answer(text)
        body = response.json() if response.content else None
        if os.environ.get("REST_GUIDE_WRITE"):
            shown = {k: response.headers.get(k, "") for k in documented.headers}
            self.rewrites[text] = render(response.status_code, shown, body)
            return body
        assert response.status_code == documented.status, (name, body)
        for header, value in documented.headers.items():
            actual = response.headers.get(header)
            assert actual is not None, f"{name}: no {header} header"
            if header.lower() not in VOLATILE_HEADERS:
                assert actual == value, (name, header, actual)
        assert mask(body) == mask(documented.body), json.dumps(body, ensure_ascii=False, indent=2)
        return body

    def run(self, name: str, replace: dict[str, str] | None = None) -> Any:
        return self.check(name, self.send(name, replace))

    def write(self, aliases: dict[str, str] | None = None) -> None:
        """Rewrite the answers; ``aliases`` shows a real id as the one the guide names."""
        text = GUIDE.read_text(encoding="utf-8")
        for old, new in self.rewrites.items():
            for real, shown in (aliases or {}).items():
                new = new.replace(real, shown)
            text = text.replace(old, new)
        GUIDE.write_text(text, encoding="utf-8")


def test_eli_01_tao_01_rest_guide_examples_answer_as_documented(
    caller_a: Caller, parthenay: Address
) -> None:
    replay = Replay(caller_a)
    qualified = replay.run("rest-poq-hexacle")
    documented_id = UUID.search(replay.blocks["rest-poq-lecture-requete"][1])
    assert documented_id, "rest-poq-lecture-requete names a qualification"
    replay.run("rest-poq-lecture", {documented_id.group(): qualified["id"]})
    documented_validation = UUID.search(replay.blocks["rest-adresse-validation-lecture-requete"][1])
    assert documented_validation, "rest-adresse-validation-lecture-requete names a validation"
    aliases = {qualified["id"]: documented_id.group()}
    validated: dict[str, Any] = {}
    for name in SEQUENCE[2:]:
        if name == "rest-adresse-validation-lecture":  # the validation just made, by its id
            replay.run(name, {documented_validation.group(): validated["id"]})
            continue
        body = replay.run(name)
        if name == "rest-adresse-validation":
            validated = body
            aliases[validated["id"]] = documented_validation.group()
    if os.environ.get("REST_GUIDE_WRITE"):
        replay.write(aliases)


def test_eli_01_tao_01_rest_guide_has_no_untested_example() -> None:
    names = [*SEQUENCE, *REFUSALS]
    expected = [f"{name}-{kind}" for name in names for kind in ("requete", "reponse")]
    assert sorted(examples()) == sorted(expected)


def test_eli_01_rest_guide_refusal_is_what_an_unsubscribed_operator_gets(
    admin_b: Any, guide_inventory: Building
) -> None:
    replay = Replay(system_caller(admin_b, "si.b", services=("tao",)))
    replay.run("rest-erreur-eli-001")
    if os.environ.get("REST_GUIDE_WRITE"):
        replay.write()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
def test_eli_01_rest_guide_curl_commands_are_valid_shell() -> None:
    for name, (language, text) in examples().items():
        if language == "sh":
            result = subprocess.run(["bash", "-n", "-c", text], capture_output=True, check=False)
            assert result.returncode == 0, (name, result.stderr)
