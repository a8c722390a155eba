"""Terminations (CTR-07, 08, 11) and what happens on their effective date (CTR-14)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from guichet.audit.recorder import record, snapshot
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.operators import rendering
from guichet.operators.errors import (
    ALREADY_TERMINATED,
    CONTRACT_ADMIN_ONLY,
    EXPORT_DESTROYED,
    NO_SUBSTANTIAL_CHANGE,
    TERMINATION_INVALID,
)
from guichet.operators.models import (
    DataExport,
    DocumentKind,
    Operator,
    OrderForm,
    Subscription,
    TerminationNotice,
)
from guichet.operators.selectors import is_operator_admin
from guichet.operators.selectors.contracts import current_document, pending_substantial_change
from guichet.operators.services.contracts import send_contract_email

CONTRACT_NOTICE_MONTHS = 3  # art. 9
Kind = Subscription.TerminationKind

# Other domains add what they hold for an e-service to the archive (CTR-14) and destroy it
# after retention: ``register_service_data("e-rdv", export=..., destroy=...)``.
Exporter = Callable[[Operator, Subscription], dict[str, bytes]]
Destroyer = Callable[[Operator, Subscription], int]
_EXPORTERS: dict[str, list[tuple[Exporter, Destroyer | None]]] = {}


def register_service_data(
    service_code: str, *, export: Exporter, destroy: Destroyer | None = None
) -> None:
    """Let a domain contribute files to an ended e-service's archive, and destroy its data."""
    _EXPORTERS.setdefault(service_code, []).append((export, destroy))


def retention_days() -> int:
    """Days the archive stays downloadable before destruction (``GUICHET_TERMINATION_RETENTION_DAYS``)."""
    return int(getattr(settings, "GUICHET_TERMINATION_RETENTION_DAYS", 30))


def _check_party(actor: Principal, operator_id: int) -> str:
    if actor.is_provider:
        return Kind.PROVIDER
    if actor.operator_id != operator_id or not is_operator_admin(actor):
        raise GuichetError(CONTRACT_ADMIN_ONLY)
    return Kind.OPERATOR


def _fees_until(subscription: Subscription, kind: str) -> date | None:
    """Fees owed to the end of the minimum commitment, when the Operator ends early (art. 9)."""
    end = subscription.commitment_ends_on
    if kind != Kind.OPERATOR or end is None or subscription.ends_on is None:
        return None
    return end if subscription.ends_on <= end else None


def _end(
    actor: Principal,
    subscription: Subscription,
    *,
    kind: str,
    requested_on: date,
    effective_on: date,
    reason: str,
    whole_contract: bool = False,
) -> TerminationNotice:
    before = snapshot(
        subscription, fields=["ends_on", "termination_requested_on", "termination_kind"]
    )
    subscription.ends_on = max(effective_on, subscription.activated_on)
    subscription.termination_requested_on = requested_on
    subscription.termination_kind = kind
    subscription.save(
        update_fields=["ends_on", "termination_requested_on", "termination_kind", "updated_at"]
    )
    notice = TerminationNotice.objects.create(
        operator=subscription.operator,
        subscription=subscription,
        whole_contract=whole_contract,
        kind=kind,
        requested_by=actor.login,
        requested_on=requested_on,
        effective_on=subscription.ends_on,
        reason=reason,
    )
    record(
        actor,
        "operators.subscription.terminate",
        target=subscription,
        before=before,
        after={
            **snapshot(
                subscription, fields=["ends_on", "termination_requested_on", "termination_kind"]
            ),
            "notice": notice.pk,
        },
    )
    return notice


def _open(subscription: Subscription) -> Subscription:
    subscription = (
        Subscription.objects.select_for_update()
        .select_related("service", "operator")
        .get(pk=subscription.pk)
    )
    if subscription.ends_on is not None:
        raise GuichetError(
            ALREADY_TERMINATED,
            service=subscription.service.name,
            ends_on=subscription.ends_on.strftime("%d/%m/%Y"),
        )
    return subscription


