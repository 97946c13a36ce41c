"""A small synthetic set of two local areas as one folder of canonical Parquet, as `sendreform demo --areas`
writes many (each area's generator at a small scale, the tables appended)."""

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sendreform.demo.generator import generate_area

AS_AT = dt.date(2026, 3, 31)
AREAS = (("870", 0.04), ("871", 0.03))


def multi_area_write(folder: Path) -> Path:
    areas = [generate_area(seed=870, as_at=AS_AT, la_code=code, scale=scale) for code, scale in AREAS]
    for name in areas[0]:
        # Unit costs and population have no area column: one area's rows, or their keys would repeat.
        tables = areas[:1] if name in ("unit_cost", "population") else areas
        pq.write_table(pa.concat_tables([area[name] for area in tables]), folder / f"{name}.parquet")
    return folder
