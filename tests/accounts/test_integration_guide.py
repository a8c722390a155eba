"""The integrator's guide (docs/integration/authentification.md) and the nginx snippet of
docs/deployment.md §6 run as written, against a live server (SEC-01..03).

The certificate examples go through a real nginx built from the documented server
blocks; they are skipped when nginx is not installed (``apt-get install nginx-light``).
"""

from __future__ import annotations

import importlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.apps import apps as django_apps
from django.core.management import call_command

from guichet.accounts.models import User
from guichet.accounts.services import credentials as services
from guichet.audit.models import AuditRecord
from guichet.audit.recorder import verify
from tests.accounts.credential_support import *  # noqa: F403
from tests.accounts.credential_support import as_person, key_of
from tests.factories import make_person

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "integration" / "authentification.md"
DEPLOYMENT = ROOT / "docs" / "deployment.md"
LOCAL = ("127.0.0.1", "::1")
pytestmark = pytest.mark.django_db(transaction=True)


def block(path: Path, name: str) -> str:
    """The code block that follows ``<!-- exemple testé : name -->`` (or ``tested: name``)."""
    pattern = rf"<!-- (?:exemple testé :|tested:) {re.escape(name)} -->\s*```\w*\n(.*?)```"
    match = re.search(pattern, path.read_text(encoding="utf-8"), re.S)
    assert match, f"{path.name}: no tested block {name!r}"
    return textwrap.dedent(match.group(1))


def environment(**values: str) -> dict[str, str]:
    """The caller's environment, without proxies (everything here is local)."""
    proxies = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
    env = {key: value for key, value in os.environ.items() if key.lower() not in proxies}
    return {**env, "NO_PROXY": "*", **values}


def run(command: list[str], env: dict[str, str], cwd: Path | None = None) -> str:
    result = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, (command, result.stdout, result.stderr)
    return result.stdout


@pytest.fixture(autouse=True)
def catalogue(transactional_db: None) -> None:
    """The e-service catalogue of the data migration: the flush between transactional
    tests (a live server needs committed data) empties it."""
    migration = importlib.import_module("guichet.operators.migrations.0002_eservice_catalogue")
    migration.load(django_apps, None)


@pytest.fixture
def live(live_server: Any) -> str:
    return live_server.url


# API keys ---------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl not installed")
def test_sec_01_guide_api_key_examples_run_as_written(
    live: str, admin_a: User, person_a: User
) -> None:
    new = key_of(admin_a, networks=LOCAL)
    env = environment(
        GUICHET_URL=live, GUICHET_API_KEY=new.token, GUICHET_ON_BEHALF_OF=person_a.username
    )
    listed = json.loads(run(["bash", "-c", block(GUIDE, "apikey-curl")], env))
    assert [operator["arcep_code"] for operator in listed] == ["OPEA"]
    printed = run([sys.executable, "-c", block(GUIDE, "apikey-python")], env)
    assert printed.strip() == "OPEA Opérateur A"
    # The documented refusal is the real one, word for word.
    response = requests.get(
        f"{live}/api/v1/operators",
        headers={"Authorization": f"Bearer {new.token}", "Accept-Language": "fr"},
        timeout=30,
    )
    assert response.status_code == 400
    assert response.json() == json.loads(block(GUIDE, "error-sec-024"))
    entries = AuditRecord.objects.filter(credential=f"apikey:{new.key.prefix}")
    assert set(entries.values_list("action", flat=True)) == {
        "accounts.credential.use",
        "accounts.credential.refused",
    }
    assert verify()[1] == []


# Client certificates through nginx ----------------------------------------------------


