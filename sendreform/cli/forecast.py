"""`sendreform forecast run`: project plans, places and High Needs cost from the live database or a folder of
canonical tables, for the baseline or a reform scenario, writing CSVs and summary.json."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

DESCRIPTION = """\
Fit the forecast model to the January census history (plans by national curriculum year, primary need and
setting category) and simulate the years ahead N times. Results are medians with 50% and 95% intervals of the
simulations, by need, setting, age group, High Needs cost (DSG management plan lines) and sufficiency. With
--scenario the run applies a YAML scenario and also writes scenario_vs_baseline.csv. --data reads a folder
of canonical <table>.csv or <table>.parquet files, including population.csv (year, age, population), and
forecasts from the last January census it covers (its latest dated activity) unless --as-at says otherwise;
an --as-at beyond what the data reaches is refused."""

EXAMPLES = """\
  sendreform forecast run --sims 1000 --years 5 --out var/forecast/baseline
  sendreform forecast run --scenario scenarios/experts-at-hand.yaml --out var/forecast/eah
  sendreform forecast run --data var/snapshots/2026-01-15 --as-at 2026-01-15 --out /tmp/run
  sendreform forecast backtest --out var/forecast/backtest
  sendreform forecast run --published ../shared/data/ehcp --area E06000038
  sendreform forecast backtest --published ../shared/data/ehcp --areas all --out var/forecast/england"""
PUBLISHED_HELP = "a folder of the DfE EHC plan release CSVs (as ../shared/data/ehcp): use the published aggregates"
ENGLAND = """\
With --published: the real-England backtest. From each January census 2016-2024, every local area's (or each
of --areas) total plans 1, 2 and 3 years ahead from what was published by then, by the model's aggregate path
and five baselines (last value; last value + mean change of the last 3 years; stock and flow with last year's
new and ceased plans carried on; linear trend on the last 5 censuses; Holt's exponential smoothing), against
what happened. Writes england_backtest.csv (by area, origin, horizon and method), england_summary.csv and
england_backtest.md in --out."""

AS_AT_HELP = ("forecast from the last January census on or before this date (default: with --data, the last census "
              "the data covers, from its latest dated activity; without, today)")
HALF_LIFE_HELP = "recency weighting half-life in years (default: the model's, chosen by the backtest)"
BACKTEST = """\
Rolling-origin backtest: from each past January census, fit the model to what was known then, project total
plans 1, 2 and 3 years ahead and compare with what happened, beside the last value and the linear trend on the
same origins; the same by age group, setting category and primary need. Writes backtest.csv,
backtest_summary.csv, backtest_breakdowns.csv and backtest.md (the report) in --out."""


def add_parser(commands, subcommand, date_type) -> None:
    p = subcommand(commands, "forecast", summary="project plans, places and High Needs cost (CSV + summary.json)",
                   description=DESCRIPTION, examples=EXAMPLES)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    run = actions.add_parser("run", help="run a forecast", description=DESCRIPTION)
    run.add_argument("--scenario", type=Path, help="a scenario YAML file (default: the baseline)")
    run.add_argument("--sims", type=int, default=1000, help="simulations (default 1000)")
    run.add_argument("--years", type=int, default=5, help="years ahead (default 5)")
    run.add_argument("--seed", type=int, default=870, help="random seed (default 870)")
    run.add_argument("--half-life", type=float, help=HALF_LIFE_HELP)
    run.add_argument("--data", type=Path, help="a folder of canonical tables (default: the live database)")
    run.add_argument("--as-at", type=date_type, default=None, help=AS_AT_HELP)
    run.add_argument("--out", type=Path, default=Path("forecast-run"), help="folder for the results")
    run.add_argument("--published", type=Path, help=PUBLISHED_HELP)
    run.add_argument("--area", help="with --published: the local area's code (E06000038 or 870)")
    run.set_defaults(run=_run)
    test = actions.add_parser("backtest", help="rolling-origin backtest against naive forecasts",
                              description=BACKTEST + "\n" + ENGLAND)
    test.add_argument("--sims", type=int, default=1000, help="simulations per origin (default 1000)")
    test.add_argument("--seed", type=int, default=870, help="random seed (default 870)")
    test.add_argument("--half-life", type=float, help=HALF_LIFE_HELP)
    test.add_argument("--data", type=Path, help="a folder of canonical tables (default: the live database)")
    test.add_argument("--as-at", type=date_type, default=None, help=AS_AT_HELP)
    test.add_argument("--out", type=Path, default=Path("forecast-backtest"), help="folder for the report")
    test.add_argument("--published", type=Path, help=PUBLISHED_HELP)
    test.add_argument("--areas", nargs="+", default=["all"], help="with --published: 'all' or area codes")
    test.set_defaults(run=_backtest)
    p.set_defaults(run=lambda args, parser: (p.print_help(), 2)[1])


def _history(args):
    """The history from --data or the live database."""
    from sendreform.cli import main
    from sendreform.forecast.history import (
        TABLES_READ,
        history_as_at,
        history_from_connection,
        history_from_tables,
    )
    from sendreform.interchange.canonical_files import canonical_files_read

    if args.data is not None:
        tables = canonical_files_read(data_dir=args.data, tables=TABLES_READ, check_keys=True)
        return history_from_tables(tables=tables, as_at=history_as_at(tables=tables, as_at=args.as_at))
    return history_from_connection(con=main._connection(None), as_at=args.as_at or dt.date.today())


def _run(args, parser) -> int:
    from sendreform.cli import main
    from sendreform.forecast.history import HistoryNotCovered
    from sendreform.forecast.model import DEFAULT_HALF_LIFE
    from sendreform.forecast.run import forecast_run, run_write
    from sendreform.forecast.scenarios import ScenarioError, scenario_load
    from sendreform.interchange.canonical_files import CanonicalFileError

    if args.sims < 10 or args.years < 1:
        parser.error("--sims must be 10 or more and --years 1 or more")
    if args.published is not None:
        return _run_published(args, parser)
    try:
        scenario = scenario_load(args.scenario) if args.scenario else None
        history = _history(args)
    except (CanonicalFileError, ScenarioError, HistoryNotCovered, OSError) as error:
        print(f"sendreform forecast: {error}", file=sys.stderr)
        return 2
    run = forecast_run(history=history, years=args.years, sims=args.sims, seed=args.seed, scenario=scenario,
                       half_life=args.half_life or DEFAULT_HALF_LIFE, code_version=main.code_version(),
                       progress=main.progress_bar())
    out = run_write(run=run, out_dir=args.out)
    from sendreform.forecast.template import template_values, template_write
    from sendreform.standards.lsrp import STANDARD

    mapping = STANDARD
    if args.data is None:  # the live database: the area's own mapping onto the data template's rows
        from django.conf import settings

        from sendreform.plan.planfile import PlanFileError
        from sendreform.returns.layout import lsrp_mapping_load

        try:
            mapping = lsrp_mapping_load(settings.SENDREFORM_LSRP_MAPPING)
        except PlanFileError as error:
            print(f"sendreform forecast: {error}; the data template was not written", file=sys.stderr)
            return 2
    template_write(path=out / "data-template.xlsx", history=history, summary=run.summary, mapping=mapping,
                   sections=template_values(sim=run.scenario or run.baseline, history=history, seed=args.seed,
                                            mapping=mapping))
    print(f"Forecast from the January {history.last_year} census written to {out}")
    rows = [[str(r["year"]), f"{r['median']:,.0f}", f"{r['p2_5']:,.0f} to {r['p97_5']:,.0f}"]
            for r in run.summary["total_plans"]]
    print(main._table_text(["January", "plans (median)", "95% interval"], rows, right={1}))
    return 0


def _backtest(args, parser) -> int:
    from sendreform.cli import main
    from sendreform.forecast.backtest import (
        TooFewCensuses,
        backtest_history_check,
        backtest_verdict,
        backtest_write,
    )
    from sendreform.forecast.history import HistoryNotCovered
    from sendreform.forecast.model import DEFAULT_HALF_LIFE
    from sendreform.interchange.canonical_files import CanonicalFileError

    if args.sims < 10:
        parser.error("--sims must be 10 or more")
    if args.published is not None:
        return _backtest_published(args)
    try:
        history = _history(args)
    except (CanonicalFileError, HistoryNotCovered, OSError) as error:
        print(f"sendreform forecast: {error}", file=sys.stderr)
        return 2
    try:
        backtest_history_check(history)
    except TooFewCensuses as error:
        print(f"sendreform forecast: {error}", file=sys.stderr)
        return 2
    summary, out = backtest_write(history=history, out_dir=args.out, sims=args.sims, seed=args.seed,
                                  half_life=args.half_life or DEFAULT_HALF_LIFE, progress=main.progress_bar())
    print(backtest_verdict(summary))
    print(f"Backtest report written to {out / 'backtest.md'}")
    return 0


def _published(args):
    from sendreform.forecast.published import PublishedDataError, published_load

    try:
        return published_load(folder=args.published)
    except (PublishedDataError, OSError) as error:
        print(f"sendreform forecast: {error}", file=sys.stderr)
        return None


def _run_published(args, parser) -> int:
    from sendreform.cli import main
    from sendreform.forecast.england import accuracy_text, published_run

    if not args.area:
        parser.error("--published needs --area CODE")
    published = _published(args)
    if published is None:
        return 2
    try:
        frame = published_run(published=published, area=args.area, years=args.years, sims=args.sims,
                                        seed=args.seed)
    except KeyError as error:
        print(f"sendreform forecast: {error.args[0]}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out / "published_forecast.csv", index=False)
    key = published.area_key(args.area)
    print(f"{published.areas.loc[key, 'name']}: total plans from the January {frame['year'].min() - 1} census "
          f"(published data), written to {args.out / 'published_forecast.csv'}")
    rows = [[str(r.year), f"{r.median:,.0f}", f"{r.p2_5:,.0f} to {r.p97_5:,.0f}"] for r in frame.itertuples()]
    print(main._table_text(["January", "plans (median)", "95% interval"], rows, right={1}))
    print(accuracy_text(published=published, area=key))
    return 0


def _backtest_published(args) -> int:
    from sendreform.cli import main
    from sendreform.forecast.england import england_write

    published = _published(args)
    if published is None:
        return 2
    areas = None if args.areas == ["all"] else args.areas
    try:
        verdict, out = england_write(published=published, areas=areas, out_dir=args.out, sims=args.sims,
                                     seed=args.seed, progress=main.progress_bar())
    except KeyError as error:
        print(f"sendreform forecast: {error.args[0]}", file=sys.stderr)
        return 2
    print(verdict)
    print(f"Real-England backtest written to {out / 'england_backtest.md'}")
    return 0
