"""Three of the plan's target metrics by local area, written by hand as one DuckDB query over a folder of
canonical Parquet: the reference `sendreform metrics --data` is timed against end to end in bench/metrics.py
(issue 21: within 2× at 10 areas, 1.5× at England). `tests/metrics/test_duckdb_reference.py` holds it to the
engine's answers, so the two compute the same thing.

    .venv/bin/python bench/duckdb_reference.py DIR --as-at 2026-11-28      # CSV: metric, local area, value

It imports nothing but DuckDB, as an analyst's script would.
"""

import argparse
import datetime as dt
import sys

import duckdb

METRICS = ("inmss_placements", "ehcp_in_mainstream", "special_school_attendance_rate")


def reference(folder: str, as_at: dt.date) -> list[tuple[str, str, float]]:
    """(metric, local area, value) of METRICS at `as_at`; a local area is the person's home authority."""
    ay_start = as_at.year if as_at.month >= 9 else as_at.year - 1
    academic_year = f"{ay_start}/{(ay_start + 1) % 100:02d}"
    con = duckdb.connect()
    for name in ("person", "establishment", "ehc_plan", "placement", "attendance"):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{folder}/{name}.parquet')")
    day = f"DATE '{as_at.isoformat()}'"
    sql = f"""
    WITH active AS (
        SELECT DISTINCT person_id FROM ehc_plan
        WHERE start_date <= {day} AND (cease_date IS NULL OR cease_date > {day})
    ), placed AS (
        SELECT p.person_id, p.sen_setting, e.kind, e.funding, e.la_code,
               row_number() OVER (PARTITION BY p.person_id ORDER BY p.start_date DESC, p.placement_id DESC) AS n
        FROM placement p JOIN active USING (person_id) LEFT JOIN establishment e USING (establishment_id)
        WHERE p.start_date <= {day} AND (p.end_date IS NULL OR p.end_date > {day})
    ), settings AS (
        SELECT coalesce(pe.home_la, placed.la_code, 'UNKNOWN') AS area,
               count(*) FILTER (WHERE sen_setting IS NULL AND kind IN ('SPECIAL', 'MAINSTREAM')
                                AND funding IN ('INDEPENDENT', 'NON_MAINTAINED')) AS inmss,
               count(*) FILTER (WHERE sen_setting IS NULL AND kind = 'MAINSTREAM'
                                AND funding IN ('MAINTAINED', 'ACADEMY')) AS mainstream
        FROM placed LEFT JOIN person pe USING (person_id) WHERE n = 1 GROUP BY 1
    ), attendance_rate AS (
        SELECT coalesce(pe.home_la, e.la_code, 'UNKNOWN') AS area,
               100 * sum(a.sessions_possible - a.sessions_authorised - a.sessions_unauthorised)
                   / sum(a.sessions_possible) AS rate
        FROM attendance a JOIN establishment e USING (establishment_id) LEFT JOIN person pe USING (person_id)
        WHERE e.in_area AND e.kind = 'SPECIAL' AND e.funding IN ('MAINTAINED', 'ACADEMY')
          AND a.academic_year = '{academic_year}'
        GROUP BY 1
    )
    SELECT 'inmss_placements', area, inmss FROM settings WHERE inmss > 0
    UNION ALL SELECT 'ehcp_in_mainstream', area, mainstream FROM settings WHERE mainstream > 0
    UNION ALL SELECT 'special_school_attendance_rate', area, rate FROM attendance_rate WHERE rate IS NOT NULL
    ORDER BY 1, 2
    """
    return [(metric, area, float(value)) for metric, area, value in con.execute(sql).fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--as-at", type=dt.date.fromisoformat, required=True)
    args = parser.parse_args()
    out = sys.stdout
    out.write("metric,local_area,value\n")
    for metric, area, value in reference(args.folder, args.as_at):
        out.write(f"{metric},{area},{value}\n")


if __name__ == "__main__":
    main()
