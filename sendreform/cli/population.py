"""`sendreform population load FILE` and `sendreform population convert FILE`: the background population the
forecast joins from, read from the canonical population.csv or from a CSV as the ONS publishes it."""

from __future__ import annotations

import sys
from pathlib import Path

DESCRIPTION = """\
Read the background population (ages 0 to 25 by year) that the forecast's joining rates are measured
against, from the canonical population.csv (year, age, population) or from a CSV as the Office for National
Statistics publishes it: subnational population projections (AREA_CODE, AREA_NAME, COMPONENT, SEX,
AGE_GROUP, then a column per year) or mid-year estimates (ladcode, laname, country, sex, age,
population_2011 ...). ONS figures are for 30 June: the mid-year figure for year Y becomes the population of
the January Y+1 census. "load" stores it in the database, replacing the years the file holds and keeping the
others; "convert" writes the canonical population.csv for a folder read with --data. A file that cannot be
read is reported with its row and column, and nothing is changed."""

EXAMPLES = """\
  sendreform population load 2022-snpp-population-persons.csv --area E06000038
  sendreform population convert myeb1_2023.csv --area E06000038 --out area/population.csv"""


def add_parser(commands, subcommand, date_type) -> None:
    p = subcommand(commands, "population", summary="load or convert the background population (ONS or canonical)",
                   description=DESCRIPTION, examples=EXAMPLES)
    actions = p.add_subparsers(dest="population_command", title="actions", metavar="ACTION", required=True)
    for name, help_text, run in (("load", "store it in the database, replacing the years the file holds", _load),
                                 ("convert", "write it as the canonical population.csv", _convert)):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("file", type=Path, metavar="FILE", help="the population CSV")
        action.add_argument("--area", metavar="CODE",
                            help="the ONS area code (e.g. E06000038) when the file holds more than one area")
        if name == "convert":
            action.add_argument("--out", type=Path, required=True, metavar="FILE", help="the population.csv to write")
        action.set_defaults(run=run)


def _read(args, verb: str):
    from sendreform.interchange.canonical_files import CanonicalFileError
    from sendreform.interchange.population import population_read

    try:
        return population_read(path=args.file, area=args.area)
    except CanonicalFileError as error:
        print(f"sendreform population {verb}: {error}; nothing was changed", file=sys.stderr)
        return None


def _described(population) -> str:
    years = population.years
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]} to {years[-1]}"
    where = f" for area {population.area}" if population.area else ""
    return f"{population.shape}{where}: ages 0 to 25 for the January censuses of {span} ({len(population.rows):,} rows)"


def _load(args, parser) -> int:
    population = _read(args, "load")
    if population is None:
        return 2
    from sendreform.cli import main

    main._django_setup()
    from sendreform.places.services import population_replace

    counts = population_replace(population=population, source=str(args.file))
    print(f"Loaded {_described(population)} from {args.file}: {counts['added']:,} added, {counts['changed']:,} "
          f"changed, {counts['unchanged']:,} unchanged")
    return 0


def _convert(args, parser) -> int:
    population = _read(args, "convert")
    if population is None:
        return 2
    from sendreform.interchange.population import population_csv_write

    args.out.parent.mkdir(parents=True, exist_ok=True)
    population_csv_write(population=population, path=args.out)
    print(f"Wrote {_described(population)} to {args.out}")
    return 0
