"""Writing many areas as Parquet: one file per canonical table that DuckDB reads, identifiers unique across
areas, and a manifest that counts the rows."""

import json

import duckdb

from sendreform.demo.england import areas_of_england, write_areas
from sendreform.interchange.canonical_files import canonical_files_open
from sendreform.standards.schemas import TABLES

from .conftest import AS_AT


def test_every_english_area_is_listed_with_its_scale():
    areas = areas_of_england()
    assert len(areas) == 153
    assert sum(a["ehc_plans_2025"] for a in areas) == 638_745
    reading = next(a for a in areas if a["la_code"] == "870")
    assert reading["name"] == "Reading" and reading["scale"] == 1.0


def test_three_areas_written_as_parquet(tmp_path):
    manifest = write_areas(out_dir=tmp_path, areas=3, as_at=AS_AT)
    assert [a["la_code"] for a in manifest["areas"]] == ["201", "202", "203"]
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest
    db = duckdb.connect()
    for name, spec in TABLES.items():
        path = str(tmp_path / f"{name}.parquet")
        count = db.execute(f"SELECT COUNT(*) FROM read_parquet('{path}')").fetchone()[0]
        assert count == manifest["rows"][name], name
        columns = [row[0] for row in db.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()]
        assert columns == spec.column_names
        for key in spec.key:
            distinct = db.execute(f"SELECT COUNT(DISTINCT {key}) FROM read_parquet('{path}')").fetchone()[0]
            assert distinct == count, f"{name}.{key}"
    person = str(tmp_path / "person.parquet")
    homes = {row[0] for row in db.execute(f"SELECT DISTINCT home_la FROM read_parquet('{person}')").fetchall()}
    assert homes == {"201", "202", "203"}
    upns = db.execute(f"SELECT COUNT(upn), COUNT(DISTINCT upn) FROM read_parquet('{person}')").fetchone()
    assert upns[0] == upns[1] > 0
    assert manifest["rows"]["ehc_plan"] > 1000
    # The tables without an area column are written once, so the folder passes `sendreform metrics --data`'s
    # checks of repeated keys: the population summed over the areas, one row per year and age.
    canonical_files_open(data_dir=tmp_path, check_codes=True, check_keys=True)
    assert manifest["rows"]["population"] == 17 * 26
