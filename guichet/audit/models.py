"""The access and change journal (SEC-04): append-only and hash-chained."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _

from guichet.core.context import Channel


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a journal record."""


class AuditQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit journal is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("the audit journal is append-only")


class AuditRecord(models.Model):
    """Journal d'accès et de modifications : who did what, when, from where, through which door.

    ``hash`` chains each record to the previous one (SHA-256), so a modified or removed
    record breaks the chain (``manage.py audit_verify``). Who is stored by value, not
    by foreign key: the journal outlives the people and operators it names.
    """

    occurred_at = models.DateTimeField(_("date"), db_index=True)
    person_id = models.BigIntegerField(_("personne (id)"), null=True, blank=True, db_index=True)
    person_login = models.CharField(_("identifiant"), max_length=150, blank=True)
    operator_id = models.BigIntegerField(_("opérateur (id)"), null=True, blank=True, db_index=True)
    operator_code = models.CharField(_("code opérateur"), max_length=4, blank=True)
    credential = models.CharField(_("accès système"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("type d'objet"), max_length=100, blank=True)
    object_id = models.CharField(_("objet"), max_length=100, blank=True)
    before = models.JSONField(_("avant"), null=True, blank=True)
    after = models.JSONField(_("après"), null=True, blank=True)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    request_id = models.CharField(_("requête"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("enregistrement du journal")
        verbose_name_plural = _("journal d'audit")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the audit journal is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit journal is append-only")
