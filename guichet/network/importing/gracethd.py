"""GraceTHD importer (NET-02): a "shpcsv" package, v2.0.x or v3.0, as a folder or a zip.

The version is told by the tables present (v2: ``t_suf``/``t_sitetech``/``t_ltech``; v3:
``t_site``/``t_local``) and both are mapped onto the same inventory (GRACETHD.md §4, §8):

1. reference tables → the network's shape (:mod:`.gracethd_topology`), nothing written yet;
2. NROs, PMs, PBOs (:mod:`.gracethd_sites`);
3. premises counted per address, then addresses and buildings (:mod:`.gracethd_addresses`);
4. premises with their PTO and PBO (:mod:`.gracethd_premises`);
5. cables, fibres, positions (:mod:`.gracethd_fibres`), then optical routes
   (:mod:`.gracethd_routes`).

Every stage streams its table and writes by batches looked up by identifier, so re-importing
a package updates rows in place and creates nothing.
"""

from __future__ import annotations

import shutil
import stat
import zipfile
from contextlib import ExitStack
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory

from guichet.network import errors
from guichet.network.importing.base import ImportAbort, ImportContext
from guichet.network.importing.gracethd_addresses import write_addresses
from guichet.network.importing.gracethd_common import Run
from guichet.network.importing.gracethd_fibres import write_cables, write_fibres, write_positions
from guichet.network.importing.gracethd_loading import load
from guichet.network.importing.gracethd_premises import count_by_address, write_premises
from guichet.network.importing.gracethd_routes import write_routes
from guichet.network.importing.gracethd_sites import write_nros, write_pbos, write_pms
from guichet.network.importing.gracethd_tables import Package

# A package's uncompressed size beyond which the zip is refused (zip bombs).
MAX_UNZIPPED_BYTES = 20 * 1024**3
_MARKERS = frozenset(
    {"t_adresse.shp", "t_adresse.dbf", "t_adresse.csv", "t_suf.csv", "t_local.csv"}
)

# Mandatory columns of each table, checked before anything is read (NET-002).
COMMON_COLUMNS = {
    "t_adresse": ("ad_code",),
    "t_noeud": ("nd_code",),
    "t_ptech": ("pt_code", "pt_nd_code"),
    "t_tiroir": ("ti_code", "ti_ba_code"),
    "t_cassette": ("cs_code", "cs_bp_code"),
    "t_zpbo": ("zp_code",),
    "t_zsro": ("zs_code",),
    "t_znro": ("zn_code",),
    "t_cable": ("cb_code",),
    "t_fibre": ("fo_code", "fo_cb_code"),
    "t_position": ("ps_code", "ps_1", "ps_2"),
    "t_ropt": ("rt_code", "rt_fo_code"),
}
VERSION_COLUMNS = {
    2: {
        "t_suf": ("sf_code", "sf_ad_code"),
        "t_ebp": ("bp_code", "bp_typelog", "bp_sf_code"),
        "t_sitetech": ("st_code", "st_nd_code", "st_typelog"),
        "t_ltech": ("lt_code", "lt_st_code"),
        "t_baie": ("ba_code", "ba_lt_code"),
    },
    3: {
        "t_local": ("lc_code", "lc_st_code", "lc_typelog"),
        "t_site": ("st_code", "st_ad_code"),
        "t_ebp": ("bp_code", "bp_typelog", "bp_lc_code"),
        "t_baie": ("ba_code", "ba_lc_code"),
    },
}
MANDATORY_TABLES = {
    2: ("t_adresse", "t_suf", "t_ebp"),
    3: ("t_adresse", "t_site", "t_local", "t_ebp"),
}
# Tables streamed, and how many times (for the progress bar's total).
PASSES = {"t_ebp": 1, "t_adresse": 1, "t_cable": 1, "t_fibre": 1, "t_position": 2, "t_ropt": 1}


