"""Reading the background population the forecast joins from, as a user brings it: the canonical
`population.csv` (year, age, population), or a CSV as the Office for National Statistics publishes it.

Two ONS shapes are read, both one row per area, sex and single year of age with a column per year:

- subnational population projections (SNPP): `AREA_CODE, AREA_NAME, COMPONENT, SEX, AGE_GROUP, 2018, 2019, ...`,
  SEX `persons`, `males` or `females`, AGE_GROUP `0` to `89`, `90 and over` and `All ages`;
- mid-year estimates (MYE): `ladcode23, laname23, country, sex, age, population_2011, ..., population_2023`,
  sex 1 (males) or 2 (females), age 0 to 90.

Rows for all persons are used where the file has them, otherwise males and females are added. Ages 0 to 25 are
kept. ONS figures are for 30 June; the January census of the next year counts children by their age on 31
August, two months later, so the mid-year figure for year Y at age a becomes the population of the January Y+1
census at age a (canonical `year` Y+1). A file that cannot be read raises `CanonicalFileError` naming the file,
row and column, before anything is changed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sendreform.interchange.canonical_files import CanonicalFileError

AGES = range(0, 26)
# Census years a population can be for (the ONS's estimates start in 1971 and its projections run 25 years ahead),
# and the most people of one age one local area can hold (Birmingham, the largest, has about 18,000).
YEARS = range(1971, 2101)
MOST_OF_ONE_AGE = 1_000_000
_YEAR_COLUMN = re.compile(r"^(?:population_)?(\d{4})$", re.IGNORECASE)
_ALL = {"persons", "all persons", "all", "people", "0"}
_SEXES = {"males": "M", "male": "M", "m": "M", "1": "M", "females": "F", "female": "F", "f": "F", "2": "F"}


@dataclass(frozen=True)
class Population:
    """Canonical population rows read from a file: `rows` maps (year, age) to the count; `area` is the area code
    the rows are for (None for a canonical file) and `shape` says which kind of file it was."""

    rows: dict[tuple[int, int], int]
    area: str | None
    shape: str

    @property
    def years(self) -> list[int]:
        return sorted({year for year, _ in self.rows})


def population_read(*, path: Path | str, area: str | None = None) -> Population:
    """The population of ages 0 to 25 by census year in the file at `path`, for `area` (an ONS area code such
    as E06000038) when the file holds more than one area."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise CanonicalFileError(path=path, message="is empty: expected a header row")
            records = list(reader)
    except OSError as error:
        raise CanonicalFileError(path=path, message=f"cannot be read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise CanonicalFileError(path=path, message="is not UTF-8 text") from None
    except csv.Error as error:  # a NUL byte, a field over the csv module's limit, a quote left open
        raise CanonicalFileError(path=path, row=max(reader.line_num - 1, 1),
                                 message=f"cannot be read as CSV: {error}") from None
    names = [h.strip() for h in header]
    lower = [n.lower() for n in names]
    if {"year", "age", "population"} <= set(lower):
        return _canonical(path, lower, records)
    return _ons(path, names, lower, records, area)


def _canonical(path: Path, lower: list[str], records: list[list[str]]) -> Population:
    at = {name: lower.index(name) for name in ("year", "age", "population")}
    rows: dict[tuple[int, int], int] = {}
    for n, record in enumerate(records, start=1):
        if not any(cell.strip() for cell in record):
            continue
        year = _integer(path, n, "year", _cell(record, at["year"]))
        if year not in YEARS:
            raise CanonicalFileError(path=path, row=n, column="year",
                                     message=f"{year} is not a census year from {YEARS[0]} to {YEARS[-1]}")
        age = _integer(path, n, "age", _cell(record, at["age"]))
        if age not in AGES:
            raise CanonicalFileError(path=path, row=n, column="age", message=f"{age} is not an age from 0 to 25")
        if (year, age) in rows:
            raise CanonicalFileError(path=path, row=n, column="age",
                                     message=f"a second row for {year}, age {age}")
        rows[(year, age)] = _count(path, n, "population", _cell(record, at["population"]))
    if not rows:
        raise CanonicalFileError(path=path, message="has a header but no rows of population")
    _complete(path, rows)
    return Population(rows=rows, area=None, shape="canonical population.csv")


def _ons(path: Path, names: list[str], lower: list[str], records: list[list[str]], area: str | None) -> Population:
    def find(*patterns: str) -> int | None:
        return next((i for i, name in enumerate(lower) if any(re.fullmatch(p, name) for p in patterns)), None)

    code_at = find("area_code", "area code", r"lad\d{0,4}cd", r"ladcode\d{0,4}", "code", "geography code")
    sex_at = find("sex")
    age_at = find("age_group", "age group", "age")
    component_at = find("component")
    years = {i: int(m.group(1)) for i, name in enumerate(names) if (m := _YEAR_COLUMN.match(name))}
    for i, year in years.items():
        if year + 1 not in YEARS:
            raise CanonicalFileError(path=path, column=names[i],
                                     message=f"{year} is not a mid-year from {YEARS[0] - 1} to {YEARS[-1] - 1}")
    missing = [what for what, at in (("an area code", code_at), ("sex", sex_at), ("age", age_at)) if at is None]
    if missing or not years:
        raise CanonicalFileError(
            path=path, row=None, column=None,
            message="is neither a canonical population.csv (year, age, population) nor an ONS population file "
                    "(an area code, sex and age column, and a column for each year such as 2026 or "
                    f"population_2026); it has no {' and no '.join(missing or ['year columns'])}")
    codes = {record[code_at].strip() for record in records if len(record) > code_at and record[code_at].strip()}
    if area is None:
        if len(codes) > 1:
            shown = ", ".join(sorted(codes)[:5]) + (", ..." if len(codes) > 5 else "")
            raise CanonicalFileError(path=path, column=names[code_at],
                                     message=f"holds {len(codes)} areas ({shown}): say which with --area")
        area = next(iter(codes), None)
    elif area not in codes:
        raise CanonicalFileError(path=path, column=names[code_at], message=f"has no rows for area {area}")

    persons: dict[tuple[int, int], int] = {}
    by_sex: dict[str, dict[tuple[int, int], int]] = {"M": {}, "F": {}}
    for n, record in enumerate(records, start=1):
        if _cell(record, code_at) != area:
            continue
        if component_at is not None and _cell(record, component_at).lower() not in ("population", ""):
            continue
        age_text = _cell(record, age_at)
        if not re.fullmatch(r"\d{1,3}", age_text):
            continue  # "90 and over", "90+", "All ages": not a single year of age
        age = int(age_text)
        if age not in AGES:
            continue
        sex = _cell(record, sex_at).lower()
        if sex in _ALL:
            target = persons
        elif sex in _SEXES:
            target = by_sex[_SEXES[sex]]
        else:
            raise CanonicalFileError(path=path, row=n, column=names[sex_at],
                                     message=f"{sex!r} is not persons, males or females (or 1 or 2)")
        for i, mid_year in years.items():
            key = (mid_year + 1, age)
            if key in target:
                raise CanonicalFileError(path=path, row=n, column=names[age_at],
                                         message=f"a second row for area {area}, {sex}, age {age}")
            target[key] = _count(path, n, names[i], _cell(record, i))
    if persons:
        rows = persons
    else:
        if set(by_sex["M"]) != set(by_sex["F"]):
            raise CanonicalFileError(path=path, message=f"has males and females for different ages or years in "
                                                        f"area {area}")
        rows = {key: by_sex["M"][key] + by_sex["F"][key] for key in by_sex["M"]}
    if not rows:
        raise CanonicalFileError(path=path, message=f"has no rows for ages 0 to 25 in area {area}")
    _complete(path, rows)
    shape = "ONS subnational population projections" if component_at is not None else "ONS mid-year estimates"
    return Population(rows=rows, area=area, shape=shape)


def _cell(record: list[str], at: int) -> str:
    return record[at].strip() if at < len(record) else ""


def _integer(path: Path, row: int, column: str, text: str) -> int:
    if not re.fullmatch(r"\d{1,9}", text):
        raise CanonicalFileError(path=path, row=row, column=column,
                                 message=f"{text!r} is not a whole number" if text else "is empty")
    return int(text)


def _count(path: Path, row: int, column: str, text: str) -> int:
    """A count of people; projections come with decimals (1558.3) and are rounded to the nearest person."""
    value = text.replace(",", "")
    if not re.fullmatch(r"\d{1,12}(\.\d{1,6})?", value):
        message = f"{text!r} is not a number of people" if text else "is empty"
        raise CanonicalFileError(path=path, row=row, column=column, message=message)
    count = int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if count > MOST_OF_ONE_AGE:
        raise CanonicalFileError(path=path, row=row, column=column,
                                 message=f"{text!r} is more people of one age than any local area has")
    return count


def _complete(path: Path, rows: dict[tuple[int, int], int]) -> None:
    """Every year has every age from 0 to 25: a year with a gap would make joining at that age impossible."""
    for year in sorted({y for y, _ in rows}):
        gaps = [age for age in AGES if (year, age) not in rows]
        if gaps:
            raise CanonicalFileError(
                path=path, message=f"has no population for the {year} census at age "
                                   f"{', '.join(str(a) for a in gaps[:5])}{', ...' if len(gaps) > 5 else ''}")


def population_csv_text(population: Population) -> str:
    """The rows as the canonical population.csv (year, age, population), sorted."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["year", "age", "population"])
    writer.writerows([year, age, value] for (year, age), value in sorted(population.rows.items()))
    return out.getvalue()


def population_csv_write(*, population: Population, path: Path | str) -> Path:
    """Write the rows as the canonical population.csv."""
    path = Path(path)
    path.write_text(population_csv_text(population), encoding="utf-8")
    return path
