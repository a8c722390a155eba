"""Every change to people goes through here, with its audit record.

This package holds one module per concern (identifiers, profiles, sessions, credentials);
the basics (creating a person, journaling logins) stay in this file."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from guichet.accounts.errors import LOGIN_TAKEN, PERSON_FORBIDDEN, PERSON_INVALID
from guichet.accounts.models import Role, User
from guichet.audit.recorder import record, snapshot
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.operators.models import Operator


@transaction.atomic
def create_person(
    *,
    actor: Principal,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    operator: Operator | None = None,
    role: str = Role.MEMBER,
    password: str | None = None,
    is_superuser: bool = False,
) -> User:
    """Register a person for an operator (its admin or the Provider) or for the Provider (Provider only)."""
    if not actor.is_provider and (operator is None or operator.pk != actor.operator_id):
        raise GuichetError(PERSON_FORBIDDEN)
    if not actor.is_provider and (actor.user is None or actor.user.role != Role.ADMIN):
        raise GuichetError(PERSON_FORBIDDEN)
    if User.objects.filter(username__iexact=username).exists():
        raise GuichetError(LOGIN_TAKEN, field="username", login=username)
    person = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        operator=operator,
        role=role,
        is_staff=operator is None,
        is_superuser=operator is None and is_superuser,
    )
    try:
        person.full_clean(exclude=["password"])
        if password is not None:
            validate_password(password, person)
    except ValidationError as exc:
        field, messages = (
            next(iter(exc.message_dict.items()))
            if hasattr(exc, "error_dict")
            else ("password", exc.messages)
        )
        raise GuichetError(PERSON_INVALID, field=field, detail=f"{field} : {messages[0]}") from exc
    if password is None:
        person.set_unusable_password()
    else:
        person.set_password(password)
    person.save()
    record(actor, "accounts.person.create", target=person, after=snapshot(person))
    return person


@transaction.atomic
def record_login(*, actor: Principal) -> None:
    """Journal a successful login (SEC-04); the identifier's dormancy clock restarts (IAM-05)."""
    from guichet.accounts.services.identifier_common import touch_last_used

    if actor.user is not None:
        touch_last_used(actor.user)
    record(
        actor,
        "accounts.login.success",
        object_type="accounts.user",
        object_id=actor.person_id or "",
    )


def record_logout(*, actor: Principal) -> None:
    """Journal a logout."""
    record(actor, "accounts.logout", object_type="accounts.user", object_id=actor.person_id or "")


def record_failed_login(*, actor: Principal, attempted_login: str) -> None:
    """Journal a refused login attempt under the operator of the identifier it names."""
    from guichet.accounts.services.sessions import LOGIN_FAILED, record_attempt

    record_attempt(actor=actor, attempted_login=attempted_login, action=LOGIN_FAILED)
