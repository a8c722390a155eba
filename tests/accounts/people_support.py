"""Helpers of the profiles and people tests (IAM-07, IAM-08, IAM-10)."""

from __future__ import annotations

import importlib
from datetime import date, timedelta

from django.apps import apps as django_apps
from django.utils import timezone

from guichet.accounts.models import Profile, User
from guichet.accounts.services import profiles as profiles_services
from guichet.core.context import Channel, Principal, principal_for_user
from guichet.operators.models import EService, Operator, Subscription


def as_principal(user: User, channel: str = Channel.PORTAL) -> Principal:
    """The principal the portal or the API would build for ``user``."""
    return principal_for_user(user, channel=channel, ip="192.0.2.1", request_id="test-request")


def restore_eservice_catalogue() -> None:
    """The e-service catalogue is migration data: a transactional test's flush removes it."""
    migration = importlib.import_module("guichet.operators.migrations.0002_eservice_catalogue")
    migration.load(django_apps, None)


def subscribe(
    operator: Operator,
    *codes: str,
    activated_on: date | None = None,
    ends_on: date | None = None,
) -> list[Subscription]:
    """Subscription rows (the contracts issue will create them from signed order forms)."""
    start = activated_on or timezone.localdate() - timedelta(days=30)
    return [
        Subscription.objects.create(
            operator=operator,
            service=EService.objects.get(code=code),
            activated_on=start,
            ends_on=ends_on,
        )
        for code in codes
    ]


SYSTEM = Principal.system("tests")


def give_profile(user: User, name: str, rights: list[str]) -> Profile:
    """A profile of ``user``'s operator, created and assigned through the services."""
    profile = profiles_services.create_profile(
        actor=SYSTEM, name=name, rights=rights, operator=user.operator
    )
    profiles = [*user.profiles.all(), profile]
    profiles_services.assign_profiles(actor=SYSTEM, person=user, profiles=profiles)
    return profile
