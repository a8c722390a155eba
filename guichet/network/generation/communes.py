"""Communes of the reference data (and synthetic copies) as ``Commune`` rows, idempotently."""

from __future__ import annotations

from collections.abc import Iterable

from guichet.network.generation.places import SYNTHETIC_KIND, CommunePlan
from guichet.network.generation.reference import CURRENT, Reference
from guichet.network.models import Commune, Street

FORMER_KIND = "commune-ancienne"  # a former code the COG lists without a row of its own


def load_communes(reference: Reference) -> int:
    """Create the communes that are missing (current ones, then former ones with their parent)."""
    existing = set(Commune.objects.values_list("insee", flat=True))
    current = {commune.insee: commune for commune in reference.current}
    rows: list[Commune] = [
        Commune(
            insee=commune.insee,
            name=commune.name,
            kind=CURRENT,
            postcodes=list(reference.postcodes[commune.insee]),
            population=commune.population,
        )
        for commune in reference.current
    ]
    known = set(current)
    for commune in reference.communes:
        # Déléguée rows that carry their parent's own code are the current row already.
        if commune.kind == CURRENT or commune.insee in known or commune.parent not in current:
            continue
        known.add(commune.insee)
        rows.append(
            Commune(
                insee=commune.insee,
                name=commune.name,
                kind=commune.kind,
                parent_id=commune.parent,
                postcodes=list(reference.postcodes[commune.parent]),
            )
        )
    for commune in reference.current:
        for code in commune.former_codes:
            if code not in known:
                known.add(code)
                rows.append(
                    Commune(
                        insee=code,
                        name=f"Ancienne commune {code} ({commune.name})",
                        kind=FORMER_KIND,
                        parent_id=commune.insee,
                        postcodes=list(reference.postcodes[commune.insee]),
                    )
                )
    missing = [row for row in rows if row.insee not in existing]
    # Parents come first in ``rows``: foreign keys hold at every step.
    Commune.objects.bulk_create(missing, batch_size=500)
    return len(missing)


def load_synthetic_communes(plans: Iterable[CommunePlan], reference: Reference) -> int:
    """Commune rows for the synthetic copies of the département (same names, suffixed)."""
    plans = [plan for plan in plans if plan.synthetic]
    if not plans:
        return 0
    existing = set(
        Commune.objects.filter(insee__in=[plan.insee for plan in plans]).values_list(
            "insee", flat=True
        )
    )
    rows = [
        Commune(
            insee=plan.insee,
            name=plan.name,
            kind=SYNTHETIC_KIND,
            postcodes=list(reference.postcodes[plan.source.insee]),
            population=plan.source.population,
        )
        for plan in plans
        if plan.insee not in existing
    ]
    Commune.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def load_streets(insee: str, streets: Iterable[tuple[str, str, str, bool]]) -> None:
    """FANTOIR-like street rows for the streets a commune's addresses use (kept when present)."""
    Street.objects.bulk_create(
        [
            Street(
                insee=insee,
                rivoli=rivoli,
                name=name,
                nature=nature,
                kind="3" if lieu_dit else "1",
            )
            for rivoli, name, nature, lieu_dit in streets
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
