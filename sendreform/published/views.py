"""The benchmarking page: any local authority beside its statistical neighbours, region and England, from the
DfE's published statistics; with its CSV downloads. Published figures are public: every signed-in role may open
any area's page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from sendreform.published import selectors
from sendreform.published.benchmark import BY_KEY, MEASURES, SYMBOL_KEY, compare, national_rows
from sendreform.published.charts import national_chart, trend_chart
from sendreform.published.tables import CSV_COLUMNS, csv_rows, measure_table, national_table
from sendreform.web.tables import Table, table_csv_response

NATIONAL_CHOICES = [m for m in MEASURES if m.unit == "percent" and not m.key.startswith("need_")]
DEFAULT_NATIONAL = "growth"


def _signed_in_role(request) -> None:
    if not getattr(request.user, "role", ""):
        raise PermissionDenied


def _area(request):
    code = request.GET.get("area") or selectors.own_area_code()
    area = selectors.area_find(code=code)
    if area is None and request.GET.get("area"):
        raise Http404(f"No local authority {code!r} in the published statistics")
    return area


def _compared(bench, measure):
    series = selectors.series_for(measure=measure)
    return compare(series, area=selectors.key_of(bench.area), neighbours=[selectors.key_of(a) for a in bench.neighbours],
                   region=bench.area.region_code, england=selectors.ENGLAND), series


def _national(bench, measure, series, names):
    return national_rows(series, area=selectors.key_of(bench.area), neighbours={selectors.key_of(a) for a in bench.neighbours},
                         names=names, region=bench.area.region_code, england=selectors.ENGLAND)


@login_required
def benchmarking(request):
    _signed_in_role(request)
    area = _area(request)
    if area is None:
        return render(request, "published/empty.html", {})
    bench = selectors.benchmark_for(area=area)
    query = urlencode({"area": area.code})
    names = selectors.names()
    sections: dict[str, list] = {}
    population = selectors.population_0_25() if area.code == selectors.own_area_code() else {}
    national_key = request.GET.get("national", DEFAULT_NATIONAL)
    national_measure = BY_KEY.get(national_key) if BY_KEY.get(national_key) in NATIONAL_CHOICES else None
    if national_measure is None:
        national_measure = BY_KEY[DEFAULT_NATIONAL]
    national = None
    for measure in MEASURES:
        rows, series = _compared(bench, measure)
        if measure.key == national_measure.key:
            national = _national(bench, measure, series, names)
        if not any(r.area or r.england for r in rows):
            continue
        item = {"measure": measure, "rows": rows,
                "table": measure_table(measure, rows, area_name=area.name, neighbours=len(bench.neighbours),
                                       csv_url=f"{reverse('published:csv')}?{query}&measure={measure.key}")}
        if not measure.key.startswith("need_"):
            item["chart"] = trend_chart(rows, area_name=area.name, unit=measure.unit,
                                        y_title="Per cent" if measure.unit == "percent" else "Number",
                                        chart_id=f"chart-{measure.key}", title=f"{measure.title}, {area.name}")
        if measure.key == "plans" and population:
            item["per_1000"] = [
                {"year": r.year, "text": f"{r.area.number / population[r.year] * 1000:,.1f}"}
                for r in rows if r.area and r.area.number is not None and population.get(r.year)]
        sections.setdefault(measure.section, []).append(item)
    need = sections.pop("Primary need", [])
    need_year = max((r.year for item in need for r in item["rows"]), default=None)
    national_view = None
    if national:
        csv_url = f"{reverse('published:national-csv')}?{query}&national={national_measure.key}"
        national_view = {
            "measure": national_measure, "year": national["year"],
            "chart": national_chart(national["rows"], unit="percent", y_title="Per cent", chart_id="chart-national",
                                    title=f"{national_measure.title}, every local authority, {national['year']}",
                                    region_value=national["region"].number if national["region"] else None,
                                    england_value=national["england"].number if national["england"] else None),
            "table": national_table(national["rows"], measure=national_measure, year=national["year"],
                                    csv_url=csv_url),
            "region": national["region"], "england": national["england"],
        }
    return render(request, "published/benchmarking.html", {
        "bench": bench, "area": area, "sections": sections, "names": names,
        "need": [(item["measure"], next((r for r in item["rows"] if r.year == need_year), None)) for item in need],
        "need_year": need_year,
        "need_csv": f"{reverse('published:csv')}?{query}&section=need",
        "national": national_view, "national_choices": NATIONAL_CHOICES,
        "areas": selectors.local_authorities(), "boundary_notes": selectors.boundary_notes(area=area),
        "symbols": SYMBOL_KEY, "csv_url": f"{reverse('published:csv')}?{query}",
        "neighbours_source": selectors.NEIGHBOURS_SOURCE, "own_area": area.code == selectors.own_area_code(),
        "population_shown": bool(population),
    })


@login_required
def benchmarking_csv(request):
    """Every measure (or one: ?measure=, or the need mix: ?section=need) of the area, year by year."""
    _signed_in_role(request)
    area = _area(request)
    if area is None:
        raise Http404("No published statistics are loaded")
    bench = selectors.benchmark_for(area=area)
    chosen = request.GET.get("measure")
    if chosen and chosen not in BY_KEY:
        raise Http404(f"No measure {chosen!r}")
    measures = [BY_KEY[chosen]] if chosen else [
        m for m in MEASURES if request.GET.get("section") != "need" or m.key.startswith("need_")]
    rows = []
    for measure in measures:
        compared, _ = _compared(bench, measure)
        rows += csv_rows(measure, compared, area_code=area.code, area_name=area.name)
    suffix = f"-{chosen}" if chosen else "-need" if request.GET.get("section") == "need" else ""
    return table_csv_response(table=Table(caption="", columns=CSV_COLUMNS, rows=rows),
                              filename=f"benchmarking-{area.code}{suffix}.csv")


@login_required
def national_csv(request):
    _signed_in_role(request)
    area = _area(request)
    measure = BY_KEY.get(request.GET.get("national", DEFAULT_NATIONAL))
    if area is None or measure not in NATIONAL_CHOICES:
        raise Http404("No such national chart")
    bench = selectors.benchmark_for(area=area)
    _, series = _compared(bench, measure)
    national = _national(bench, measure, series, selectors.names())
    if national is None:
        raise Http404("No figures for this measure")
    rows = [{**r, "text": r["value"]} for r in national["rows"]]
    table = national_table(rows, measure=measure, year=national["year"], csv_url="")
    return table_csv_response(table=table, filename=f"national-{measure.key}-{national['year']}.csv")
