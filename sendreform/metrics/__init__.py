"""The KPI catalogue: every indicator of the plan as Ibis expressions over the canonical tables, and the
engine that runs it on any Ibis backend (SQLite, PostgreSQL, DuckDB over Parquet, PySpark)."""
