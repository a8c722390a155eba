"""FANTOIR / TOPO import: the DGFiP fixed-width file of streets and lieux-dits (plain or gz).

Records (0-based offsets, ``shared/data/fr-79/README.md``): ``[0:2]`` département,
``[2]`` direction, ``[3:6]`` commune, ``[6:10]`` RIVOLI code, ``[10]`` key, ``[11:15]``
street-type code, ``[15:41]`` label, ``[73]`` cancellation (``Q``/``O``), ``[108]`` type
(1 street, 2 housing estate, 3 lieu-dit, 4 pseudo-street, 5 provisional street).
Only street records are imported: the file header and the département and commune
records have a blank commune code or a blank RIVOLI code, and the national file ends
with a ``9999999999`` record. Each street record creates or updates the
:class:`Street` ``(INSEE, RIVOLI)``; ``name`` is the street-type label + the label
(``RUE`` + ``PRINCIPALE``). Streamed and written in batches, like the other imports.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.utils import timezone

from guichet.network import errors
from guichet.network.importing.base import ImportAbort, ImportContext
from guichet.network.importing.batches import BATCH_SIZE, PkMarks, RowWriter, batched, changes
from guichet.network.models import Street

# FANTOIR street-type codes → labels (first label when several), from the Etalab
# fantoir-parser table (MIT), shared/data/fr-79/fantoir-natures-voies.csv.
_NATURE_TABLE = (
    "ACH=ANCIEN CHEMIN|AER=AERODROME|AERG=AEROGARE|AGL=AGGLOMERATION|AIRE=AIRE|ALL=ALLEE|"
    "ANGL=ANGLE|ARC=ARCADE|ART=ANCIENNE ROUTE|AUT=AUTOROUTE|AV=AVENUE|BASE=BASE|"
    "BD=BOULEVARD|BER=BERGE|BORD=BORD|BRE=BARRIERE|BRG=BOURG|BRTL=BRETELLE|BSN=BASSIN|"
    "CAE=CARRIERA|CALL=CALLE|CAMI=CAMIN|CAMP=CAMP|CAN=CANAL|CAR=CARREFOUR|CARE=CARRIERE|"
    "CASR=CASERNE|CC=CHEMIN COMMUNAL|CD=CHEMIN DEPARTEMENTAL|CF=CHEMIN FORESTIER|"
    "CHA=CHASSE|CHE=CHEMIN|CHEM=CHEMINEMENT|CHL=CHALET|CHP=CHAMP|CHS=CHAUSSEE|"
    "CHT=CHATEAU|CHV=CHEMIN VICINAL|CITE=CITE|CIVE=COURSIVE|CLOS=CLOS|CLR=COULOIR|"
    "COIN=COIN|COL=COL|COR=CORNICHE|CORO=CORON|COTE=COTE|COUR=COUR|CPG=CAMPING|"
    "CR=CHEMIN RURAL|CRS=COURS|CRX=CROIX|CTR=CONTOUR|CTRE=CENTRE|DARS=DARSE|"
    "DEVI=DEVIATION|DIG=DIGUE|DOM=DOMAINE|DRA=DRAILLE|DSC=DESCENTE|ECA=ECART|ECL=ECLUSE|"
    "EMBR=EMBRANCHEMENT|EMP=EMPLACEMENT|ENC=ENCLOS|ENV=ENCLAVE|ESC=ESCALIER|"
    "ESP=ESPLANADE|ESPA=ESPACE|ETNG=ETANG|FD=FOND|FG=FAUBOURG|FON=FONTAINE|FOR=FORET|"
    "FORT=FORT|FOS=FOSSE|FRM=FERME|GAL=GALERIE|GARE=GARE|GBD=GRAND BOULEVARD|"
    "GPL=GRANDE PLACE|GR=GRANDE RUE|GREV=GREVE|HAB=HABITATION|HAM=HAMEAU|HIP=HIPPODROME|"
    "HLE=HALLE|HLG=HALAGE|HLM=HLM|HTR=HAUTEUR|ILE=ILE|ILOT=ILOT|IMP=IMPASSE|JARD=JARDIN|"
    "JTE=JETEE|LAC=LAC|LEVE=LEVEE|LICE=LICES|LIGN=LIGNE|LOT=LOTISSEMENT|MAIL=MAIL|"
    "MAIS=MAISON|MAR=MARCHE|MARE=MARE|MAS=MAS|MNE=MORNE|MRN=MARINA|MTE=MONTEE|"
    "NTE=NOUVELLE ROUTE|PAE=PETITE AVENUE|PARC=PARC|PAS=PASSAGE|PASS=PASSE|"
    "PCH=PETIT CHEMIN|PCHE=PORCHE|PHAR=PHARE|PIST=PISTE|PKG=PARKING|PL=PLACE|PLA=PLACA|"
    "PLAG=PLAGE|PLAN=PLAN|PLCI=PLACIS|PLE=PASSERELLE|PLN=PLAINE|PLT=PLATEAU|PNT=POINTE|"
    "PONT=PONT|PORQ=PORTIQUE|PORT=PORT|POST=POSTE|POT=POTERNE|PROM=PROMENADE|"
    "PRT=PETITE ROUTE|PRV=PARVIS|PTA=PETITE ALLEE|PTE=PORTE|PTR=PETITE RUE|PTTE=PLACETTE|"
    "QUA=QUARTIER|QUAI=QUAI|RAC=RACCOURCI|REM=REMPART|RES=RESIDENCE|RIVE=RIVE|RLE=RUELLE|"
    "ROC=ROCADE|RPE=RAMPE|RPT=ROND-POINT|RTD=ROTONDE|RTE=ROUTE|RUE=RUE|RUET=RUETTE|"
    "RUIS=RUISSEAU|RULT=RUELLETTE|RVE=RAVINE|SAS=SAS|SEN=SENTIER|SQ=SQUARE|STDE=STADE|"
    "TER=TERRE|TOUR=TOUR|TPL=TERRE-PLEIN|TRA=TRAVERSE|TRAB=TRABOULE|TRN=TERRAIN|"
    "TRT=TERTRE|TSSE=TERRASSE|TUN=TUNNEL|VAL=VAL|VALL=VALLON|VC=VOIE COMMUNALE|"
    "VCHE=VIEUX CHEMIN|VEN=VENELLE|VGE=VILLAGE|VIA=VIA|VIAD=VIADUC|VIL=VILLE|VLA=VILLA|"
    "VOIE=VOIE|VOIR=VOIRIE|VOUT=VOUTE|VOY=VOYEUL|VTE=VIEILLE ROUTE|ZA=ZA|ZAC=ZAC|ZAD=ZAD|"
    "ZI=ZI|ZONE=ZONE|ZUP=ZUP|"
)
NATURES = dict(entry.split("=", 1) for entry in _NATURE_TABLE.split("|") if entry)
_INSEE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
_RIVOLI = re.compile(r"^[0-9A-Z]{4}$")
KINDS = frozenset("12345")
READ = ("id", "insee", "rivoli", "rivoli_key", "name", "nature", "kind", "cancelled")
COUNT_NAMES = ("rows", "rejected", "skipped", "streets_created", "streets_updated")


def _open(path: Path) -> IO[bytes]:
    with path.open("rb") as handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else path.open("rb")


def lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of every line; ASCII in practice, Windows-1252 tolerated."""
    with _open(path) as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                line = raw.decode("cp1252", errors="replace")
            yield number, line.rstrip("\r\n")


