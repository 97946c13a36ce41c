"""Finding a child, a child's record, and settings with their cohorts. Every read goes through selectors."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from sendreform.accounts.services import AUDIT_EXPORT
from sendreform.people import selectors
from sendreform.people.forms import ChildSearchForm, EstablishmentFilterForm
from sendreform.standards import codes, periods
from sendreform.standards.formats import date_words
from sendreform.web.tables import Column, Table, rows_from, table_csv_response

_CHILD_COLUMNS = (
    Column("name", "Name", link_key="url"),
    Column("upn", "UPN"),
    Column("birth_date", "Date of birth"),
    Column("person_id", "Person id"),
)


def _child_rows(people):
    return rows_from(
        people,
        name=lambda p: f"{p.surname}, {p.forename}",
        url=lambda p: reverse("people:child-detail", args=[p.person_id]),
        upn=lambda p: p.upn or "",
        birth_date=lambda p: p.birth_date,
        person_id=lambda p: p.person_id,
    )


@login_required
def child_search(request):
    sees_children = selectors.user_sees_children(user=request.user)
    searched = bool(request.GET) and sees_children
    form = ChildSearchForm(request.GET if searched else None)
    table, more = None, False
    if searched and form.is_valid():
        found = selectors.person_search(
            user=request.user, text=form.cleaned_data["text"], birth_date=form.cleaned_data["birth_date"],
            page=request.get_full_path(),
        )
        more = len(found) > selectors.SEARCH_LIMIT
        table = Table(caption="Children found", columns=_CHILD_COLUMNS,
                      rows=_child_rows(found[: selectors.SEARCH_LIMIT]),
                      empty_text="No children match. Check the spelling, or search by date of birth.")
    return render(request, "people/child_search.html", {
        "form": form, "table": table, "more": more, "limit": selectors.SEARCH_LIMIT,
        "sees_children": sees_children, "search_hint": selectors.search_hint(user=request.user),
    })


def _timeline_table(year, *, csv_url: str = "") -> Table:
    return Table(
        caption=f"Academic year {year.name}",
        columns=(Column("date", "Date"), Column("kind", "What"), Column("summary", "Detail"),
                 Column("setting", "Setting or provider")),
        rows=[vars(event) | {"date": event.date} for event in year.events],
        csv_url=csv_url,
    )


@login_required
def child_detail(request, person_id):
    person = selectors.person_get(user=request.user, person_id=person_id, page=request.path)
    summary = selectors.person_summary(person=person)
    timeline = selectors.person_timeline(user=request.user, person_id=person_id)
    csv_url = reverse("people:child-timeline-csv", args=[person_id])
    today = timezone.localdate()
    rows = [
        ("Name", f"{person.forename} {person.surname}"),
        ("Person id", person.person_id),
        ("Unique pupil number (UPN)", person.upn),
        ("Unique learner number (ULN)", person.uln),
        ("Date of birth", f"{date_words(person.birth_date)} (age {periods.age_on(person.birth_date, today)})"),
        ("Sex", codes.SEX.get(person.sex, person.sex)),
        ("Ethnicity", codes.ETHNICITY.get(person.ethnicity, person.ethnicity)),
        ("Postcode", person.postcode),
        ("Home local authority", person.home_la),
        ("SEN provision now", summary.sen_provision),
        ("Primary need", summary.primary_need),
        ("Where educated now", summary.setting),
        ("Setting category", summary.setting_category),
        ("Open EHC plan", "Yes" if summary.has_open_plan else "No"),
    ]
    return render(request, "people/child_detail.html", {
        "person": person, "rows": rows,
        "timeline": [_timeline_table(year) for year in timeline], "timeline_csv_url": csv_url,
    })


@login_required
def child_timeline_csv(request, person_id):
    selectors.person_get(user=request.user, person_id=person_id, page=request.path, action=AUDIT_EXPORT)
    events = [event for year in selectors.person_timeline(user=request.user, person_id=person_id)
              for event in year.events]
    table = Table(
        caption="Timeline",
        columns=(Column("date", "date"), Column("academic_year", "academic_year"), Column("kind", "kind"),
                 Column("summary", "summary"), Column("setting", "setting")),
        rows=[vars(event) | {"academic_year": event.academic_year} for event in events],
    )
    return table_csv_response(table=table, filename=f"timeline-{person_id}.csv")


_ESTABLISHMENT_COLUMNS = (
    Column("name", "Name", link_key="url"),
    Column("urn", "URN"),
    Column("phase", "Phase"),
    Column("kind", "Kind"),
    Column("funding", "Funding"),
    Column("cluster", "Cluster"),
    Column("in_area", "In the local area"),
)


def _establishment_table(request) -> tuple[EstablishmentFilterForm, Table]:
    form = EstablishmentFilterForm(request.GET or None, clusters=selectors.clusters_list())
    filters = form.cleaned_data if form.is_valid() else {}
    establishments = selectors.establishments_visible_to(
        user=request.user, phase=filters.get("phase", ""), kind=filters.get("kind", ""),
        cluster_id=filters.get("cluster", ""),
    )
    rows = rows_from(
        establishments,
        name=lambda e: e.name,
        url=lambda e: reverse("people:establishment-detail", args=[e.establishment_id]),
        # An identifier, not a quantity: no thousands separator.
        urn=lambda e: str(e.urn) if e.urn is not None else "",
        phase=lambda e: codes.PHASE.get(e.phase, e.phase),
        kind=lambda e: codes.ESTABLISHMENT_KIND.get(e.kind, e.kind),
        funding=lambda e: codes.FUNDING.get(e.funding, e.funding),
        cluster=lambda e: e.cluster.name if e.cluster else "",
        in_area=lambda e: e.in_area,
    )
    query = request.GET.urlencode()
    table = Table(caption="Settings", columns=_ESTABLISHMENT_COLUMNS, rows=rows,
                  csv_url=reverse("people:establishment-list-csv") + (f"?{query}" if query else ""),
                  empty_text="No settings match these filters.")
    return form, table


@login_required
def establishment_list(request):
    form, table = _establishment_table(request)
    return render(request, "people/establishment_list.html", {"form": form, "table": table})


@login_required
def establishment_list_csv(request):
    _form, table = _establishment_table(request)
    return table_csv_response(table=table, filename="settings.csv")


_COHORT_COLUMNS = (*_CHILD_COLUMNS, Column("sen_provision", "SEN provision here"))


def _cohort_rows(cohort):
    rows = _child_rows(cohort)
    for row, person in zip(rows, cohort, strict=True):
        row["sen_provision"] = codes.SEN_PROVISION.get(person.sen_provision or "", "Not recorded")
    return rows


@login_required
def establishment_detail(request, establishment_id):
    establishment = selectors.establishment_get(user=request.user, establishment_id=establishment_id)
    sees_children = selectors.user_sees_children(user=request.user)
    cohort_table = None
    if sees_children:
        cohort = list(selectors.establishment_cohort(user=request.user, establishment_id=establishment_id,
                                                     page=request.path))
        cohort_table = Table(
            caption="Children on roll you can see", columns=_COHORT_COLUMNS, rows=_cohort_rows(cohort),
            csv_url=reverse("people:establishment-cohort-csv", args=[establishment_id]),
            empty_text="There are no children on this setting's roll that your role lets you see.",
        )
    rows = [
        ("Name", establishment.name),
        ("Unique reference number (URN)", establishment.urn),
        ("UK provider reference number (UKPRN)", establishment.ukprn),
        ("Local authority", establishment.la_code),
        ("Phase", codes.PHASE.get(establishment.phase, establishment.phase)),
        ("Kind", codes.ESTABLISHMENT_KIND.get(establishment.kind, establishment.kind)),
        ("Funding", codes.FUNDING.get(establishment.funding, establishment.funding)),
        ("In the local area", "Yes" if establishment.in_area else "No"),
        ("Cluster", establishment.cluster.name if establishment.cluster else ""),
        ("SEN unit", "Yes" if establishment.has_sen_unit else "No"),
        ("Resourced provision", "Yes" if establishment.has_resourced_provision else "No"),
        ("Capacity", establishment.capacity),
        ("Specialist places", establishment.specialist_places),
        ("Opened", date_words(establishment.open_date) if establishment.open_date else ""),
    ]
    if establishment.close_date:
        rows.append(("Closed", date_words(establishment.close_date)))
    return render(request, "people/establishment_detail.html", {
        "establishment": establishment, "rows": rows, "cohort_table": cohort_table,
        "sees_children": sees_children,
    })


@login_required
def establishment_cohort_csv(request, establishment_id):
    if not selectors.user_sees_children(user=request.user):
        raise PermissionDenied
    cohort = list(selectors.establishment_cohort(user=request.user, establishment_id=establishment_id,
                                                 page=request.path, action=AUDIT_EXPORT))
    table = Table(caption="Children on roll", columns=_COHORT_COLUMNS, rows=_cohort_rows(cohort))
    return table_csv_response(table=table, filename=f"children-on-roll-{establishment_id}.csv")
