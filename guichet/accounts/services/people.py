"""People administration by an operator's admin or the Provider's staff (IAM-07, IAM-10).

Creating a person and declaring a loss belong to the identifiers concern
(``services.identifiers``): the functions here check the administration rules, then
call it. Editing a record, deactivating and reactivating an identifier live here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from guichet.accounts.choices import DeactivationReason, IdentifierState
from guichet.accounts.errors.people import (
    NEVER_INITIALISED,
    OPERATOR_REQUIRED,
    PERSON_EDIT_INVALID,
    PERSON_NOT_EDITABLE,
    REPLACED_IDENTIFIER,
    SELF_CHANGE_REFUSED,
)
from guichet.accounts.models import Profile, Role, User
from guichet.accounts.rights import forget_rights
from guichet.accounts.services import identifiers
from guichet.accounts.services.profiles import (
    check_assignable,
    require_administer,
    set_profiles,
)
from guichet.audit.recorder import changes, record, snapshot
from guichet.core.context import Principal
from guichet.core.errors import NOT_FOUND, GuichetError
from guichet.operators.models import Operator

EDITABLE_FIELDS = ("first_name", "last_name", "email", "role")


def _require_person(actor: Principal, person: User) -> None:
    """Only operators' people are administered here; the Provider's staff use the admin."""
    if person.operator_id is None:
        raise GuichetError(NOT_FOUND)
    require_administer(actor, person.operator_id)


def _is_self(actor: Principal, person: User) -> bool:
    return actor.person_id is not None and actor.person_id == person.pk


@transaction.atomic
def add_person(
    *,
    actor: Principal,
    operator: Operator | None,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str = Role.MEMBER,
    profiles: Iterable[Profile] = (),
    requested_on: date | None = None,
) -> User:
    """Register a person designated by the operator with its profiles: the identifier is
    issued (IAM-01..03) and the issuance record names the profiles."""
    if operator is None:
        if actor.is_provider:
            raise GuichetError(OPERATOR_REQUIRED, field="operator")
        raise GuichetError(NOT_FOUND)
    require_administer(actor, operator.pk)
    chosen = list(profiles)
    check_assignable(actor, operator.pk, chosen)
    person = identifiers.issue_identifier(
        actor=actor,
        operator=operator,
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        profiles=chosen,
        requested_on=requested_on,
    )
    return person


@transaction.atomic
def update_person(
    *,
    actor: Principal,
    person: User,
    profiles: Iterable[Profile] | None = None,
    **values: Any,
) -> User:
    """Change names, email, role and profiles of a person; each change journaled."""
    _require_person(actor, person)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise GuichetError(PERSON_EDIT_INVALID, field=field, detail=f"{field} : non modifiable")
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.state == IdentifierState.DELETED:
        raise GuichetError(PERSON_NOT_EDITABLE, login=person.username)
    if "role" in values and values["role"] != person.role and _is_self(actor, person):
        raise GuichetError(SELF_CHANGE_REFUSED, field="role")
    before = snapshot(person, EDITABLE_FIELDS)
    for field, value in values.items():
        setattr(person, field, value)
    try:
        person.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in values])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise GuichetError(
            PERSON_EDIT_INVALID, field=field, detail=f"{field} : {messages[0]}"
        ) from exc
    old, new = changes(before, snapshot(person, EDITABLE_FIELDS))
    if new:
        person.save(update_fields=list(new))
        record(actor, "accounts.person.update", target=person, before=old, after=new)
    if profiles is not None:
        set_profiles(actor=actor, person=person, profiles=profiles)
    forget_rights(person)
    return person


@transaction.atomic
def deactivate_person(
    *, actor: Principal, person: User, reason: str = DeactivationReason.MANUAL
) -> User:
    """Deactivate an identifier at once: its sessions end (IAM-05/06 share this state)."""
    _require_person(actor, person)
    if _is_self(actor, person):
        raise GuichetError(SELF_CHANGE_REFUSED)
    person = User.objects.select_for_update().get(pk=person.pk)
    identifiers.check_transition(person, IdentifierState.DEACTIVATED)
    before = snapshot(person, ("state", "is_active", "deactivation_reason"))
    person.state = IdentifierState.DEACTIVATED
    person.is_active = False
    person.deactivated_at = timezone.now()
    person.deactivation_reason = reason
    person.save(update_fields=["state", "is_active", "deactivated_at", "deactivation_reason"])
    record(
        actor,
        "accounts.person.deactivate",
        target=person,
        before=before,
        after=snapshot(person, ("state", "is_active", "deactivation_reason", "deactivated_at")),
    )
    identifiers.kill_sessions(person)
    forget_rights(person)
    return person


@transaction.atomic
def reactivate_person(*, actor: Principal, person: User) -> User:
    """Reactivate a deactivated identifier, unless it was lost or stolen (a new one was issued)."""
    _require_person(actor, person)
    person = User.objects.select_for_update().get(pk=person.pk)
    identifiers.check_transition(person, IdentifierState.ACTIVE)
    lost = (DeactivationReason.LOST, DeactivationReason.FRAUD)
    if person.deactivation_reason in lost or User.objects.filter(replaces=person).exists():
        raise GuichetError(REPLACED_IDENTIFIER, login=person.username)
    if not person.has_usable_password():
        raise GuichetError(NEVER_INITIALISED, login=person.username)
    before = snapshot(person, ("state", "is_active", "deactivation_reason", "deactivated_at"))
    person.state = IdentifierState.ACTIVE
    person.is_active = True
    person.deactivated_at = None
    person.deactivation_reason = ""
    person.dormancy_warned_at = None
    person.save(
        update_fields=[
            "state",
            "is_active",
            "deactivated_at",
            "deactivation_reason",
            "dormancy_warned_at",
        ]
    )
    record(
        actor,
        "accounts.person.reactivate",
        target=person,
        before=before,
        after=snapshot(person, ("state", "is_active", "deactivation_reason", "deactivated_at")),
    )
    forget_rights(person)
    return person


def report_loss(*, actor: Principal, person: User, reason: str, note: str = "") -> User:
    """Declare a lost or stolen identifier (IAM-06): deactivated at once, a new one issued.

    Returns the new identifier; the identifiers concern does the work.
    """
    _require_person(actor, person)
    return identifiers.declare_lost(actor=actor, user=person, reason=reason, note=note)
