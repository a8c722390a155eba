"""ELI-03 bulk eligibility: one result line per input line, in order; bad lines answered, resume."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from guichet.accounts.models import User
from guichet.audit.models import AuditRecord
from guichet.billing.models import UsageRecord
from guichet.core.context import Channel, Principal, principal_for_user
from guichet.core.errors import GuichetError
from guichet.eligibility import tasks
from guichet.eligibility.bulk import engine
from guichet.eligibility.bulk.choices import JobStatus
from guichet.eligibility.bulk.services import submit_eligibility_job
from guichet.eligibility.models import BulkJob, Qualification
from guichet.network.choices import BuildingState
from guichet.network.models import Building
from tests.eligibility.conftest import ready
from tests.network.factories import make_building, make_pm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path: Path) -> Any:
    with override_settings(MEDIA_ROOT=tmp_path):
        yield tmp_path


def principal(person: User, channel: str = Channel.REST) -> Principal:
    return principal_for_user(person, channel=channel, ip=None, request_id="test")


@pytest.fixture
def actor_a(admin_a: User) -> Principal:
    ready(admin_a.operator, admin_a)
    return principal(admin_a)


def submit(actor: Principal, content: bytes, **options: Any) -> BulkJob:
    return submit_eligibility_job(actor=actor, upload=io.BytesIO(content), name="f.csv", **options)


def result_rows(job: BulkJob) -> list[dict[str, str]]:
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, (job.status, job.message)
    text = Path(job.result_path).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_eli_03_every_line_answered_once_in_order_bad_lines_included(
    actor_a: Principal, extracted: Any
) -> None:
    pm = make_pm()
    house = make_building(pm)
    block = make_building(pm, premises=3)
    abandoned = make_building(pm, state=BuildingState.ABANDONED)
    pto = block.premises.order_by("code")[1].pto_reference
    content = (
        (
            "reference;type;valeur\n"
            f"R1-é;pto;{pto}\n"
            f"R2;hexacle;{house.address.hexacle}\n"
            "R3;pto;XX-12\n"  # malformed PTO
            "R4;couleur;bleu\n"  # unknown key kind
        ).encode()
        + "R5;adresse;4 rue de l'Église\n".encode("cp1252")
        + (
            "R6;hexacle;ZZZZZZZZZZ\n"  # unknown address
            f"R7;id_immeuble;{abandoned.ipe_id}\n"
            "\n"
            f"R9;hexacle;{house.address.hexacle}\n"
        ).encode()
    )
    job = submit(actor_a, content)
    assert job.rows_total == 9
    engine.run(job.pk)
    rows = result_rows(job)
    assert [r["ligne"] for r in rows] == [str(n) for n in range(2, 11)]
    assert [r["reference"] for r in rows] == ["R1-é", "R2", "R3", "R4", "R5", "R6", "R7", "", "R9"]
    statuses = [r["statut"] for r in rows]
    assert statuses == [
        "found", "found", "error", "error", "error", "unknown", "found", "error", "found",
    ]  # fmt: skip
    codes = [r["code_erreur"] for r in rows]
    assert codes == ["", "", "ADR-002", "ELI-041", "ELI-040", "", "", "ELI-043", ""]
    assert rows[0]["pto"] == pto and rows[0]["id_immeuble"] == block.ipe_id
    assert rows[0]["ftth-access"] == "eligible"
    assert rows[0]["ftth-access_depuis"] == "2025-04-15"
    assert rows[5]["ftth-access_motifs"] == "unknownAddress"
    assert rows[6]["ftth-access"] == "notEligible"
    assert rows[6]["ftth-access_motifs"] == "abandoned"
    assert all(r["date_extraction"].startswith("2026-01-05") for r in rows)
    job.refresh_from_db()
    assert job.rows_done == 9 and job.error_count == 4
    assert job.result_sha256 == hashlib.sha256(Path(job.result_path).read_bytes()).hexdigest()
    # One job stored, one usage of 9 lines, journaled; no Qualification per line.
    assert not Qualification.objects.exists()
    usage = UsageRecord.objects.get(reference=f"bulk:{job.pk}")
    assert usage.quantity == 9
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"eligibility.bulk.create", "eligibility.bulk.finish"} <= actions


def test_eli_03_columns_file_windows_1252_comma(actor_a: Principal, extracted: Any) -> None:
    pm = make_pm()
    house = make_building(pm)
    address = house.address
    content = (
        "Référence,Code INSEE,Code RIVOLI,Numéro,Complément,Hexaclé\n"
        f"é1,{address.insee},{address.rivoli},{address.number},,\n"
        f"é2,,,,,{address.hexacle}\n"
        f"é3,{address.insee},{address.rivoli},,,\n"
    ).encode("cp1252")
    job = submit(actor_a, content, offers=["ftth-access"])
    assert job.options["encoding"] == "cp1252" and job.options["delimiter"] == ","
    engine.run(job.pk)
    rows = result_rows(job)
    assert [r["reference"] for r in rows] == ["é1", "é2", "é3"]
    assert [r["trouvee_par"] for r in rows] == ["rivoli", "hexacle", ""]
    assert rows[0]["id_adresse"] == address.hexacle == rows[1]["id_adresse"]
    assert rows[2]["code_erreur"] == "ADR-002"  # INSEE + RIVOLI without a number
    assert "ftte-active" not in rows[0]


def test_eli_03_resume_after_a_crash_gives_the_same_file(
    actor_a: Principal, extracted: Any
) -> None:
    pm = make_pm()
    buildings = [make_building(pm, premises=2) for _ in range(6)]
    ptos = [p.pto_reference for b in buildings for p in b.premises.order_by("code")]
    content = ("pto\n" + "\n".join([*ptos, "DS-9999-9999", "bad"]) + "\n").encode()
    clean = submit(actor_a, content, chunk_size=3)
    engine.run(clean.pk)
    expected = Path(result_rows(clean) and clean.result_path).read_bytes()

    class Crash(BaseException):
        """A worker killed mid-job (not an error the engine would catch)."""

    crashed = submit(actor_a, content, chunk_size=3)

    def die_after_two_chunks(job: BulkJob) -> None:
        if job.rows_done >= 6:
            # Lines written after the last commit, then the process dies.
            with (engine.job_dir(job.pk) / "result.csv.part").open("ab") as part:
                part.write(b"half a line that was never committed;")
            raise Crash

    with pytest.raises(Crash):
        engine.run(crashed.pk, after_chunk=die_after_two_chunks)
    crashed.refresh_from_db()
    assert crashed.status == JobStatus.RUNNING and crashed.rows_done == 6
    assert engine.run(crashed.pk) is None  # its lease still holds: another worker's
    engine.run(crashed.pk, force=True)  # the lease ran out: resumed
    crashed.refresh_from_db()
    assert crashed.runs == 2
    assert Path(crashed.result_path).read_bytes() == expected
    assert crashed.result_sha256 == clean.result_sha256


def test_eli_03_more_than_a_million_rows_refused(
    actor_a: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guichet.eligibility.bulk import services

    monkeypatch.setattr(services, "MAX_ROWS", 3)
    with pytest.raises(GuichetError) as refused:
        submit(actor_a, b"nd\n" + b"0102030405\n" * 4)
    assert refused.value.code == "ELI-031"
    assert services.MAX_ROWS == 3 and not BulkJob.objects.exists()
    with pytest.raises(GuichetError) as empty:
        submit(actor_a, b"nd\n")
    assert empty.value.code == "ELI-030"
    with pytest.raises(GuichetError) as header:
        submit(actor_a, b"colour;size\nblue;3\n")
    assert header.value.code == "ELI-032"


def test_eli_03_real_limit_is_one_million_rows(actor_a: Principal) -> None:
    content = b"nd\n" + b"0102030405\n" * 1_000_001
    with pytest.raises(GuichetError) as refused:
        submit(actor_a, content)
    assert refused.value.code == "ELI-031"
    assert "1000001" in refused.value.message("fr")


def test_eli_03_refused_as_qualify_is(admin_b: User) -> None:
    with pytest.raises(GuichetError) as refused:
        submit(principal(admin_b), b"nd\n0102030405\n")
    assert refused.value.code == "ELI-001"  # not subscribed


def test_eli_03_progress_and_eta_move(actor_a: Principal, extracted: Any) -> None:
    pm = make_pm()
    building: Building = make_building(pm, premises=5)
    ptos = [p.pto_reference for p in building.premises.all()]
    job = submit(actor_a, ("pto\n" + "\n".join(ptos * 4) + "\n").encode(), chunk_size=4)
    seen: list[tuple[int, Any]] = []

    def watch(running: BulkJob) -> None:
        fresh = BulkJob.objects.get(pk=running.pk)  # as a door reads it
        seen.append((fresh.rows_done, engine.eta(fresh)))

    engine.run(job.pk, after_chunk=watch)
    assert [done for done, _ in seen] == [4, 8, 12, 16, 20]
    assert all(eta is not None for _, eta in seen[:-1])
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and engine.eta(job) is None
    assert job.rows_per_second and job.rows_per_second > 0


def test_eli_03_a_job_whose_worker_died_is_queued_again_by_the_beat(
    actor_a: Principal, extracted: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["eligibility-resume-stalled-bulk-jobs"]
    assert entry["task"] == tasks.resume_stalled_bulk_jobs.name
    pm = make_pm()
    ptos = [p.pto_reference for p in make_building(pm, premises=4).premises.all()]
    job = submit(actor_a, ("pto\n" + "\n".join(ptos) + "\n").encode(), chunk_size=2)

    class Crash(BaseException):
        pass

    def die(job: BulkJob) -> None:
        raise Crash

    with pytest.raises(Crash):
        engine.run(job.pk, after_chunk=die)
    queued: list[str] = []
    monkeypatch.setattr(tasks.run_bulk_job, "delay", queued.append)
    assert tasks.resume_stalled_bulk_jobs() == 0  # its lease still holds
    BulkJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert tasks.resume_stalled_bulk_jobs() == 1 and queued == [str(job.pk)]
    assert tasks.run_bulk_job(str(job.pk)) == JobStatus.SUCCEEDED
    assert len(result_rows(job)) == 4
