"""GraceTHD packages for tests: the real demo (read in place, GPL: never copied into the repo),
damaged copies of it built in ``tmp_path``, and a small synthetic v3.0 package."""

from __future__ import annotations

import csv
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import shapefile

DEMO = Path(__file__).resolve().parents[3] / "shared" / "data" / "gracethd-v2-demo01"

Rows = list[dict[str, str]]


def demo() -> Path:
    """The GraceTHD-Demo "demo01" package, or skip the test when this machine lacks it."""
    if not (DEMO / "t_suf.csv").exists():
        pytest.skip(f"GraceTHD demo package not found at {DEMO}")
    return DEMO


def copy_demo(tmp_path: Path, name: str = "demo") -> Path:
    """A writable copy of the demo in ``tmp_path`` (the shared files are read-only)."""
    target = tmp_path / name
    shutil.copytree(demo(), target, copy_function=shutil.copyfile)
    return target


def edit_csv(path: Path, change: Callable[[Rows], Rows | None], *, encoding: str = "utf-8") -> None:
    """Rewrite a ``;`` CSV table after ``change`` edited its rows (in place or by returning them)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        header = list(reader.fieldnames or [])
        rows = list(reader)
    rows = change(rows) or rows
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, header, delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def drop_column(path: Path, column: str) -> None:
    """Remove a column from a CSV table."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    index = rows[0].index(column)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerows(
            [value for n, value in enumerate(row) if n != index] for row in rows
        )


def reencode_dbf(folder: Path, table: str, encoding: str = "cp1252") -> None:
    """Rewrite a layer's attributes in ``encoding`` and drop its ``.cpg`` (as old tools did)."""
    base = folder / table
    with shapefile.Reader(str(base), encoding="utf-8") as reader:
        fields = reader.fields[1:]
        items = [(item.shape, list(item.record)) for item in reader.iterShapeRecords()]
        shape_type = reader.shapeType
    for extension in (".shp", ".shx", ".dbf", ".cpg"):
        (folder / f"{table}{extension}").unlink(missing_ok=True)
    with shapefile.Writer(str(base), shapeType=shape_type, encoding=encoding) as writer:
        for field in fields:
            writer.field(field.name, field.field_type, field.size, field.decimal)
        for shape, record in items:
            writer.shape(shape)
            writer.record(*record)