def import_gracethd(ctx: ImportContext, path: Path) -> dict[str, int]:
    """Import a GraceTHD package (folder or zip) into the inventory; return counts per kind."""
    with ExitStack() as stack:
        package = Package(
            _unpack(Path(path), stack),
            warn=lambda table, value, detail: ctx.warning(
                errors.IMPORT_ROW_INVALID, table=table, value=value, detail=detail
            ),
        )
        version = detect_version(package)
        check_columns(package, version)
        run = Run(ctx, package, version)
        premises_table = "t_local" if version == 3 else "t_suf"
        run.total = 2 * package.count(premises_table) + sum(
            package.count(table) * passes for table, passes in PASSES.items()
        )
        topo = load(run)
        nro_ids = write_nros(run, topo)
        pm_ids = write_pms(run, topo, nro_ids)
        pbo_ids = write_pbos(run, topo, pm_ids)
        per_address = count_by_address(run, topo)
        buildings = write_addresses(run, topo, per_address, pm_ids)
        write_premises(run, topo, buildings, pbo_ids)
        cable_ids = write_cables(run)
        write_fibres(run, topo, cable_ids, pbo_ids)
        write_positions(run, topo)
        write_routes(run, topo, pbo_ids, pm_ids)
        counts = dict.fromkeys(
            (
                "addresses",
                "buildings",
                "premises",
                "ptos",
                "pbos",
                "pms",
                "nros",
                "cables",
                "fibres",
                "positions",
                "routes",
            ),
            0,
        )
        counts |= run.counts
        counts["gracethd_version"] = version
        return counts


def detect_version(package: Package) -> int:
    """2 or 3, from the tables present; anything else is not a GraceTHD package (NET-009)."""
    v2 = any(package.has(t) for t in ("t_suf", "t_sitetech", "t_ltech"))
    v3 = any(package.has(t) for t in ("t_local", "t_site"))
    if v3 and not package.has("t_suf"):
        return 3
    if v2 and not package.has("t_local"):
        return 2
    detail = (
        "t_suf (v2) et t_local (v3) à la fois"
        if v2 and v3
        else "ni t_suf/t_sitetech (GraceTHD v2) ni t_site/t_local (v3)"
    )
    raise ImportAbort(errors.IMPORT_UNKNOWN_FORMAT, detail=detail)


def check_columns(package: Package, version: int) -> None:
    """Abort before any write when a mandatory table or column is missing (NET-001, NET-002)."""
    for table in MANDATORY_TABLES[version]:
        package.require(table, ())
    for table, columns in (COMMON_COLUMNS | VERSION_COLUMNS[version]).items():
        if package.has(table):
            package.require(table, columns)
    if package.has("t_fibre"):
        package.require("t_cable", COMMON_COLUMNS["t_cable"])


def _unpack(path: Path, stack: ExitStack) -> Path:
    """The folder holding the package's tables: ``path`` itself, a subfolder, or an unzipped copy."""
    if path.is_dir():
        return _package_root(path)
    if not path.exists():
        raise ImportAbort(errors.IMPORT_FILE_UNREADABLE, detail=f"{path.name} introuvable")
    if not zipfile.is_zipfile(path):
        raise ImportAbort(errors.IMPORT_UNKNOWN_FORMAT, detail=f"{path.name} : ni dossier ni zip")
    target = Path(stack.enter_context(TemporaryDirectory(prefix="gracethd-")))
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
            raise ImportAbort(errors.IMPORT_FILE_UNREADABLE, detail="archive trop volumineuse")
        for member in members:
            name = PurePosixPath(member.filename.replace("\\", "/"))
            if name.is_absolute() or ".." in name.parts:
                raise ImportAbort(
                    errors.IMPORT_FILE_UNREADABLE, detail=f"chemin refusé : {member.filename}"
                )
            if stat.S_ISLNK(member.external_attr >> 16):
                continue
            destination = target.joinpath(*name.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, destination.open("wb") as sink:
                shutil.copyfileobj(source, sink)
    return _package_root(target)


def _package_root(root: Path) -> Path:
    """The shallowest folder holding a GraceTHD table (zips often wrap a ``shpcsv`` folder)."""
    if any(p.name.lower() in _MARKERS for p in root.iterdir() if p.is_file()):
        return root
    found = sorted(
        (p.parent for p in root.rglob("*") if p.is_file() and p.name.lower() in _MARKERS),
        key=lambda folder: (len(folder.parts), str(folder)),
    )
    return found[0] if found else root
