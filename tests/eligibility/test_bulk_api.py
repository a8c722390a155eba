"""ELI-03 through REST: POST a file (202), follow the job, download the result; scoping."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from rest_framework.test import APIClient

from guichet.accounts.models import User
from guichet.eligibility.bulk import engine
from guichet.network.models import Building
from tests.eligibility.conftest import pto_of, ready

JOBS = "/api/v1/eligibility-jobs"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def upload(client: APIClient, content: bytes, **fields: Any) -> Any:
    data = {"file": SimpleUploadedFile("clients.csv", content, "text/csv"), **fields}
    return client.post(JOBS, data, format="multipart")


def test_eli_03_rest_upload_follow_download(
    client_a: APIClient, deployed: Building, extracted: Any
) -> None:
    content = f"ref;pto\nA;{pto_of(deployed)}\nB;XX\n".encode()
    response = upload(client_a, content, offers=["ftth-access", "ftte-active"])
    assert response.status_code == 202, response.content
    job = response.json()
    assert response["Location"] == f"{JOBS}/{job['id']}"
    assert job["status"] == "queued" and job["rowsTotal"] == 2 and job["rowsDone"] == 0
    assert job["offers"] == ["ftth-access", "ftte-active"] and job["resultUrl"] is None
    early = client_a.get(f"{JOBS}/{job['id']}/result")
    assert early.status_code == 409 and early.json()["code"] == "ELI-034"

    engine.run(job["id"])
    done = client_a.get(f"{JOBS}/{job['id']}").json()
    assert done["status"] == "succeeded" and done["rowsDone"] == 2 and done["errorCount"] == 1
    assert done["eta"] is None and done["resultSha256"]
    result = client_a.get(done["resultUrl"])
    assert result.status_code == 200
    assert result["Content-Type"].startswith("text/csv")
    assert result["Digest"] == f"sha-256={done['resultSha256']}"
    rows = list(
        csv.DictReader(io.StringIO(b"".join(result.streaming_content).decode()), delimiter=";")
    )
    assert [(r["reference"], r["statut"]) for r in rows] == [("A", "found"), ("B", "error")]
    assert rows[0]["ftth-access"] == "eligible" and rows[0]["ftte-active"] == "eligible"
    listed = client_a.get(JOBS).json()
    assert [j["id"] for j in listed] == [job["id"]]


def test_eli_03_rest_another_operator_cannot_read_my_job(
    client_a: APIClient,
    admin_b: User,
    api_as: Callable[[User | None], APIClient],
    deployed: Building,
    extracted: Any,
) -> None:
    job = upload(client_a, f"pto\n{pto_of(deployed)}\n".encode()).json()
    engine.run(job["id"])
    ready(admin_b.operator, admin_b)
    client_b = api_as(admin_b)
    assert client_b.get(f"{JOBS}/{job['id']}").status_code == 404
    assert client_b.get(f"{JOBS}/{job['id']}/result").status_code == 404
    assert client_b.post(f"{JOBS}/{job['id']}/cancel").status_code == 404
    assert client_b.get(JOBS).json() == []
    assert api_as(None).get(f"{JOBS}/{job['id']}").status_code == 401


def test_eli_03_rest_refusals_have_their_codes(
    client_a: APIClient, admin_b: User, api_as: Callable[[User | None], APIClient]
) -> None:
    response = upload(api_as(admin_b), b"pto\nDS-0001-0001\n")
    assert response.status_code == 403 and response.json()["code"] == "ELI-001"
    response = upload(client_a, b"colour\nblue\n")
    assert response.status_code == 400 and response.json()["code"] == "ELI-032"
    response = upload(client_a, b"pto\n")
    assert response.status_code == 400 and response.json()["code"] == "ELI-030"
    response = client_a.post(JOBS, {}, format="multipart")
    assert response.status_code == 422  # no file: the serializer's validation error


def test_eli_03_rest_cancel_a_queued_job(client_a: APIClient, deployed: Building) -> None:
    job = upload(client_a, f"pto\n{pto_of(deployed)}\n".encode()).json()
    response = client_a.post(f"{JOBS}/{job['id']}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert engine.run(job["id"]) is None  # the worker leaves it alone
    again = client_a.post(f"{JOBS}/{job['id']}/cancel")
    assert again.status_code == 409 and again.json()["code"] == "ELI-035"