def is_street(line: str) -> bool:
    """Street records only: not the header, département, commune or end records."""
    return (
        bool(line[3:6].strip()) and bool(line[6:10].strip()) and not line.startswith("9999999999")
    )


def _looks_like_fantoir(line: str) -> bool:
    # Fixed width, no separators; the header starts with blanks, the others with a département.
    head = line[:41]
    return (
        len(line) >= 30
        and ";" not in head
        and "\t" not in head
        and (not line[:10].strip() or line[:2].isalnum())
    )


def street_name(nature: str, label: str) -> str:
    """``RUE`` + ``PRINCIPALE`` → ``RUE PRINCIPALE``; a lieu-dit has no street type."""
    prefix = NATURES.get(nature, nature)
    return f"{prefix} {label}".strip()[:100] if prefix else label[:100]


class FantoirImport:
    """The state of one FANTOIR import across its batches."""

    def __init__(self, ctx: ImportContext, table: str) -> None:
        self.ctx = ctx
        self.table = table
        self.counts: Counter[str] = Counter()
        self.seen = PkMarks()
        self.late_duplicates: list[tuple[int, str]] = []
        self.writer = RowWriter(Street)
        self.stamp = timezone.now()

    def _invalid(self, row: int, column: str, value: str, detail: str) -> None:
        self.ctx.error(
            errors.IMPORT_ROW_INVALID,
            table=self.table,
            row=row,
            column=column,
            value=value,
            detail=detail,
        )

    def parse(self, row: int, line: str) -> dict[str, Any] | None:
        """The street of a record, or None after reporting what is wrong with it (NET-003)."""
        if len(line) < 42:
            self._invalid(
                row, "enregistrement", line, f"enregistrement tronqué ({len(line)} caractères)"
            )
            return None
        ok = True
        insee, rivoli, key = line[0:2] + line[3:6], line[6:10], line[10]
        if not _INSEE.match(insee):
            self._invalid(row, "code commune [0:6]", line[0:6], "code INSEE attendu")
            ok = False
        if not _RIVOLI.match(rivoli):
            self._invalid(row, "RIVOLI [6:10]", rivoli, "4 lettres ou chiffres attendus")
            ok = False
        label = " ".join(line[15:41].split())
        if not label:
            self._invalid(row, "libellé [15:41]", line[15:41], "libellé vide")
            ok = False
        kind = line[108:109].strip()
        if kind and kind not in KINDS:
            self._invalid(row, "type [108]", kind, "type de voie attendu (1 à 5)")
            ok = False
        if not ok:
            return None
        nature = line[11:15].strip()
        return {
            "insee": insee,
            "rivoli": rivoli,
            "rivoli_key": key.strip(),
            "name": street_name(nature, label),
            "nature": nature,
            "kind": kind,
            "cancelled": line[73:74] in ("Q", "O"),
        }

    def apply(self, chunk: list[tuple[int, str]]) -> None:
        """Check, then write one batch of street records."""
        wanted: dict[str, tuple[int, dict[str, Any]]] = {}
        repeated: list[tuple[int, str]] = []
        for row, line in chunk:
            street = self.parse(row, line)
            if street is None:
                self.counts["rejected"] += 1
                continue
            code = street["insee"] + street["rivoli"]
            if code in wanted:
                repeated.append((row, code))
            else:
                wanted[code] = (row, street)
        found = self._existing(wanted)
        for code, street in found.items():
            if street["id"] in self.seen:  # met in an earlier batch of this file
                self.late_duplicates.append((wanted.pop(code)[0], code))
                self.counts["rejected"] += 1
            else:
                self.seen.add(street["id"])
        for row, code in repeated:
            if code in wanted:
                self._duplicate(row, code, wanted[code][0])
            else:
                self.late_duplicates.append((row, code))
                self.counts["rejected"] += 1
        created = [street for code, (_, street) in wanted.items() if code not in found]
        updated: list[dict[str, Any]] = []
        names: set[str] = set()
        for code, current in found.items():
            if code in wanted and (changed := changes(current, wanted[code][1])):
                names.update(changed)
                updated.append(current | wanted[code][1])
        self.writer.insert(created, self.stamp)
        self.writer.update(updated, names, self.stamp)
        if created:  # executemany gives no ids back; they mark the streets seen by this file
            for street in self._existing(
                {s["insee"] + s["rivoli"]: (0, s) for s in created}
            ).values():
                self.seen.add(street["id"])
        self.counts["streets_created"] += len(created)
        self.counts["streets_updated"] += len(updated)
        self.counts["rows"] += len(wanted)

    @staticmethod
    def _existing(wanted: dict[str, tuple[int, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
        """The streets already stored for these codes (one query; a batch spans few communes)."""
        if not wanted:
            return {}
        insees = {s["insee"] for _, s in wanted.values()}
        rivolis = {s["rivoli"] for _, s in wanted.values()}
        rows = Street.objects.filter(insee__in=insees, rivoli__in=rivolis).values(*READ)
        return {code: s for s in rows if (code := s["insee"] + s["rivoli"]) in wanted}

    def _duplicate(self, row: int, code: str, first_row: int) -> None:
        self.counts["rejected"] += 1
        self.ctx.error(
            errors.IMPORT_DUPLICATE_ID,
            table=self.table,
            row=row,
            column="INSEE + RIVOLI",
            value=code,
            first_row=first_row,
        )

    def finish(self, path: Path) -> dict[str, int]:
        """Report duplicates across batches (a second pass over the file); the counts."""
        if self.late_duplicates:
            wanted = {code for _, code in self.late_duplicates}
            first: dict[str, int] = {}
            for row, line in lines(path):
                code = line[0:2] + line[3:10]
                if code in wanted and code not in first and is_street(line):
                    first[code] = row
            for row, code in self.late_duplicates:
                self.counts["rejected"] -= 1  # counted again by _duplicate
                self._duplicate(row, code, first.get(code, 0))
        return {name: self.counts[name] for name in COUNT_NAMES}


def import_fantoir(ctx: ImportContext, path: Path) -> dict[str, int]:
    """Import a FANTOIR/TOPO fixed-width file (plain or gz) into streets; the counts."""
    if not path.exists():
        raise ImportAbort(
            errors.IMPORT_FILE_UNREADABLE, table=path.name, detail=f"{path.name} introuvable"
        )
    first = next((line for _, line in lines(path) if line.strip()), None)
    if first is None or not _looks_like_fantoir(first):
        raise ImportAbort(
            errors.IMPORT_UNKNOWN_FORMAT,
            table=path.name,
            detail="fichier FANTOIR/TOPO à positions fixes attendu",
        )
    total = sum(1 for _ in lines(path))
    ctx.progress(0, total, force=True)
    state = FantoirImport(ctx, path.name)

    def streets() -> Iterator[tuple[int, str]]:
        for row, line in lines(path):
            if line.strip() and is_street(line):
                yield row, line
            else:
                state.counts["skipped"] += 1
            if row % 1000 == 0:
                ctx.progress(row, total)

    for chunk in batched(streets(), BATCH_SIZE):
        state.apply(chunk)
    counts = state.finish(path)
    ctx.progress(total, total, force=True)
    return counts
