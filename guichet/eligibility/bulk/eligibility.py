"""The bulk eligibility processor: a chunk of lines answered with the rules of ``qualify``.

Row by row ``qualify()`` would be ~20 queries a line. Here a chunk costs a few queries:

1. **Resolve** — structured keys in one query per key kind (PTO, ND, building id,
   hexaclé, BAN id, INSEE + RIVOLI + number, hexaclé voie + number), checked and cleaned
   exactly as :func:`guichet.addresses.selectors.resolve` does; free text and
   coordinates go through ``resolve`` itself (the search engine), cached per text.
2. **Facts** — the buildings (with address and PM) and their PBO references, loaded once
   per job and cached; the Provider's rules and the operator's contracts once per job.
3. **Judge** — the pure :func:`~guichet.eligibility.rules.judge` / ``combine`` of
   ``qualify``, cached per place (a premises' building and PBO, or an address).
4. **Render** — :func:`~guichet.eligibility.bulk.output.answer_cells` of an
   ``as_answer``-shaped dict, so each line reads as ``qualify`` would answer it.

One usage record for the whole job (quantity = its lines), one audit record at its end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.db.models import Min, Q
from django.utils import timezone

from guichet.addresses.errors import QUERY_EMPTY, QUERY_INVALID
from guichet.addresses.selectors import (
    FOUND,
    HEXACLE_RE,
    INSEE_RE,
    ND_RE,
    NEAREST_LIMIT,
    PTO_RE,
    RIVOLI_RE,
    UNKNOWN,
    PlaceQuery,
    resolve,
)
from guichet.audit.recorder import record
from guichet.billing.services import record_usage
from guichet.core.context import Principal
from guichet.core.errors import GuichetError
from guichet.eligibility.bulk import output
from guichet.eligibility.bulk.errors import LINE_EMPTY
from guichet.eligibility.bulk.reading import Layout, Line, read_lines
from guichet.eligibility.choices import ESERVICE, RIGHT, Reason, Result, Scope
from guichet.eligibility.models import BulkJob, ExclusionZone, TemporaryFreeze
from guichet.eligibility.rules import (
    BuildingFacts,
    Constraint,
    Verdict,
    Why,
    address_only,
    combine,
    contract_offer,
    judge,
)
from guichet.eligibility.services.qualification import check_access, why_json
from guichet.network import selectors as network
from guichet.operators.selectors.contracts import holds_wholesale

ADDRESS_FIELDS = (
    "hexacle",
    "ban_id",
    "number",
    "suffix",
    "street_name",
    "postcode",
    "commune_name",
)
BUILDING_FIELDS = (
    "pk", "address_id", "ipe_id", "state", "address__insee", "cabling_on", "pm_id",
    "frozen_until", "premises_count",
)  # fmt: skip
SUFFIXES = {"BIS": "B", "TER": "T", "QUATER": "Q", "QUINQUIES": "C"}
CACHE_LIMIT = 200_000  # cached places per job; beyond, the caches start again


def _clean(value: str) -> str:
    # As addresses.selectors: blanks removed, upper case.
    return "".join((value or "").split()).upper()


def _suffix(value: str) -> str:
    cleaned = _clean(value)
    return SUFFIXES.get(cleaned, cleaned)


def job_principal(job: BulkJob) -> Principal:
    """Who the job acts for: its requester, through the door it came by, with the right it used."""
    return Principal(
        person_id=job.person_id,
        login=job.requested_by,
        operator_id=job.operator_id,
        operator_code=job.operator.arcep_code if job.operator else "",
        is_provider=job.operator_id is None,
        credential=job.credential,
        channel=job.channel,
        request_id=f"bulk:{job.pk}",
        rights=frozenset({RIGHT}),
    )


@dataclass(frozen=True)
class Place:
    """What a line resolved to (the batched equivalent of a ``Resolution``)."""

    status: str
    matched_by: str
    address_id: int | None = None
    premises_id: int | None = None
    building_id: str = ""  # the key named one building (IdentifiantImmeuble)
    candidates: tuple[int, ...] = ()  # address ids when ambiguous


@dataclass(frozen=True)
class PremisesRow:
    pto: str
    staircase: str
    floor: str
    door: str
    building_pk: int
    pbo_reference: str | None
    pbo_pm_id: int | None


def all_constraints(today: date) -> list[Constraint]:
    """Every Provider rule in force today, as ``selectors.constraints_on`` reads them.

    ``judge`` checks each rule's target against the building, so the whole list gives the
    answer the per-place list gives (a PM rule without a PM reference never applies there).
    """
    zones = [
        Constraint("exclusion", z.scope, z.value, z.offer)
        for z in ExclusionZone.objects.all()
        if not (z.scope == Scope.PM and not z.value)
    ]
    freezes = [
        Constraint("freeze", f.scope, f.value, f.offer, f.starts_on, f.ends_on)
        for f in TemporaryFreeze.objects.filter(starts_on__lte=today)
        if (f.ends_on is None or f.ends_on >= today) and not (f.scope == Scope.PM and not f.value)
    ]
    return zones + freezes


class EligibilityProcessor:
    """Answers the lines of an eligibility bulk job (see the module docstring)."""

    def __init__(self, job: BulkJob) -> None:
        self.job = job
        self.actor = job_principal(job)
        self.operator = check_access(self.actor)  # refused since the upload: the job fails
        self.layout = Layout.from_options(job.options)
        self.offers: list[str] = list(job.options["offers"])
        self.today = timezone.localdate()
        self.constraints = all_constraints(self.today)
        # Offers needing the same contract differ only by a rule naming one of them.
        self.same_rules = all(not rule.offer for rule in self.constraints)
        self.contracts = {
            name: self.operator is None or holds_wholesale(self.operator.pk, name)
            for name in ("ftth", "ftte")
        }
        self.data_as_of = job.data_as_of.isoformat() if job.data_as_of else ""
        self._forget()

    def _forget(self) -> None:
        """Empty the per-job caches (places already answered keep their rows)."""
        self._addresses: dict[int, dict[str, Any]] = {}
        # building pk → (facts without PBO, its PM, its address pk)
        self._buildings: dict[int, tuple[BuildingFacts, Any, int]] = {}
        self._by_address: dict[int, list[int]] = {}
        self._pbos: dict[int, tuple[str, ...]] = {}
        self._premises: dict[int, PremisesRow] = {}
        self._pms: dict[int, Any] = {}
        self._texts: dict[PlaceQuery, Place | None] = {}
        self._verdicts: dict[tuple[Any, ...], list[dict[str, Any]]] = {}

    # --- Processor protocol ----------------------------------------------------------------

    def columns(self) -> list[str]:
        return output.columns(self.offers)

    def errors_in(self, rows: list[list[str]]) -> int:
        return sum(1 for row in rows if row[4] == output.ERROR)

    def finish(self, job: BulkJob) -> None:
        if self.operator is not None:
            record_usage(
                actor=self.actor,
                operator=self.operator,
                service_code=ESERVICE,
                quantity=max(job.rows_total, 1),
                reference=f"bulk:{job.pk}",
            )
        record(
            self.actor,
            "eligibility.bulk.finish",
            target=job,
            after={
                "rows": job.rows_total,
                "errors": job.error_count,
                "result_sha256": job.result_sha256,
                "data_as_of": job.data_as_of,
            },
        )

    def process(self, first_line: int, raws: list[bytes]) -> list[list[str]]:
        if len(self._verdicts) > CACHE_LIMIT or len(self._premises) > CACHE_LIMIT:
            self._forget()  # bounded memory on a large network
        lines = read_lines(
            self.layout, zip(range(first_line, first_line + len(raws)), raws, strict=True)
        )
        places = self._resolve(lines)
        self._load(places.values())
        rows = []
        for index, line in enumerate(lines):
            head = output.line_cells(line.number, line.reference, line.key_kind, line.key)
            place = places.get(index)
            if line.error is not None or place is None:
                error = line.error or GuichetError(LINE_EMPTY)
                cells = output.error_cells(
                    self.offers, error.code, error.message("fr"), self.data_as_of
                )
            else:
                cells = output.answer_cells(self.answer(place))
                cells += ["", ""]
            rows.append(head + cells)
        return rows

    # --- 1. Resolve --------------------------------------------------------------------------

    def _key(self, line: Line) -> tuple[str, Any] | None:
        """The batched lookup a line needs, checked as ``resolve`` checks it (or its error)."""
        query = line.query
        if query is None or query.is_empty():
            line.error = GuichetError(QUERY_EMPTY)
            return None
        if query.pto:
            pto = _clean(query.pto)
            if not PTO_RE.match(pto):
                raise GuichetError(
                    QUERY_INVALID, field="pto", detail="référence PTO au format OO-XXXX-XXXX"
                )
            return "pto", pto
        if query.nd:
            nd = _clean(query.nd)
            if not ND_RE.match(nd):
                raise GuichetError(QUERY_INVALID, field="nd", detail="un ND a 10 chiffres")
            return "nd", nd
        if query.building_id:
            return "building", query.building_id.strip()
        if query.hexacle:
            hexacle = _clean(query.hexacle)
            if not HEXACLE_RE.match(hexacle):
                raise GuichetError(
                    QUERY_INVALID, field="hexacle", detail="un hexaclé a 10 caractères"
                )
            return "hexacle", hexacle
        if query.ban_id:
            return "ban", query.ban_id.strip()
        if query.hexacle_street:
            self._need_number(query)
            return "hexacle_street", (
                _clean(query.hexacle_street),
                query.number,
                _suffix(query.suffix),
            )
        if query.insee or query.rivoli:
            insee, rivoli = _clean(query.insee), _clean(query.rivoli)
            if not INSEE_RE.match(insee) or not RIVOLI_RE.match(rivoli):
                raise GuichetError(
                    QUERY_INVALID,
                    field="rivoli",
                    detail="code INSEE (5) et code RIVOLI (4) attendus",
                )
            self._need_number(query)
            return "rivoli", (insee, rivoli, query.number, _suffix(query.suffix))
        return "other", query

    @staticmethod
    def _need_number(query: PlaceQuery) -> None:
        if query.number is None:
            raise GuichetError(QUERY_INVALID, field="number", detail="le numéro est obligatoire")

    def _resolve(self, lines: list[Line]) -> dict[int, Place]:
        wanted: dict[str, dict[Any, list[int]]] = {}
        for index, line in enumerate(lines):
            if line.error is not None:
                continue
            try:
                key = self._key(line)
            except GuichetError as exc:
                line.error = exc
                continue
            if key is not None:
                wanted.setdefault(key[0], {}).setdefault(key[1], []).append(index)
        places: dict[int, Place] = {}
        lookups = {
            "pto": self._by_pto,
            "nd": self._by_nd,
            "building": self._by_building,
            "hexacle": lambda keys: self._by_address_key("hexacle", keys),
            "ban": lambda keys: self._by_address_key("ban_id", keys),
            "rivoli": self._by_rivoli,
            "hexacle_street": self._by_hexacle_street,
        }
        for kind, keys in wanted.items():
            if kind == "other":
                found = {
                    query: self._by_search(query, lines, indexes) for query, indexes in keys.items()
                }
            else:
                found = lookups[kind](list(keys))
            for key, indexes in keys.items():
                place = found.get(key)
                for index in indexes:
                    if lines[index].error is None:
                        places[index] = place or Place(UNKNOWN, _MATCHED_BY[kind])
        return places

    def _by_pto(self, ptos: list[str]) -> dict[Any, Place]:
        rows = (
            network.inventory_premises(self.actor)
            .filter(pto_reference__in=ptos)
            .values_list(
                "pto_reference",
                "pk",
                "building__address_id",
                "building__ipe_id",
                "staircase",
                "floor",
                "door",
                "building_id",
                "pbo__reference",
                "pbo__pm_id",
            )
        )
        return self._premises_places(rows, "pto")

    def _by_nd(self, nds: list[str]) -> dict[Any, Place]:
        rows = (
            network.lines_for(self.actor)
            .filter(nd__in=nds)
            .order_by("reference")
            .values_list(
                "nd",
                "premises_id",
                "premises__building__address_id",
                "premises__building__ipe_id",
                "premises__staircase",
                "premises__floor",
                "premises__door",
                "premises__building_id",
                "premises__pbo__reference",
                "premises__pbo__pm_id",
                "premises__pto_reference",
            )
        )
        return self._premises_places(rows, "nd")

    def _premises_places(
        self, rows: Iterable[tuple[Any, ...]], matched_by: str
    ) -> dict[Any, Place]:
        places: dict[Any, Place] = {}
        for row in rows:
            key, pk, address_id, ipe_id, staircase, floor, door, building_pk, pbo, pbo_pm = row[:10]
            if key in places:
                continue  # the first, as .first() gives
            pto = row[10] if len(row) > 10 else key
            self._premises[pk] = PremisesRow(
                pto or "", staircase, floor, door, building_pk, pbo, pbo_pm
            )
            places[key] = Place(FOUND, matched_by, address_id, pk, ipe_id)
        return places

    def _by_building(self, ids: list[str]) -> dict[Any, Place]:
        rows = (
            network.inventory_buildings(self.actor)
            .filter(ipe_id__in=ids)
            .values_list("ipe_id", "address_id")
        )
        return {
            ipe_id: Place(FOUND, "building", address_id, None, ipe_id)
            for ipe_id, address_id in rows
        }

    def _many(self, matched_by: str, groups: dict[Any, list[tuple[Any, ...]]]) -> dict[Any, Place]:
        """Addresses per key, in the inventory's order, at most NEAREST_LIMIT (as ``resolve``)."""
        places = {}
        for key, found in groups.items():
            found.sort()
            ids = tuple(row[-1] for row in found[:NEAREST_LIMIT])
            if len(ids) == 1:
                places[key] = Place(FOUND, matched_by, ids[0])
            else:
                places[key] = Place("ambiguous", matched_by, candidates=ids)
        return places

    def _by_address_key(self, field: str, keys: list[str]) -> dict[Any, Place]:
        rows = (
            network.inventory_addresses(self.actor)
            .filter(**{f"{field}__in": keys})
            .values_list(field, "insee", "street_name", "number", "suffix", "pk")
        )
        groups: dict[Any, list[tuple[Any, ...]]] = {}
        for key, insee, street, number, suffix, pk in rows:
            groups.setdefault(key, []).append((insee, street, number or 0, suffix, pk))
        return self._many("hexacle" if field == "hexacle" else "ban", groups)

    def _by_rivoli(self, keys: list[tuple[str, str, int, str]]) -> dict[Any, Place]:
        # One clause per commune (its RIVOLI codes x its numbers), the exact keys kept below:
        # one clause per street costs more to compile than to run.
        communes: dict[str, tuple[set[str], set[int]]] = {}
        for insee, rivoli, number, _ in keys:
            rivolis, numbers = communes.setdefault(insee, (set(), set()))
            rivolis.add(rivoli)
            numbers.add(number)
        where = Q()
        for insee, (rivolis, numbers) in communes.items():
            where |= Q(insee=insee, rivoli__in=rivolis, number__in=numbers)
        rows = (
            network.inventory_addresses(self.actor)
            .filter(where)
            .values_list("insee", "rivoli", "number", "suffix", "street_name", "pk")
        )
        wanted, groups = set(keys), {}
        for insee, rivoli, number, suffix, street, pk in rows:
            key = (insee, rivoli, number, suffix)
            if key in wanted:
                groups.setdefault(key, []).append((insee, street, number or 0, suffix, pk))
        return self._many("rivoli", groups)

    def _by_hexacle_street(self, keys: list[tuple[str, int, str]]) -> dict[Any, Place]:
        rows = (  # coarse, as for RIVOLI: the exact keys are kept below
            network.inventory_addresses(self.actor)
            .filter(hexacle_street__in={k[0] for k in keys}, number__in={k[1] for k in keys})
            .values_list("hexacle_street", "number", "suffix", "insee", "street_name", "pk")
        )
        wanted, groups = set(keys), {}
        for street_key, number, suffix, insee, street, pk in rows:
            key = (street_key, number, suffix)
            if key in wanted:
                groups.setdefault(key, []).append((insee, street, number or 0, suffix, pk))
        return self._many("hexacle_street", groups)

    def _by_search(self, query: PlaceQuery, lines: list[Line], indexes: list[int]) -> Place | None:
        """Free text and coordinates: ``resolve`` itself (the search engine), once per text."""
        cached = self._texts.get(query)
        if cached is not None:
            return cached
        try:
            resolution = resolve(self.actor, query)
        except GuichetError as exc:
            for index in indexes:
                lines[index].error = exc
            return None
        for c in resolution.candidates:
            self._addresses.setdefault(c.address.pk, _address_cells(c.address))
        candidate = resolution.candidate
        if candidate is not None:
            place = Place(
                FOUND, resolution.matched_by, candidate.address.pk, None, candidate.building_id
            )
        elif resolution.status == UNKNOWN:
            place = Place(UNKNOWN, resolution.matched_by)
        else:
            place = Place(
                resolution.status,
                resolution.matched_by,
                candidates=tuple(c.address.pk for c in resolution.candidates),
            )
        self._texts[query] = place
        return place

    # --- 2. Facts ------------------------------------------------------------------------------

    def _load(self, places: Iterable[Place]) -> None:
        """Addresses, buildings and PBO references the chunk's places need, not yet cached."""
        addresses, by_address, buildings = set(), set(), set()
        for place in places:
            addresses.update(place.candidates)
            if place.status != FOUND or place.address_id is None:
                continue
            addresses.add(place.address_id)
            if place.premises_id is not None:
                buildings.add(self._premises[place.premises_id].building_pk)
            elif place.address_id not in self._by_address:
                by_address.add(place.address_id)
        missing = [pk for pk in addresses if pk not in self._addresses]
        if missing:
            found = network.inventory_addresses(self.actor).only(*ADDRESS_FIELDS)
            for pk, address in found.in_bulk(missing).items():
                self._addresses[pk] = _address_cells(address)
        if by_address:
            for pk in by_address:
                self._by_address[pk] = []
            rows = self._building_rows(address_id__in=by_address)
            for row in sorted(rows, key=lambda r: r[2]):  # by IdentifiantImmeuble
                self._by_address[row[1]].append(row[0])
            self._load_pbos([row[0] for row in rows])
        missing = [pk for pk in buildings if pk not in self._buildings]
        if missing:
            self._building_rows(pk__in=missing)

    def _building_rows(self, **lookup: Any) -> list[tuple[Any, ...]]:
        """Buildings as plain rows (no model instances: ~10× cheaper), their PMs cached."""
        rows = list(
            network.inventory_buildings(self.actor).filter(**lookup).values_list(*BUILDING_FIELDS)
        )
        self._load_pms({row[6] for row in rows if row[6] is not None})
        for pk, address_id, ipe_id, state, insee, cabling_on, pm_id, frozen, count in rows:
            pm = self._pms.get(pm_id) if pm_id is not None else None
            facts = BuildingFacts(
                building_id=ipe_id,
                state=state,
                insee=insee,
                cabling_on=cabling_on,
                pm_reference=pm.reference if pm else "",
                pm_state=pm.state if pm else "",
                pm_commercial_opening_on=pm.commercial_opening_on if pm else None,
                frozen_until=frozen,
                premises_count=count,
            )
            self._buildings[pk] = (facts, pm, address_id)
        return rows

    def _load_pms(self, pks: set[int]) -> None:
        """PMs (few) read once per job, through one of their buildings."""
        missing = [pk for pk in pks if pk not in self._pms]
        if not missing:
            return
        buildings = network.inventory_buildings(self.actor)
        firsts = (
            buildings.filter(pm_id__in=missing)
            .order_by()
            .values("pm_id")
            .annotate(first=Min("pk"))
            .values_list("first", flat=True)
        )
        for building in buildings.filter(pk__in=list(firsts)):
            self._pms[building.pm_id] = building.pm

    def _load_pbos(self, building_pks: list[int]) -> None:
        for pk in building_pks:
            self._pbos[pk] = ()
        rows = (
            network.inventory_premises(self.actor)
            .filter(building__in=building_pks, pbo__isnull=False)
            .values_list("building_id", "pbo__reference")
            .distinct()
            .order_by("building_id", "pbo__reference")
        )
        for building_pk, reference in rows:
            self._pbos[building_pk] += (reference,)

    def _premises_facts(self, premises_id: int) -> tuple[tuple[Any, ...], list[BuildingFacts]]:
        row = self._premises[premises_id]
        facts, pm, _ = self._buildings[row.building_pk]
        key = ("p", row.building_pk, row.pbo_reference, row.pbo_pm_id)
        pbos = (row.pbo_reference,) if row.pbo_reference is not None else ()
        if pm is None and row.pbo_pm_id is not None:
            # The building's PM is its PBO's when the IPE line lacks it (as qualify does).
            premises = network.inventory_premises(self.actor).get(pk=premises_id)
            facts = _facts(premises.building, premises.pbo.pm)
        return key, [_with_pbos(facts, pbos)]

    def _address_facts(self, place: Place) -> tuple[tuple[Any, ...], list[BuildingFacts]]:
        assert place.address_id is not None
        key = ("a", place.address_id, place.building_id)
        pks = self._by_address.get(place.address_id, [])
        facts = [
            _with_pbos(self._buildings[pk][0], self._pbos.get(pk, ()))
            for pk in pks
            if not place.building_id or self._buildings[pk][0].building_id == place.building_id
        ]
        return key, facts

    # --- 3. Judge, 4. render -------------------------------------------------------------------

    def _items(self, place: Place) -> list[dict[str, Any]]:
        if place.status != FOUND:
            key: tuple[Any, ...] = ("x", place.status)
            cached = self._verdicts.get(key)
            if cached is None:
                code = (
                    Reason.UNKNOWN_ADDRESS if place.status == UNKNOWN else Reason.AMBIGUOUS_ADDRESS
                )
                cached = self._verdicts[key] = [_item(address_only(o, code)) for o in self.offers]
            return cached
        if place.premises_id is not None:
            key, facts = self._premises_facts(place.premises_id)
        else:
            if place.address_id not in self._by_address:
                self._load([place])
            key, facts = self._address_facts(place)
        cached = self._verdicts.get(key)
        if cached is None:
            cached = self._verdicts[key] = self._judge(facts)
        return cached

    def _judge(self, facts: Sequence[BuildingFacts]) -> list[dict[str, Any]]:
        """One item per offer; offers that no rule tells apart share one judgement."""
        items: list[dict[str, Any]] = []
        shared: dict[str, dict[str, Any]] = {}
        for offer in self.offers:
            group = contract_offer(offer)
            if self.same_rules and group in shared:
                items.append({**shared[group], "offer": offer})
                continue
            holds = self.contracts[group]
            per_building = [
                judge(
                    f, offer, today=self.today, constraints=self.constraints, holds_contract=holds
                )
                for f in facts
            ]
            if not per_building:  # an address of the inventory without any IPE line
                reasons = (Why(Reason.NOT_DEPLOYED),) + (
                    () if holds else (Why(Reason.NO_CONTRACT),)
                )
                verdict = Verdict(offer=offer, eligible=False, reasons=reasons)
            else:
                verdict = combine(offer, per_building)
            items.append(shared.setdefault(group, _item(verdict)))
        return items

    def answer(self, place: Place) -> dict[str, Any]:
        """The line's answer, shaped as :func:`guichet.eligibility.answers.as_answer`."""
        where: dict[str, Any] = {}
        candidates: list[dict[str, Any]] = []
        if place.status == FOUND and place.address_id is not None:
            where["address"] = self._addresses[place.address_id]
            if place.premises_id is not None:
                row = self._premises[place.premises_id]
                where["premises"] = {"pto": row.pto, "building_id": place.building_id}
            elif place.building_id:
                where["building_id"] = place.building_id
        else:
            candidates = [{"address": self._addresses[pk]} for pk in place.candidates]
        return {
            "resolution": place.status,
            "matched_by": place.matched_by,
            "place": where,
            "candidates": candidates,
            "items": self._items(place),
            "data_as_of": self.data_as_of,
        }


