"""The rule table of ``guichet.eligibility.rules``, without a database."""

from __future__ import annotations

from datetime import date, timedelta

from guichet.eligibility.choices import Reason, Scope
from guichet.eligibility.rules import BuildingFacts, Constraint, combine, judge

TODAY = date(2026, 6, 1)
OPEN = BuildingFacts(
    building_id="IMB/79191/X/1",
    state="DEPLOYE",
    insee="79191",
    cabling_on=date(2025, 2, 1),
    pm_reference="DSNU-PM-1",
    pm_state="DEPLOYE",
    pm_commercial_opening_on=date(2025, 4, 15),
    pbo_references=("PBO-1",),
)


def facts(**changes: object) -> BuildingFacts:
    return BuildingFacts(**{**OPEN.__dict__, **changes})


def codes(verdict: object) -> list[str]:
    return [why.code for why in verdict.reasons]  # type: ignore[attr-defined]


def test_eli_02_deployed_and_open_is_raccordable_since_the_later_date() -> None:
    verdict = judge(OPEN, "ftth-access", today=TODAY)
    assert verdict.eligible and verdict.since == date(2025, 4, 15)
    later = judge(facts(cabling_on=date(2025, 9, 1)), "ftth-access", today=TODAY)
    assert later.since == date(2025, 9, 1)


def test_eli_02_each_network_state() -> None:
    assert codes(judge(facts(state="ABANDONNE"), "ftth-access", today=TODAY)) == ["abandoned"]
    targeted = judge(facts(state="CIBLE", cabling_on=None), "ftth-access", today=TODAY)
    assert codes(targeted) == ["notDeployed"] and targeted.reasons[0].state == "CIBLE"
    no_pm = judge(facts(pm_reference="", pm_state=""), "ftth-access", today=TODAY)
    assert codes(no_pm) == ["notDeployed"]
    pm_building = judge(facts(pm_state="EN COURS DE DEPLOIEMENT"), "ftth-access", today=TODAY)
    assert pm_building.reasons[0].state == "EN COURS DE DEPLOIEMENT"
    soon = TODAY + timedelta(days=20)
    early = judge(facts(pm_commercial_opening_on=soon), "ftth-access", today=TODAY)
    assert codes(early) == ["beforeCommercialOpening"] and early.available_from == soon
    assert judge(facts(pm_commercial_opening_on=TODAY), "ftth-access", today=TODAY).eligible


def test_eli_01_freezes_exclusions_and_contract_add_up_in_order() -> None:
    rules = [
        Constraint("exclusion", Scope.PM, "DSNU-PM-1", "ftte-active"),
        Constraint("freeze", Scope.ALL, "", "", TODAY, TODAY + timedelta(days=3)),
    ]
    verdict = judge(
        facts(frozen_until=TODAY),
        "ftte-active",
        today=TODAY,
        constraints=rules,
        holds_contract=False,
    )
    assert codes(verdict) == [
        Reason.TEMPORARY_FREEZE,
        Reason.TEMPORARY_FREEZE,
        Reason.EXCLUSION_ZONE,
        Reason.NO_CONTRACT,
    ]
    assert verdict.available_from is None  # an exclusion has no end
    other_offer = judge(OPEN, "ftte-passive-pm", today=TODAY, constraints=rules)
    assert codes(other_offer) == ["temporaryFreeze"]
    assert other_offer.available_from == TODAY + timedelta(days=4)


def test_eli_01_rules_outside_their_dates_or_scope_do_not_apply() -> None:
    rules = [
        Constraint("freeze", Scope.COMMUNE, "79191", "", TODAY + timedelta(days=1)),
        Constraint("freeze", Scope.BUILDING, OPEN.building_id, "", None, TODAY - timedelta(1)),
        Constraint("exclusion", Scope.COMMUNE, "79049"),
    ]
    assert judge(OPEN, "ftth-access", today=TODAY, constraints=rules).eligible


def test_eli_02_an_address_is_eligible_when_one_building_is() -> None:
    good = judge(OPEN, "ftth-access", today=TODAY)
    bad = judge(facts(building_id="B2", state="SIGNE"), "ftth-access", today=TODAY)
    address = combine("ftth-access", [bad, good])
    assert address.eligible and address.building_id == OPEN.building_id
    assert len(address.buildings) == 2
    soon = TODAY + timedelta(days=5)
    waiting = judge(facts(pm_commercial_opening_on=soon), "ftth-access", today=TODAY)
    none = combine("ftth-access", [bad, waiting])
    assert codes(none) == ["notDeployed", "beforeCommercialOpening"]
    assert none.available_from == soon
    assert codes(combine("ftth-access", [])) == ["notDeployed"]