@transaction.atomic
def terminate_subscription(
    *, actor: Principal, subscription: Subscription, reason: str = ""
) -> TerminationNotice:
    """Résilier un e-service with the notice of its Specific Conditions (CTR-08).

    During the minimum commitment the Operator owes the remaining monthly fees: billing
    reads them from ``termination_kind`` and the commitment end.
    """
    kind = _check_party(actor, subscription.operator_id)
    subscription = _open(subscription)
    specific = current_document(DocumentKind.SPECIFIC, subscription.service)
    months = specific.termination_notice_months if specific else 0
    today = timezone.localdate()
    notice = _end(
        actor,
        subscription,
        kind=kind,
        requested_on=today,
        effective_on=today + relativedelta(months=months),
        reason=(reason or "").strip(),
    )
    fees_until = _fees_until(subscription, kind)
    send_contract_email(
        actor,
        operator=subscription.operator,
        template="termination",
        what=f"l'e-service {subscription.service.name}",
        kind=dict(Kind.choices)[kind],
        effective=rendering.french_date(notice.effective_on),
        fees_until=rendering.french_date(fees_until) if fees_until else "",
    )
    return notice


@transaction.atomic
def terminate_for_substantial_change(
    *, actor: Principal, subscription: Subscription
) -> TerminationNotice:
    """Résiliation sans pénalité after a notified substantial change, effective the day it applies (CTR-11)."""
    if actor.is_provider:
        raise GuichetError(CONTRACT_ADMIN_ONLY)
    _check_party(actor, subscription.operator_id)
    subscription = _open(subscription)
    change = pending_substantial_change(subscription.service)
    if change is None:
        raise GuichetError(NO_SUBSTANTIAL_CHANGE, service=subscription.service.name)
    notice = _end(
        actor,
        subscription,
        kind=Kind.SUBSTANTIAL_CHANGE,
        requested_on=timezone.localdate(),
        effective_on=change.effective_on,
        reason=f"Modification substantielle des Conditions Spécifiques (version {change.version})",
    )
    send_contract_email(
        actor,
        operator=subscription.operator,
        template="termination",
        what=f"l'e-service {subscription.service.name}",
        kind=str(Kind.SUBSTANTIAL_CHANGE.label),
        effective=rendering.french_date(notice.effective_on),
        fees_until="",
    )
    return notice


@transaction.atomic
def terminate_contract(
    *, actor: Principal, operator: Operator, reason: str = ""
) -> list[TerminationNotice]:
    """Résilier le Contrat with 3 months' notice: every e-service ends with it (CTR-07)."""
    _check_party(actor, operator.pk)
    operator = Operator.objects.select_for_update().get(pk=operator.pk)
    today = timezone.localdate()
    pending = TerminationNotice.objects.filter(
        operator=operator, whole_contract=True, effective_on__gt=today
    ).first()
    if pending is not None:
        raise GuichetError(
            TERMINATION_INVALID,
            detail=f"la résiliation du Contrat est déjà notifiée (effective le "
            f"{pending.effective_on:%d/%m/%Y})",
        )
    effective = today + relativedelta(months=CONTRACT_NOTICE_MONTHS)
    subscriptions = Subscription.objects.select_for_update().filter(operator=operator)
    notices = []
    for subscription in subscriptions.filter(ends_on__isnull=True).select_related("service"):
        notices.append(
            _end(
                actor,
                subscription,
                kind=Kind.CONTRACT,
                requested_on=today,
                effective_on=effective,
                reason=(reason or "").strip(),
                whole_contract=True,
            )
        )
    for subscription in subscriptions.filter(ends_on__gt=effective):
        notices.append(
            _end(
                actor,
                subscription,
                kind=Kind.CONTRACT,
                requested_on=today,
                effective_on=effective,
                reason=(reason or "").strip(),
                whole_contract=True,
            )
        )
    if not notices:
        notices.append(
            TerminationNotice.objects.create(
                operator=operator,
                whole_contract=True,
                kind=Kind.CONTRACT,
                requested_by=actor.login,
                requested_on=today,
                effective_on=effective,
                reason=(reason or "").strip(),
            )
        )
    record(
        actor,
        "operators.contract.terminate",
        target=operator,
        after={"effective_on": effective, "notices": [n.pk for n in notices], "reason": reason},
    )
    send_contract_email(
        actor,
        operator=operator,
        template="termination",
        what="l'ensemble du Contrat e-services (et de tous les e-services)",
        kind=str(Kind.CONTRACT.label),
        effective=rendering.french_date(effective),
        fees_until="",
    )
    return notices


