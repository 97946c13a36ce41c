"""A subset of the shipped DfE extract, loaded once per module: England, the nine regions, Reading and its ten
statistical neighbours, Birmingham and its ten, and the Yorkshire and the Humber area Barnsley, from the files
the benchmarking page reads (the 2022 release's setting file, the largest, is left out). Ranks are therefore
among the 22 local authorities loaded (Southampton is a neighbour of both)."""

import csv
import gzip

import pytest

from sendreform.cli.published import SHIPPED
from sendreform.interchange.published import published_read
from sendreform.published.selectors import NEIGHBOURS_FILE

FILES = ("caseload", "newplans", "requests", "timeliness_20_week", "ceased_plans", "sen_needs_all_plans",
         "sen2_age_caseload", "sen2_mi", "assessments")


def las() -> set[str]:
    with NEIGHBOURS_FILE.open() as f:
        table = {row[0]: row[1:] for row in csv.reader(f)}
    return {"E06000038", *table["E06000038"], "E08000025", *table["E08000025"], "E08000016"}


def subset_write(to, *, files=FILES, codes=None) -> None:
    codes = las() if codes is None else codes
    for path in SHIPPED.glob("*/data/*.csv.gz"):
        if path.name.removesuffix(".csv.gz") not in files:
            continue
        lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines(keepends=True)
        header = next(csv.reader([lines[0]]))
        level, code = header.index("geographic_level"), header.index("new_la_code")
        kept = [lines[0]] + [line for line in lines[1:] if (cells := next(csv.reader([line])))[level] != "Local authority"
                             or cells[code] in codes]
        out = to / path.relative_to(SHIPPED)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.with_suffix("").write_text("".join(kept), encoding="utf-8")


@pytest.fixture(scope="session")
def subset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ehcp")
    subset_write(folder)
    return folder


@pytest.fixture(scope="module")
def loaded(subset, django_db_setup, django_db_blocker):
    from sendreform.published.services import published_load, published_remove

    with django_db_blocker.unblock():
        releases = published_load(releases=published_read(folder=subset), source=str(subset))
        yield releases
        for release in releases:
            published_remove(name=release.name)
