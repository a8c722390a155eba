"""Statuses and kinds of bulk jobs, with their transition map."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    """What a job does with its file (the EEP flows will add theirs)."""

    ELIGIBILITY = "eligibility", _("Éligibilité en masse")


class JobStatus(models.TextChoices):
    """Where a job stands; ``running`` survives a crash and is resumed from its last chunk."""

    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    SUCCEEDED = "succeeded", _("Terminé")
    FAILED = "failed", _("En échec")
    CANCELLED = "cancelled", _("Annulé")


TRANSITIONS: dict[str, frozenset[str]] = {
    JobStatus.QUEUED: frozenset({JobStatus.RUNNING, JobStatus.CANCELLED, JobStatus.FAILED}),
    # running → running: a worker resumes a job whose previous worker died.
    JobStatus.RUNNING: frozenset(
        {JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}
    ),
    JobStatus.SUCCEEDED: frozenset(),
    JobStatus.FAILED: frozenset(),
    JobStatus.CANCELLED: frozenset(),
}
FINISHED = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})