# Effective date (CTR-14) --------------------------------------------------------------


def build_archive(subscription: Subscription) -> bytes:
    """A zip of what the platform holds for this e-service: subscription, order forms, domain data."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "souscription.json",
            json.dumps(snapshot(subscription), ensure_ascii=False, indent=2, default=str),
        )
        for form in OrderForm.objects.filter(
            operator=subscription.operator, service=subscription.service
        ):
            meta = snapshot(
                form, fields=[f.name for f in OrderForm._meta.fields if f.name != "pdf"]
            )
            archive.writestr(
                f"bons-de-commande/{form.number}.json",
                json.dumps(meta, ensure_ascii=False, indent=2, default=str),
            )
            if form.pdf:
                archive.writestr(f"bons-de-commande/{form.number}.pdf", bytes(form.pdf))
        for export, _destroy in _EXPORTERS.get(subscription.service.code, []):
            for name, content in export(subscription.operator, subscription).items():
                archive.writestr(f"donnees/{name}", content)
    return buffer.getvalue()


@transaction.atomic
def apply_due_terminations(*, actor: Principal, today: date | None = None) -> dict[str, int]:
    """On each effective date: rights are gone (they follow ``ends_on``), the data is exported
    for the operator; archives past retention are destroyed with the domains' data (CTR-14)."""
    today = today or timezone.localdate()
    exported = destroyed = 0
    ended = (
        # Lock the subscriptions only: the reverse join to DataExport is nullable.
        Subscription.objects.select_for_update(of=("self",))
        .select_related("service", "operator")
        .filter(ends_on__lte=today, data_export__isnull=True)
    )
    for subscription in ended:
        archive = build_archive(subscription)
        export = DataExport.objects.create(
            operator=subscription.operator,
            subscription=subscription,
            archive=archive,
            archive_sha256=rendering.sha256(archive),
            destroy_after=today + timedelta(days=retention_days()),
        )
        TerminationNotice.objects.filter(subscription=subscription, applied_at__isnull=True).update(
            applied_at=timezone.now()
        )
        record(
            actor,
            "operators.subscription.export_data",
            target=export,
            after={"subscription": subscription.pk, "sha256": export.archive_sha256},
        )
        send_contract_email(
            actor,
            operator=subscription.operator,
            template="data_exported",
            export=export,
            destroy_after=rendering.french_date(export.destroy_after),
        )
        exported += 1
    TerminationNotice.objects.filter(
        subscription__isnull=True, effective_on__lte=today, applied_at__isnull=True
    ).update(applied_at=timezone.now())
    due = DataExport.objects.select_for_update().select_related("subscription__service", "operator")
    for export in due.filter(destroy_after__lt=today, destroyed_at__isnull=True):
        removed = 0
        for _export, destroy in _EXPORTERS.get(export.subscription.service.code, []):
            if destroy is not None:
                removed += destroy(export.operator, export.subscription)
        export.archive, export.destroyed_at = None, timezone.now()
        export.save(update_fields=["archive", "destroyed_at", "updated_at"])
        record(
            actor,
            "operators.subscription.destroy_data",
            target=export,
            after={"destroyed_at": export.destroyed_at, "domain_rows": removed},
        )
        destroyed += 1
    return {"exported": exported, "destroyed": destroyed}


def archive_of(export: DataExport) -> bytes:
    """The archive's bytes, or CTR-033 once destroyed."""
    if export.destroyed_at or not export.archive:
        when = export.destroyed_at.strftime("%d/%m/%Y") if export.destroyed_at else "—"
        raise GuichetError(EXPORT_DESTROYED, when=when)
    return bytes(export.archive)


__all__: list[Any] = [
    "apply_due_terminations",
    "archive_of",
    "register_service_data",
    "terminate_contract",
    "terminate_for_substantial_change",
    "terminate_subscription",
]
