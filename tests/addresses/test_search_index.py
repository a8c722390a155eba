"""TAO-01 / ELI-01: the free-text index follows the inventory (generation, imports, reindex)."""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from guichet.addresses import signals, tasks
from guichet.addresses.models import SearchEntry
from guichet.addresses.selectors import PlaceQuery, resolve
from guichet.addresses.services import index_state, refresh_index
from guichet.audit.models import AuditRecord
from guichet.core.context import Principal
from guichet.network.choices import ImportStatus
from guichet.network.generator import generate
from guichet.network.models import Address
from tests.addresses.conftest import make_address

pytestmark = pytest.mark.django_db
ACTOR = Principal.system("tests")


@pytest.fixture
def refreshes(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The receiver's task runs at once (as an eager worker would), and is recorded."""
    sent: list[dict[str, Any]] = []

    def delay(**kwargs: Any) -> None:
        sent.append(kwargs)
        tasks.refresh_search_index(**kwargs)

    monkeypatch.setattr(signals, "refresh_search_index", SimpleNamespace(delay=delay))
    return sent


def test_tao_01_index_follows_a_generation(
    refreshes: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = generate(actor=ACTOR, premises=150, seed=7, as_of=date(2026, 3, 2))
    assert job.status == ImportStatus.SUCCEEDED
    assert len(refreshes) == 1 and refreshes[0]["reason"] == f"import:{job.pk}"
    state = index_state()
    assert state.version == 1 and state.addresses == Address.objects.count() > 0
    # Every generated address is found by its own label, or listed among close candidates.
    for address in Address.objects.order_by("pk")[:40]:
        suffix = f" {address.suffix}" if address.suffix else ""
        text = f"{address.number}{suffix} {address.street_name} {address.commune_name}"
        resolution = resolve(ACTOR, PlaceQuery(text=text))
        assert address.pk in [c.address.pk for c in resolution.candidates], text
        if resolution.status == "found":
            assert resolution.address == address


def test_tao_01_refresh_since_rebuilds_only_changed_communes(search_inventory: dict) -> None:
    before = dict(SearchEntry.objects.values_list("id", "insee"))
    since = timezone.now()
    added = make_address("79202", "RUE DES ACACIAS", "4")
    state = refresh_index(actor=ACTOR, since=since)
    assert state.version == 2
    after = dict(SearchEntry.objects.values_list("id", "insee"))
    untouched = {pk for pk, insee in before.items() if insee != "79202"}
    assert untouched <= set(after)  # other communes kept their rows
    assert sorted(SearchEntry.objects.filter(insee="79202").values_list("street", flat=True)) == [
        "rue de la gare",
        "rue des acacias",
    ]
    resolution = resolve(ACTOR, PlaceQuery(text="4 rue des acacias parthenay"))
    assert resolution.status == "found" and resolution.address == added
    assert AuditRecord.objects.filter(action="addresses.index.refresh").count() == 2


def test_tao_01_deleted_address_is_never_answered(search_inventory: dict) -> None:
    search_inventory["5 BOULEVARD MAIN 79191"].delete()  # the index is refreshed later
    resolution = resolve(ACTOR, PlaceQuery(text="5 bd main niort"))
    assert resolution.status == "unknown"


def test_tao_01_reindex_command_prints_its_figures(search_inventory: dict) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("reindex_addresses", stdout=out, stderr=err)
    assert "Index des adresses v2 : 11 voies, 18 adresses" in out.getvalue()
    assert "18/18 adresses" in err.getvalue()
    assert SearchEntry.objects.count() == 11
