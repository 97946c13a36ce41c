"""Checks shared by the demo tests: every row of the synthetic area against the canonical schema's rules,
computed with plain pyarrow so that they do not depend on the code under test."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from sendreform.standards.codes import CODE_LISTS
from sendreform.standards.schemas import TABLES, arrow_schema


def schema_problems(tables: dict[str, pa.Table]) -> list[str]:
    problems = []
    for name in TABLES:
        if name not in tables:
            problems.append(f"{name}: missing")
            continue
        table = tables[name]
        if not table.schema.equals(arrow_schema(name)):
            problems.append(f"{name}: schema {table.schema} is not {arrow_schema(name)}")
        for field in arrow_schema(name):
            if not field.nullable and table.column(field.name).null_count:
                problems.append(f"{name}.{field.name}: {table.column(field.name).null_count} nulls")
    return problems


def code_problems(tables: dict[str, pa.Table]) -> list[str]:
    problems = []
    for name, spec in TABLES.items():
        for column in spec.columns:
            if not column.codes:
                continue
            allowed = list(CODE_LISTS[column.codes])
            values = tables[name].column(column.name)
            if pa.types.is_integer(values.type):
                allowed = [int(c) for c in allowed]
            bad = pc.sum(pc.invert(pc.is_in(pc.drop_null(values), pa.array(allowed, type=values.type)))).as_py()
            if bad:
                problems.append(f"{name}.{column.name}: {bad} values outside {column.codes}")
    return problems


def reference_problems(tables: dict[str, pa.Table]) -> list[str]:
    problems = []
    for name, spec in TABLES.items():
        for column in spec.columns:
            if not column.references:
                continue
            table, key = column.references.split(".")
            values = pc.drop_null(tables[name].column(column.name))
            missing = pc.sum(pc.invert(pc.is_in(values, tables[table].column(key)))).as_py()
            if missing:
                problems.append(f"{name}.{column.name}: {missing} values not in {table}.{key}")
    return problems


def key_problems(tables: dict[str, pa.Table]) -> list[str]:
    problems = []
    for name, spec in TABLES.items():
        for key in spec.key:
            column = tables[name].column(key)
            if pc.count_distinct(column).as_py() != len(column):
                problems.append(f"{name}.{key} is not unique")
    return problems