def zip_folder(folder: Path, target: Path, prefix: str = "shpcsv-in") -> Path:
    """Zip a package with its files under ``prefix/``, as deliveries usually are."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{prefix}/{path.name}")
    return target


# -- a small GraceTHD v3.0 package --------------------------------------------------------------

V3_NODES = {
    "ND-S1": (430100.0, 6590100.0),  # a house
    "ND-S2": (430200.0, 6590100.0),  # a block of flats
    "ND-PM": (430150.0, 6590300.0),  # the PM cabinet
    "ND-NRO": (430500.0, 6590500.0),
    "ND-PT1": (430150.0, 6590150.0),  # the chamber holding the PBO
}
V3_ADDRESSES = [
    # ad_code, number, street, batcode, state, type, point
    ("AD-V3-1", 3, "RUE DE L'ÉGLISE", "", "DE", "P", V3_NODES["ND-S1"]),
    ("AD-V3-2", 5, "RUE DE L'ÉGLISE", "IMB/79191/X/0001", "EC", "I", V3_NODES["ND-S2"]),
]


def _write_csv(path: Path, header: str, rows: list[str]) -> None:
    path.write_text("\r\n".join([header, *rows]) + "\r\n", encoding="utf-8")


def _write_points(
    folder: Path, table: str, fields: list[tuple[str, str, int]], items: list
) -> None:
    with shapefile.Writer(str(folder / table), shapeType=shapefile.POINT) as writer:
        for name, kind, size in fields:
            writer.field(name, kind, size, 0)
        for point, record in items:
            writer.point(*point)
            writer.record(*record)
    (folder / f"{table}.cpg").write_text("UTF-8", encoding="ascii")


def write_v3_package(folder: Path) -> Path:
    """Two addresses, three premises (one house, two flats on staircases/floors), one PBO
    serving them, PM and NRO as v3 locals, and the two fibres from the PM to the house."""
    folder.mkdir(parents=True, exist_ok=True)
    _write_points(
        folder,
        "t_adresse",
        [
            ("ad_code", "C", 254),
            ("ad_numero", "N", 11),
            ("ad_nomvoie", "C", 254),
            ("ad_insee", "C", 6),
            ("ad_postal", "C", 20),
            ("ad_commune", "C", 254),
            ("ad_batcode", "C", 100),
            ("ad_ietat", "C", 2),
            ("ad_itypeim", "C", 1),
        ],
        [
            (point, [code, number, street, "79191", "79000", "NIORT", batcode, state, kind])
            for code, number, street, batcode, state, kind, point in V3_ADDRESSES
        ],
    )
    _write_points(
        folder, "t_noeud", [("nd_code", "C", 254)], [(p, [c]) for c, p in V3_NODES.items()]
    )
    _write_csv(
        folder / "t_site.csv",
        "st_code;st_nd_code;st_ad_code;st_typelog;st_typephy;st_nom;st_nra",
        [
            "ST-1;ND-S1;AD-V3-1;CLIENT;BAT;;0",
            "ST-2;ND-S2;AD-V3-2;CLIENT;BAT;;0",
            "ST-PM;ND-PM;;RESEAU;ADR;PM Église;0",
            "ST-NRO;ND-NRO;;RESEAU;SHE;NRO Niort;0",
        ],
    )
    _write_csv(
        folder / "t_local.csv",
        "lc_code;lc_st_code;lc_typelog;lc_bat;lc_escal;lc_etage;lc_bp_codf;lc_bp_codp;lc_etiquet",
        [
            "LC-1;ST-1;RES;;;;BP-PBO1;;",
            "LC-2A;ST-2;RES;A;1;2;BP-PBO1;;",
            "LC-2B;ST-2;PRO;A;2;0;;BP-PBO1;",
            "LC-TEC;ST-2;TEC;A;;-1;;;Local technique",
            "LC-PM;ST-PM;SRO;;;;;;PM",
            "LC-NRO;ST-NRO;NRO;;;;;;NRO",
        ],
    )
    _write_csv(
        folder / "t_ptech.csv",
        "pt_code;pt_nd_code;pt_codeext;pt_etiquet;pt_typephy;pt_nature",
        ["PT-1;ND-PT1;PT-1;CH-01;C;L2T"],
    )
    _write_csv(
        folder / "t_ebp.csv",
        "bp_code;bp_codeext;bp_etiquet;bp_pt_code;bp_lc_code;bp_typelog;bp_typephy;bp_linecod",
        [
            "BP-PBO1;PBO-V3-01;;PT-1;;PBO;B012;",
            "BP-PTO1;PTO-1;;;LC-1;PTO;;FI-1234-ABCD",
            "BP-PTO2;PTO-2;;;LC-2A;PTO;;",
            "BP-PTO3;PTO-3;;;LC-2B;PTO;;not-a-ref",
        ],
    )
    _write_csv(
        folder / "t_zsro.csv",
        "zs_code;zs_nd_code;zs_lc_code;zs_zn_code;zs_refpm;zs_etatpm;zs_datemad;zs_capamax;zs_typeemp",
        ["ZS-1;;LC-PM;ZN-1;PM-V3-01;DP;15/01/2024;288;ADR"],
    )
    _write_csv(
        folder / "t_znro.csv",
        "zn_code;zn_nd_code;zn_lc_code;zn_nroref;zn_etat",
        ["ZN-1;;LC-NRO;NRO-V3;DP"],
    )
    _write_csv(folder / "t_baie.csv", "ba_code;ba_lc_code;ba_etiquet", ["BA-PM;LC-PM;Baie PM"])
    _write_csv(folder / "t_tiroir.csv", "ti_code;ti_ba_code;ti_etiquet", ["TI-PM;BA-PM;Tête PM 1"])
    _write_csv(
        folder / "t_cassette.csv",
        "cs_code;cs_bp_code;cs_num;cs_type",
        ["CS-PM;;1;C", "CS-PBO1;BP-PBO1;1;E"],
    )
    _write_csv(
        folder / "t_cable.csv",
        "cb_code;cb_codeext;cb_etiquet;cb_capafo;cb_typelog;cb_modulo",
        ["CB-DI;CB-DI;Distribution;12;DI;12", "CB-RA;CB-RA;Branchement;2;RA;2"],
    )
    _write_csv(
        folder / "t_fibre.csv",
        "fo_code;fo_cb_code;fo_nincab;fo_numtub;fo_nintub;fo_etat;fo_color",
        [
            *[f"FO-DI-{n:02d};CB-DI;{n};1;{n};OK;{n}" for n in range(1, 13)],
            "FO-RA-01;CB-RA;1;1;1;OK;1",
            "FO-RA-02;CB-RA;2;1;2;HS;2",
        ],
    )
    _write_csv(
        folder / "t_position.csv",
        "ps_code;ps_numero;ps_1;ps_2;ps_cs_code;ps_ti_code;ps_fonct;ps_preaff",
        [
            "PS-PM-1;1;;FO-DI-01;CS-PM;TI-PM;CO;",
            "PS-PBO-1;1;FO-DI-01;FO-RA-01;CS-PBO1;;EP;LC-1",
        ],
    )
    return folder
