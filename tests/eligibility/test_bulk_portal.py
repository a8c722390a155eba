"""ELI-03 in the portal: « Éligibilité en masse » — upload, progress bar and ETA, download."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from guichet.accounts.models import User
from guichet.audit.models import AuditRecord
from guichet.eligibility.bulk import engine
from guichet.eligibility.models import BulkJob
from guichet.network.models import Building
from tests.eligibility.conftest import pto_of, ready

pytestmark = pytest.mark.django_db
PAGE = "/eligibilite/en-masse/"


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def browser(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_eli_03_portal_upload_progress_download(
    admin_a: User, admin_b: User, deployed: Building, extracted: Any
) -> None:
    ready(admin_a.operator, admin_a)
    client = browser(admin_a)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Éligibilité en masse" in page.content.decode()
    content = f"reference;pto\nC1;{pto_of(deployed)}\nC2;{pto_of(deployed, 1)}\n".encode()
    sent = client.post(
        PAGE,
        {"file": SimpleUploadedFile("clients.csv", content), "offers": ["ftth-access"]},
        follow=True,
    )
    assert sent.status_code == 200
    html = sent.content.decode()
    assert "clients.csv" in html and "2 lignes à traiter" in html
    job = BulkJob.objects.get()
    assert job.channel == "portal" and job.options["offers"] == ["ftth-access"]
    assert AuditRecord.objects.filter(action="eligibility.bulk.create", channel="portal").exists()
    # While queued, the table asks htmx to reload it.
    table = client.get(reverse("eligibility-bulk:jobs")).content.decode()
    assert 'hx-trigger="every 3s"' in table and f'id="progress-{job.pk}"' in table

    engine.run(job.pk)
    table = client.get(reverse("eligibility-bulk:jobs")).content.decode()
    assert "hx-trigger" not in table and 'value="2"' in table
    link = reverse("eligibility-bulk:result", args=[job.pk])
    assert link in table
    download = client.get(link)
    assert download.status_code == 200
    text = b"".join(download.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [(r["reference"], r["ftth-access"]) for r in rows] == [
        ("C1", "eligible"),
        ("C2", "eligible"),
    ]
    ready(admin_b.operator, admin_b)
    other = browser(admin_b)
    assert other.get(link).status_code == 404
    assert str(job.pk) not in other.get(PAGE).content.decode()


def test_eli_03_portal_refusals(admin_a: User, admin_b: User) -> None:
    page = browser(admin_b).get(PAGE)  # not subscribed
    assert page.status_code == 403 and "ELI-001" in page.content.decode()
    ready(admin_a.operator, admin_a)
    bad = browser(admin_a).post(PAGE, {"file": SimpleUploadedFile("x.csv", b"colour\nblue\n")})
    assert bad.status_code == 400 and "ELI-032" in bad.content.decode()
    assert not BulkJob.objects.exists()