_MATCHED_BY = {
    "pto": "pto",
    "nd": "nd",
    "building": "building",
    "hexacle": "hexacle",
    "ban": "ban",
    "rivoli": "rivoli",
    "hexacle_street": "hexacle_street",
    "other": "text",
}


def _address_cells(address: Any) -> dict[str, Any]:
    """The cells of ``services.address_json`` the file shows (same id rule, same label)."""
    return {
        "id": address.hexacle or address.ban_id or f"adr-{address.pk}",
        "hexacle": address.hexacle or "",
        "label": str(address),
    }


def _facts(building: Any, pm: Any) -> BuildingFacts:
    """As ``qualify`` reads a building (pbo references added per place)."""
    return BuildingFacts(
        building_id=building.ipe_id,
        state=building.state,
        insee=building.address.insee,
        cabling_on=building.cabling_on,
        pm_reference=pm.reference if pm else "",
        pm_state=pm.state if pm else "",
        pm_commercial_opening_on=pm.commercial_opening_on if pm else None,
        frozen_until=building.frozen_until,
        premises_count=building.premises_count,
    )


def _with_pbos(facts: BuildingFacts, pbos: tuple[str, ...]) -> BuildingFacts:
    return replace(facts, pbo_references=pbos)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _item(verdict: Verdict) -> dict[str, Any]:
    pbos = verdict.pbo_references
    return {
        "offer": verdict.offer,
        "result": Result.ELIGIBLE if verdict.eligible else Result.NOT_ELIGIBLE,
        "reasons": [why_json(why) for why in verdict.reasons],
        "since": _iso(verdict.since),
        "available_from": _iso(verdict.available_from),
        "building_id": verdict.building_id,
        "pm_reference": verdict.pm_reference,
        "pbo_reference": pbos[0] if len(pbos) == 1 else "",
    }


def processor(job: BulkJob) -> EligibilityProcessor:
    """The engine's factory for ``JobKind.ELIGIBILITY``."""
    return EligibilityProcessor(job)
