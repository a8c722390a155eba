"""ELI-03 file retention: the files of bulk jobs finished more than GUICHET_BULK_RETENTION_DAYS
ago are deleted by a daily beat task; the job stays, marked purged, and every door says the
result was deleted (ELI-037, 410) instead of a 404 or a 500."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from guichet.accounts.models import User
from guichet.audit.models import AuditRecord
from guichet.core.context import Channel, principal_for_user
from guichet.eligibility import tasks
from guichet.eligibility.bulk import engine
from guichet.eligibility.bulk.choices import JobStatus
from guichet.eligibility.bulk.services import submit_eligibility_job
from guichet.eligibility.models import BulkJob
from guichet.network.models import Building
from tests.api_checks import assert_tmf_error
from tests.eligibility.conftest import pto_of, ready

pytestmark = pytest.mark.django_db
JOBS = "/api/v1/eligibility-jobs"


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


@pytest.fixture
def make_job(admin_a: User, deployed: Building, extracted: Any) -> Any:
    ready(admin_a.operator, admin_a)
    actor = principal_for_user(admin_a, channel=Channel.REST, ip=None, request_id="test")
    content = f"reference;pto\nC1;{pto_of(deployed)}\n".encode()

    def make(*, ended_days_ago: int, run: bool = True) -> BulkJob:
        job = submit_eligibility_job(actor=actor, upload=io.BytesIO(content), name="f.csv")
        if run:
            engine.run(job.pk)
            ended = timezone.now() - timedelta(days=ended_days_ago)
            BulkJob.objects.filter(pk=job.pk).update(finished_at=ended)
        job.refresh_from_db()
        return job

    return make


def purge(django_capture_on_commit_callbacks: Any) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return tasks.purge_bulk_files()


def test_eli_03_files_of_old_finished_jobs_deleted_by_the_beat(
    make_job: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["eligibility-purge-bulk-files"]
    assert entry["task"] == tasks.purge_bulk_files.name
    assert settings.GUICHET_BULK_RETENTION_DAYS == 30  # the documented default
    old, recent = make_job(ended_days_ago=31), make_job(ended_days_ago=29)
    queued = make_job(ended_days_ago=0, run=False)
    BulkJob.objects.filter(pk=queued.pk).update(
        created_at=timezone.now() - timedelta(days=60),
        updated_at=timezone.now() - timedelta(days=60),
    )
    cancelled = make_job(ended_days_ago=0, run=False)  # cancelled: ended when cancelled
    BulkJob.objects.filter(pk=cancelled.pk).update(
        status=JobStatus.CANCELLED, updated_at=timezone.now() - timedelta(days=40)
    )
    for job in (old, recent, queued, cancelled):
        assert engine.job_dir(job.pk).is_dir()

    assert purge(django_capture_on_commit_callbacks) == 2
    for job in (old, cancelled):
        job.refresh_from_db()
        assert job.purged_at is not None
        assert not engine.job_dir(job.pk).exists()
        assert not Path(job.input_path).exists()
    old.refresh_from_db()
    assert old.status == JobStatus.SUCCEEDED and old.result_sha256  # the job itself stays
    for job in (recent, queued):
        job.refresh_from_db()
        assert job.purged_at is None and Path(job.input_path).is_file()
    assert Path(recent.result_path).is_file()
    entry_ = AuditRecord.objects.get(action="eligibility.bulk.purge", object_id=str(old.pk))
    assert entry_.channel == "system" and entry_.after["retention_days"] == 30
    assert purge(django_capture_on_commit_callbacks) == 0  # idempotent


def test_eli_03_retention_days_come_from_the_setting(
    make_job: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.GUICHET_BULK_RETENTION_DAYS = 7
    week, days = make_job(ended_days_ago=8), make_job(ended_days_ago=6)
    assert purge(django_capture_on_commit_callbacks) == 1
    week.refresh_from_db()
    days.refresh_from_db()
    assert week.purged_at is not None and days.purged_at is None


def test_eli_03_rest_says_the_result_was_deleted(
    make_job: Any, admin_a: User, api_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = make_job(ended_days_ago=45)
    client: APIClient = api_as(admin_a)
    assert client.get(f"{JOBS}/{job.pk}/result").status_code == 200
    purge(django_capture_on_commit_callbacks)
    shown = client.get(f"{JOBS}/{job.pk}").json()
    assert shown["purgedAt"] is not None and shown["resultUrl"] is None
    assert shown["status"] == "succeeded"
    gone = assert_tmf_error(client.get(f"{JOBS}/{job.pk}/result"), 410, "ELI-037")
    assert "30 days" in gone["message"] or "30 jours" in gone["message"]


def test_eli_03_portal_says_in_french_the_result_was_deleted_after_n_days(
    make_job: Any, admin_a: User, django_capture_on_commit_callbacks: Any
) -> None:
    job = make_job(ended_days_ago=45)
    purge(django_capture_on_commit_callbacks)
    browser = Client()
    browser.force_login(admin_a)
    page = browser.get("/eligibilite/en-masse/").content.decode()
    assert "conservés 30 jours après la fin du traitement" in page
    table = browser.get(reverse("eligibility-bulk:jobs")).content.decode()
    link = reverse("eligibility-bulk:result", args=[job.pk])
    assert link not in table
    assert "Résultat supprimé le" in table and "30 jours après la fin du traitement" in table
    download = browser.get(link)
    assert download.status_code == 410
    html = download.content.decode()
    assert "ELI-037" in html and "supprimé" in html and "30 jours" in html
