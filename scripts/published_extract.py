#!/usr/bin/env python3
"""Write the extract of the DfE EHC plan releases that sendreform ships (sendreform/published/data/ehcp): from
each release CSV the lines of the whole group (all plans, all requests ...; the 2022 files' total rows) and
newplans.csv's "Age when plan started" lines (they mend the totals), copied unchanged, gzipped. The sex,
ethnicity and single-age breakdowns are left out to keep the repository small; `sendreform published load`
reads the full releases as well.

Usage: scripts/published_extract.py [FROM] [TO]
  (defaults ../shared/data/ehcp and sendreform/published/data/ehcp)"""

import csv
import gzip
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FROM = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/data/ehcp"
TO = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "sendreform/published/data/ehcp"
sys.path.insert(0, str(ROOT))
from sendreform.interchange.published import BREAKDOWNS, DEFAULT_BREAKDOWN, _headline  # noqa: E402


def main() -> None:
    for path in sorted(FROM.glob("education-health-and-care-plans_*/data/*.csv")):
        out = TO / path.relative_to(FROM)
        out.parent.mkdir(parents=True, exist_ok=True)
        topic_column, breakdown_column = BREAKDOWNS.get(path.name, DEFAULT_BREAKDOWN)
        lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
        header = next(csv.reader([lines[0]]))
        kept = [lines[0]]
        for line in lines[1:]:
            cells = next(csv.reader([line]))
            topic = cells[header.index(topic_column)] if topic_column else "Total"
            breakdown = cells[header.index(breakdown_column)] if breakdown_column else "Total"
            if _headline(path.name, topic, breakdown) or (path.name == "newplans.csv"
                                                          and topic == "Age when plan started"):
                kept.append(line)
        with gzip.GzipFile(out.with_suffix(".csv.gz"), "wb", mtime=0) as handle:
            handle.write("".join(kept).encode("utf-8"))
        print(f"{out.with_suffix('.csv.gz').relative_to(ROOT)}: {len(kept) - 1:,} of {len(lines) - 1:,} rows")


if __name__ == "__main__":
    main()