def _server_certificate(directory: Path) -> Path:
    """A self-signed certificate for localhost: nginx's own TLS identity."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    (directory / "server.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (directory / "server.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return directory / "server.pem"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _nginx_conf(directory: Path, ca_dir: Path, upstream: str, ports: dict[str, int]) -> Path:
    """deployment.md's two server blocks, with this machine's paths and ports."""
    servers = []
    for name, port in ports.items():
        text = block(DEPLOYMENT, name)
        text = "\n".join(line for line in text.splitlines() if "listen 80;" not in line)
        for old, new in (
            ("listen 443 ", f"listen 127.0.0.1:{port} "),
            ("/etc/ssl/guichet/fullchain.pem", str(directory / "server.pem")),
            ("/etc/ssl/guichet/privkey.pem", str(directory / "server.key")),
            ("/srv/guichet/var/ca/", f"{ca_dir}/"),
            ("/srv/guichet/var/static/", f"{directory}/static/"),
            ("http://127.0.0.1:8000", upstream),
        ):
            text = text.replace(old, new)
        servers.append(text)
    temp = "\n".join(
        f"    {kind}_temp_path {directory}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = directory / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\npid {directory}/nginx.pid;\nevents {{}}\nhttp {{\n"
        + f"    access_log {directory}/access.log;\n{temp}\n"
        + "\n".join(servers)
        + "\n}\n"
    )
    return conf


@pytest.fixture
def nginx(tmp_path: Path, ca_dir: Path, live_server: Any) -> Iterator[dict[str, Any]]:
    """nginx in front of the live server, as deployment.md §4 and §6 configure it."""
    if shutil.which("nginx") is None or shutil.which("curl") is None:
        pytest.skip("nginx and curl are needed (apt-get install nginx-light curl)")
    directory = tmp_path / "nginx"
    directory.mkdir()
    server_pem = _server_certificate(directory)
    call_command("pki_crl", stdout=io.StringIO())  # ca.pem and crl.pem, before nginx starts
    upstream = f"http://127.0.0.1:{urlsplit(live_server.url).port}"
    ports = {"nginx-portal": _free_port(), "nginx-mtls": _free_port()}
    conf = _nginx_conf(directory, ca_dir, upstream, ports)
    process = subprocess.Popen(
        ["nginx", "-p", f"{directory}/", "-c", str(conf), "-e", str(directory / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", ports["nginx-mtls"]), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"nginx did not start: {process.communicate()[1]!r}")
            time.sleep(0.1)
    try:
        yield {"process": process, "ca_bundle": str(server_pem), **ports}
    finally:
        process.terminate()
        process.wait(timeout=10)


def _status(url: str, env: dict[str, str], *extra: str, cwd: Path | None = None) -> tuple[int, str]:
    out = run(["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", url, *extra], env, cwd=cwd)
    body, _, code = out.rpartition("\n")
    return int(code), body


def test_sec_01_certificate_examples_run_through_the_documented_nginx(
    nginx: dict[str, Any],
    admin_a: User,
    admin_b: User,
    person_a: User,
    tmp_path: Path,
    settings: Any,
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1  # production: nginx in front
    work = tmp_path / "operator"
    work.mkdir()
    env = environment(
        GUICHET_MI_URL=f"https://localhost:{nginx['nginx-mtls']}",
        GUICHET_ON_BEHALF_OF=person_a.username,
        CURL_CA_BUNDLE=nginx["ca_bundle"],
        REQUESTS_CA_BUNDLE=nginx["ca_bundle"],
    )
    # The operator makes its key pair and CSR; the administrator gets the certificate.
    run(["bash", "-c", block(GUIDE, "csr-openssl")], env, cwd=work)
    issued = services.issue_certificate(
        actor=as_person(admin_a),
        operator=admin_a.operator,
        label="SI commandes",
        scopes=["e-rdv"],
        allowed_networks=list(LOCAL),
        csr_pem=(work / "client.csr").read_text(),
    ).certificate
    (work / "client.pem").write_text(issued.pem)

    listed = json.loads(run(["bash", "-c", block(GUIDE, "cert-curl")], env, cwd=work))
    assert [operator["arcep_code"] for operator in listed] == ["OPEA"]
    assert run([sys.executable, "-c", block(GUIDE, "cert-python")], env, cwd=work).strip() == "OPEA"
    use = AuditRecord.objects.get(action="accounts.credential.use")
    assert (use.person_login, use.credential, use.ip) == (
        "agent.a",
        f"cert:{issued.serial}",
        "127.0.0.1",
    )

    url = f"{env['GUICHET_MI_URL']}/api/v1/operators"
    assert _status(url, env, "-H", "X-On-Behalf-Of: agent.a")[0] == 400  # no certificate: nginx
    # Another certificate in the header: nginx replaces it with the one presented.
    other = services.issue_certificate(
        actor=as_person(admin_b),
        operator=admin_b.operator,
        label="SI de B",
        scopes=["e-rdv"],
        allowed_networks=list(LOCAL),
    ).certificate
    make_person("agent.b", admin_b.operator)
    forged = ("-H", f"X-SSL-Client-Cert: {quote(other.pem)}", "-H", "X-On-Behalf-Of: agent.b")
    code, body = _status(url, env, "--cert", "client.pem", "--key", "client.key", *forged, cwd=work)
    assert (code, json.loads(body)["code"]) == (403, "SEC-025"), body  # still operator A's
    # The portal server clears the header: a certificate without its key proves nothing.
    portal = f"https://localhost:{nginx['nginx-portal']}/api/v1/operators"
    code, body = _status(
        portal,
        env,
        "-H",
        f"X-SSL-Client-Cert: {quote(issued.pem)}",
        "-H",
        "X-On-Behalf-Of: agent.a",
    )
    assert (code, json.loads(body)["code"]) == (401, "GEN-401")

    # Revocation: the CRL is rewritten after commit; nginx refuses once reloaded.
    services.revoke_credential(actor=as_person(admin_a), credential=issued, reason="key_compromise")
    crl = x509.load_pem_x509_crl((Path(settings.GUICHET_CA_DIR) / "crl.pem").read_bytes())
    assert crl.get_revoked_certificate_by_serial_number(int(issued.serial, 16)) is not None
    nginx["process"].send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while True:
        code, body = _status(url, env, "--cert", "client.pem", "--key", "client.key", cwd=work)
        if code == 400 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert code == 400 and "SSL certificate error" in body
    assert verify()[1] == []
