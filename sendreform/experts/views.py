"""The Experts at Hand pages. Thin: each reads through `selectors`, writes through `services`, and puts a
service's ValidationError back on its form so the GOV.UK error summary shows it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.accounts.services import AUDIT_EXPORT, audit_record
from sendreform.common.concurrency import edit_conflict
from sendreform.experts import charts, selectors, services
from sendreform.experts.forms import (
    ActionForm,
    CloseForm,
    ContactForm,
    EngagementForm,
    FeedbackForm,
    MeetingForm,
    PractitionerForm,
    ReferralFilterForm,
    ReferralForm,
    ReviewForm,
    StrategyForm,
    TransitionPlanForm,
    TriageForm,
    date_initial,
    errors_onto,
)
from sendreform.experts.models import EahMeetingAction
from sendreform.people.forms import ChildSearchForm
from sendreform.people.selectors import (
    SEARCH_LIMIT,
    clusters_list,
    establishment_get,
    person_get,
    person_search,
    search_hint,
)
from sendreform.standards import codes, periods
from sendreform.standards.formats import date_words
from sendreform.web.tables import Column, Table, rows_from, table_csv_response


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _form_page(request, *, form, heading, button, fields, caption="", status=200, **extra):
    return render(
        request,
        "experts/includes/form_page.html",
        {
            "form": form,
            "heading": heading,
            "button": button,
            "caption": caption,
            "fields": [(kind, form[name]) for kind, name in fields],
            **extra,
        },
        status=status,
    )


def _submit(request, form, action, *, stale: bool = False):
    """What `action` returns, called with the cleaned data of a form that was posted and is valid; None when
    the form was not posted or is not valid, or the service refused it. A service's ValidationError goes onto
    the form for the error summary. With `stale`, so does a referral changed by someone else since the page
    was shown, and the form moves on to the referral's new version."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except services.ReferralChanged as exc:
        if not stale:
            raise
        _stale(form, exc)
    except ValidationError as error:
        errors_onto(form, error)
    return None


def _stale(form, exc) -> None:
    form.add_error(
        None,
        f"This referral was changed{f' by {exc.changed_by}' if exc.changed_by else ''} since you "
        "opened this page. Check it and submit again.",
    )
    form.data = form.data.copy()
    form.data["version"] = str(exc.version)


# ------------------------------------------------------------------------------------------------ index
@login_required
def index(request):
    user = request.user
    links = []
    if selectors.can_refer(user=user):
        links.append(
            (
                "Refer a child or ask for a consultation",
                reverse("experts:refer"),
                "A referral to the Experts at Hand team from your setting.",
            )
        )
    if selectors.can_manage(user=user):
        links += [
            (
                "Triage queue",
                reverse("experts:queue"),
                "Referrals awaiting triage or first support, overdue first.",
            ),
            (
                "Practitioners and capacity",
                reverse("experts:practitioners"),
                "Each practitioner's caseload hours against their capacity.",
            ),
            (
                "Planning meetings",
                reverse("experts:meetings"),
                "Termly cluster meetings with their agendas and actions.",
            ),
        ]
    if user.role in (roles.EAH_PRACTITIONER, roles.HEALTH):
        links.append(
            (
                "Your caseload",
                reverse("experts:caseload"),
                "Your open involvements: log support, agree strategies, review and close.",
            )
        )
    if selectors.sees_referrals(user=user):
        links.append(
            ("Referrals", reverse("experts:referrals"), "The referrals you can see, with their clocks.")
        )
    links += [
        (
            "Settings' engagement",
            reverse("experts:engagement"),
            "Each setting's engagement, and the share engaged against the plan's milestones.",
        ),
        (
            "Demand and capacity",
            reverse("experts:demand"),
            "Referrals a week against practitioners' hours, the queue's age and its projection.",
        ),
    ]
    overdue = selectors.overdue_count(user=user) if selectors.sees_referrals(user=user) else 0
    return render(request, "experts/index.html", {"links": links, "overdue": overdue})


# --------------------------------------------------------------------------------------------- referral
_REFER_CHILD_COLUMNS = (
    Column("name", "Name", link_key="url"),
    Column("birth_date", "Date of birth"),
    Column("upn", "UPN"),
)


@login_required
def refer(request):
    _require(selectors.can_refer(user=request.user))
    form = ChildSearchForm(request.GET or None)
    table, more = None, False
    if request.GET and form.is_valid():
        # Scoped to the setting's roll and recorded in the audit log, as every search for a child is.
        found = person_search(user=request.user, text=form.cleaned_data["text"],
                              birth_date=form.cleaned_data["birth_date"], page=request.get_full_path())
        more = len(found) > SEARCH_LIMIT
        table = Table(
            caption="Children on your roll who match",
            columns=_REFER_CHILD_COLUMNS,
            rows=rows_from(
                found[:SEARCH_LIMIT],
                name=lambda p: f"{p.surname}, {p.forename}",
                url=lambda p: reverse("experts:refer-child", args=[p.person_id]),
                birth_date=lambda p: p.birth_date,
                upn=lambda p: p.upn or "",
            ),
            empty_text="No child on your roll matches. Check the spelling, or search by date of birth.",
        )
    return render(request, "experts/refer_start.html",
                  {"form": form, "table": table, "more": more, "limit": SEARCH_LIMIT,
                   "search_hint": search_hint(user=request.user)})


def _referral_form_page(request, *, person=None):
    user = request.user
    establishment = user.establishment
    prefill = selectors.child_prefill(person=person) if person else None
    form = ReferralForm(
        request.POST or None,
        child=person is not None,
        initial={"risk_flags": prefill.suggested_flags if prefill else []},
    )
    referral = _submit(
        request,
        form,
        lambda data: services.referral_create(
            by=user,
            establishment=establishment,
            person=person,
            concern=data["concern"],
            graduated_response=data["graduated_response"],
            risk_flags=data["risk_flags"],
            consent_given=data.get("consent_given", False),
        ),
    )
    if referral is not None:
        return redirect("experts:referral-sent", referral_id=referral.referral_id)
    fields = [("textarea", "concern"), ("textarea", "graduated_response"), ("checkboxes", "risk_flags")]
    if person:
        fields.append(("checkbox", "consent_given"))
    heading = (
        f"Refer {person.forename} {person.surname} to Experts at Hand"
        if person
        else "Ask Experts at Hand for a setting-level consultation"
    )
    intro = (
        "What the service already knows about the child is shown here, so you are not asked for it again."
        if person
        else f"A consultation for {establishment.name} about practice, not about one child."
    )
    return _form_page(
        request,
        form=form,
        heading=heading,
        button="Send referral",
        fields=fields,
        caption=establishment.name,
        intro=intro,
        intro_rows=prefill.rows if prefill else None,
        back_url=reverse("experts:refer"),
    )


@login_required
def refer_child(request, person_id):
    _require(selectors.can_refer(user=request.user))
    person = person_get(user=request.user, person_id=person_id, page=request.path)
    return _referral_form_page(request, person=person)


@login_required
def refer_setting(request):
    _require(selectors.can_refer(user=request.user))
    return _referral_form_page(request)


_REFERRAL_COLUMNS = (
    Column("referral_id", "Referral", link_key="url"),
    Column("about", "About"),
    Column("setting", "Setting"),
    Column("received", "Received"),
    Column("tier", "Tier"),
    Column("status", "Status"),
    Column("clock", "Clock"),
    Column("practitioners", "Practitioners"),
)

_AT_RISK_COLUMNS = (*_REFERRAL_COLUMNS[:5], Column("risks", "Risks"), Column("status", "Status"))


_clock_text = selectors.clock_text


def _referral_rows(items):
    return rows_from(
        items,
        referral_id=lambda i: i.referral.referral_id,
        url=lambda i: reverse("experts:referral-detail", args=[i.referral.referral_id]),
        about=lambda i: (
            f"{i.referral.person.surname}, {i.referral.person.forename}"
            if i.referral.person
            else "Setting-level consultation"
        ),
        setting=lambda i: i.referral.establishment.name,
        received=lambda i: i.referral.received_date,
        tier=lambda i: codes.EAH_TIER.get(i.referral.tier or "", "Not triaged"),
        status=lambda i: i.status,
        clock=_clock_text,
        practitioners=lambda i: ", ".join(i.practitioners),
        overdue=lambda i: i.clock.overdue,
        risks=lambda i: ", ".join(
            codes.EAH_RISK_FLAG.get(f, f) for f in i.referral.risk_flags.split(",") if f
        ),
    )


def _referral_table(items, *, caption: str, csv_name: str, empty_text: str, query: str = "") -> Table:
    # The CSV follows the page's filters and order.
    csv_url = reverse(f"experts:{csv_name}-csv") + (f"?{query}" if query else "")
    return Table(caption=caption, columns=_REFERRAL_COLUMNS, rows=_referral_rows(items), csv_url=csv_url,
                 empty_text=empty_text)


def _referral_csv(request, table: Table, *, what: str):
    """A list of referrals as CSV; the export is audited like any read of child-level data."""
    audit_record(user=request.user, action=AUDIT_EXPORT, page=request.path, detail=f"Experts at Hand {what}")
    return table_csv_response(table=table, filename=f"experts-at-hand-{what}.csv")


@login_required
def _referral_filter(request, *, default_sort: str):
    """The filter form of a referral list from the query string, and the filter it asks for."""
    form = ReferralFilterForm(
        request.GET or None, clusters=clusters_list(), settings=selectors.referral_settings(user=request.user),
        age_bands=selectors.CHILD_AGE_BANDS, waiting_bands=[label for _, _, label in selectors.AGE_BANDS],
        sorts={default_sort: selectors.SORTS[default_sort]} | selectors.SORTS,
    )
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ReferralFilter(
        tier=data.get("tier", ""), age_band=data.get("age_band", ""), waiting=data.get("waiting", ""), cluster_id=data.get("cluster", ""),
        establishment_id=data.get("setting", ""), overdue_only=data.get("overdue", False),
        sort=data.get("sort") or default_sort,
    )
    return form, filters


def queue(request, csv=False):
    _require(selectors.can_manage(user=request.user))
    form, filters = _referral_filter(request, default_sort="urgent")
    items = selectors.triage_queue(user=request.user, page=request.path, filters=filters)
    table = _referral_table(items, caption="Referrals awaiting triage or first support", csv_name="queue",
                            empty_text="No referral waiting for triage or first support matches.",
                            query=request.GET.urlencode())
    if csv:
        return _referral_csv(request, table, what="queue")
    overdue = [row for row in table.rows if row["overdue"]]
    return render(
        request,
        "experts/queue.html",
        {
            "table": table,
            "form": form,
            "overdue": overdue,
            "loads": selectors.practitioner_loads(),
            "triage_days": settings.EAH_TRIAGE_WORKING_DAYS,
            "support_days": settings.EAH_FIRST_SUPPORT_WORKING_DAYS,
        },
    )


@login_required
def referral_list(request, csv=False):
    _require(selectors.sees_referrals(user=request.user))
    form, filters = _referral_filter(request, default_sort="newest")
    items = selectors.referral_list(user=request.user, page=request.path, filters=filters)
    table = _referral_table(items, caption="Referrals you can see", csv_name="referrals",
                            empty_text="No referral you can see matches.", query=request.GET.urlencode())
    if csv:
        return _referral_csv(request, table, what="referrals")
    return render(request, "experts/referral_list.html", {"table": table, "form": form})


def _referral_context(request, referral):
    today = timezone.localdate()
    clock = selectors.referral_clock(referral=referral, on=today)
    flags = [codes.EAH_RISK_FLAG.get(f, f) for f in referral.risk_flags.split(",") if f]
    detail = selectors.referral_detail(referral=referral)
    disciplines = [codes.EAH_DISCIPLINE.get(d, d) for d in detail.disciplines.split(",") if d]
    person = referral.person
    rows = [
        ("Referral", referral.referral_id),
        (
            "About",
            f"{person.forename} {person.surname} ({person.person_id})"
            if person
            else "The setting: a consultation about practice",
        ),
        ("Setting", referral.establishment.name),
        ("Received", date_words(referral.received_date)),
        (
            "Referred by",
            (detail.referred_by.get_full_name() or detail.referred_by.username) if detail.referred_by else "",
        ),
        (
            "Parental consent",
            ("Given" + (f" on {date_words(detail.consent_date)}" if detail.consent_date else ""))
            if detail.consent_given
            else ("Not needed" if not person else "Not recorded"),
        ),
        ("Risks", ", ".join(flags) or "None recorded"),
        ("Concern", detail.concern),
        ("Already tried", detail.graduated_response),
        ("Tier", codes.EAH_TIER.get(referral.tier or "", "Not yet triaged")),
        ("Disciplines needed", ", ".join(disciplines)),
        (
            "Triage",
            date_words(referral.triage_date)
            if referral.triage_date
            else f"Due by {date_words(clock.triage_due)}",
        ),
        (
            "First support",
            date_words(referral.first_support_date)
            if referral.first_support_date
            else (f"Due by {date_words(clock.support_due)}" if clock.support_due else ""),
        ),
        ("Review date", date_words(referral.review_date) if referral.review_date else ""),
        (
            "Closed",
            f"{date_words(referral.closed_date)}: {codes.EAH_OUTCOME.get(referral.outcome, '')}"
            if referral.closed_date
            else "Open",
        ),
    ]
    involvements = list(
        referral.involvements.select_related("allocation")
        .prefetch_related("contacts")
        .order_by("start_date", "pk")
    )
    contacts = [c for i in involvements for c in i.contacts.all()]
    names = selectors.practitioner_names(i.practitioner_id for i in involvements)
    involvement_table = Table(
        caption="Practitioners involved",
        columns=(
            Column("practitioner", "Practitioner"),
            Column("discipline", "Discipline"),
            Column("start", "From"),
            Column("end", "To"),
            Column("weekly", "Hours a week", numeric=True),
            Column("hours", "Hours given", numeric=True),
            Column("log", "Log support", link_key="log_url"),
        ),
        rows=rows_from(
            involvements,
            practitioner=lambda i: names.get(i.practitioner_id, i.practitioner_id),
            discipline=lambda i: codes.EAH_DISCIPLINE.get(i.discipline, i.discipline),
            start=lambda i: i.start_date,
            end=lambda i: i.end_date,
            weekly=lambda i: i.allocation.weekly_hours if hasattr(i, "allocation") else "",
            hours=lambda i: i.hours,
            log=lambda i: "Log support" if i.end_date is None and _may_log(request.user, i) else "",
            log_url=lambda i: (
                reverse("experts:contact", args=[i.pk])
                if i.end_date is None and _may_log(request.user, i)
                else ""
            ),
        ),
        empty_text="No practitioner is allocated yet.",
    )
    contact_table = Table(
        caption="Support given",
        columns=(
            Column("date", "Date"),
            Column("kind", "Kind"),
            Column("practitioner", "Practitioner"),
            Column("hours", "Hours", numeric=True),
            Column("note", "Note"),
        ),
        rows=rows_from(
            sorted(contacts, key=lambda c: (c.contact_date, c.pk)),
            date=lambda c: c.contact_date,
            kind=lambda c: c.get_kind_display(),
            practitioner=lambda c: names.get(c.involvement.practitioner_id, c.involvement.practitioner_id),
            hours=lambda c: c.hours,
            note=lambda c: c.note,
        ),
        empty_text="No support has been logged yet.",
    )
    strategy_table = Table(
        caption="Strategies agreed",
        columns=(Column("date", "Agreed"), Column("text", "Strategy"), Column("by", "Recorded by")),
        rows=rows_from(
            selectors.referral_strategies(referral=referral),
            date=lambda s: s.agreed_date,
            text=lambda s: s.text,
            by=lambda s: (s.recorded_by.get_full_name() or s.recorded_by.username) if s.recorded_by else "",
        ),
        empty_text="No strategies have been agreed yet.",
    )
    invitation = getattr(referral, "feedback_invitation", None) if referral.closed_date else None
    return {
        "referral": referral,
        "detail": detail,
        "rows": rows,
        "clock": clock,
        "involvement_table": involvement_table,
        "contact_table": contact_table,
        "strategy_table": strategy_table,
        "can_triage": selectors.can_manage(user=request.user) and not referral.closed_date,
        "can_work": selectors.can_work_on(user=request.user, referral=referral) and not referral.closed_date,
        "feedback_url": request.build_absolute_uri(reverse("experts:feedback", args=[invitation.token]))
        if invitation
        and not invitation.completed_date
        and selectors.can_work_on(user=request.user, referral=referral)
        else "",
    }


def _may_log(user, involvement) -> bool:
    return selectors.can_manage(user=user) or involvement.practitioner_id == getattr(
        user, "practitioner_id", None
    )


@login_required
def referral_detail(request, referral_id):
    referral = selectors.referral_get(user=request.user, referral_id=referral_id, page=request.path)
    return render(request, "experts/referral_detail.html", _referral_context(request, referral))


@login_required
def referral_sent(request, referral_id):
    """Where a referral's submission ends: its reference and what happens next, with the dates."""
    referral = selectors.referral_get(user=request.user, referral_id=referral_id, page=request.path)
    clock = selectors.referral_clock(referral=referral, on=timezone.localdate())
    return render(request, "experts/referral_sent.html", {
        "referral": referral, "triage_due": clock.triage_due,
        "triage_days": settings.EAH_TRIAGE_WORKING_DAYS, "support_days": settings.EAH_FIRST_SUPPORT_WORKING_DAYS,
    })


@login_required
def referral_triage(request, referral_id):
    _require(selectors.can_manage(user=request.user))
    referral = selectors.referral_get(user=request.user, referral_id=referral_id, page=request.path)
    if referral.closed_date:
        raise Http404("This referral is closed")
    loads = selectors.practitioner_loads()
    current = set(
        referral.involvements.filter(end_date__isnull=True).values_list("practitioner_id", flat=True)
    )
    detail = selectors.referral_detail(referral=referral)
    initial = {
        "version": detail.version,
        "tier": referral.tier,
        "disciplines": [d for d in detail.disciplines.split(",") if d],
        "practitioner_ids": sorted(current),
        "note": detail.triage_note,
    }
    form = TriageForm(request.POST or None, practitioners=loads, initial=initial)
    conflict = {}
    try:
        triaged = _submit(
            request,
            form,
            lambda data: services.referral_triage(
                referral_id=referral.referral_id,
                version=data["version"],
                tier=data["tier"],
                disciplines=data["disciplines"],
                practitioner_ids=data["practitioner_ids"],
                weekly_hours=data["weekly_hours"],
                note=data["note"],
                by=request.user,
            ),
        )
    except services.ReferralChanged as exc:
        # Keep what this lead chose, but against the new version: they see the new state above the form
        # and can submit again knowingly; nothing they typed is lost.
        triaged = None
        referral, detail = exc.referral, exc.detail
        conflict = edit_conflict(form=form, what="referral", versions={"version": exc.version}, by=exc.changed_by,
                                 stored={"tier": referral.tier,
                                         "disciplines": [d for d in detail.disciplines.split(",") if d],
                                         "practitioner_ids": sorted(referral.involvements.filter(
                                             end_date__isnull=True).values_list("practitioner_id", flat=True)),
                                         "note": detail.triage_note})
    if triaged is not None:
        return redirect("experts:referral-detail", referral_id=referral.referral_id)
    context = _referral_context(request, referral)
    return _form_page(
        request,
        form=form,
        heading=f"Triage referral {referral.referral_id}",
        button="Save triage and allocation",
        caption=referral.establishment.name,
        intro_rows=context["rows"],
        warn=form.over_capacity,
        status=409 if conflict else 200,
        **conflict,
        fields=[
            ("radios", "tier"),
            ("checkboxes", "disciplines"),
            ("checkboxes", "practitioner_ids"),
            ("input", "weekly_hours"),
            ("textarea", "note"),
        ],
        back_url=reverse("experts:referral-detail", args=[referral.referral_id]),
    )


def _working_referral(request, referral_id):
    referral = selectors.referral_get(user=request.user, referral_id=referral_id, page=request.path)
    _require(selectors.can_work_on(user=request.user, referral=referral))
    if referral.closed_date:
        raise Http404("This referral is closed")
    return referral


@login_required
def involvement_contact(request, involvement_id):
    involvement = selectors.involvement_get(
        user=request.user, involvement_id=involvement_id, page=request.path
    )
    referral = involvement.referral
    if involvement.end_date or referral.closed_date:
        raise Http404("This involvement has ended")
    form = ContactForm(request.POST or None, initial={"contact_date": date_initial(timezone.localdate())})
    logged = _submit(
        request,
        form,
        lambda data: services.involvement_contact_log(involvement=involvement, by=request.user, **data),
    )
    if logged is not None:
        return redirect("experts:referral-detail", referral_id=referral.referral_id)
    return _form_page(
        request,
        form=form,
        heading="Log support",
        button="Save support",
        caption=f"Referral {referral.referral_id}, {involvement.get_discipline_display()}",
        fields=[("date", "contact_date"), ("select", "kind"), ("input", "hours"), ("textarea", "note")],
        back_url=reverse("experts:referral-detail", args=[referral.referral_id]),
    )


@login_required
def referral_strategy(request, referral_id):
    referral = _working_referral(request, referral_id)
    form = StrategyForm(request.POST or None, initial={"agreed_date": date_initial(timezone.localdate())})
    added = _submit(
        request, form, lambda data: services.referral_strategy_add(referral=referral, by=request.user, **data)
    )
    if added is not None:
        return redirect("experts:referral-detail", referral_id=referral.referral_id)
    return _form_page(
        request,
        form=form,
        heading="Record a strategy agreed with the setting",
        button="Save strategy",
        caption=f"Referral {referral.referral_id}",
        intro="The setting sees the strategy on the referral and on the child's strategies page.",
        fields=[("textarea", "text"), ("date", "agreed_date")],
        back_url=reverse("experts:referral-detail", args=[referral.referral_id]),
    )


@login_required
def referral_review(request, referral_id):
    referral = _working_referral(request, referral_id)
    version = selectors.referral_detail(referral=referral).version
    form = ReviewForm(
        request.POST or None, initial={"version": version, "review_date": date_initial(referral.review_date)}
    )
    reviewed = _submit(
        request,
        form,
        lambda data: services.referral_review_set(referral_id=referral.referral_id, by=request.user, **data),
        stale=True,
    )
    if reviewed is not None:
        return redirect("experts:referral-detail", referral_id=referral.referral_id)
    return _form_page(
        request,
        form=form,
        heading="Set the review date",
        button="Save review date",
        caption=f"Referral {referral.referral_id}",
        fields=[("date", "review_date")],
        back_url=reverse("experts:referral-detail", args=[referral.referral_id]),
    )


@login_required
def referral_close(request, referral_id):
    referral = _working_referral(request, referral_id)
    version = selectors.referral_detail(referral=referral).version
    form = CloseForm(
        request.POST or None, initial={"version": version, "closed_date": date_initial(timezone.localdate())}
    )
    closed = _submit(
        request,
        form,
        lambda data: services.referral_close(referral_id=referral.referral_id, by=request.user, **data),
        stale=True,
    )
    if closed is not None:
        return redirect("experts:referral-detail", referral_id=referral.referral_id)
    fields = [("radios", "outcome"), ("date", "closed_date"), ("textarea", "note")]
    if referral.person_id:
        fields.append(("input", "family_email"))
    return _form_page(
        request,
        form=form,
        heading=f"Close referral {referral.referral_id}",
        button="Close referral",
        caption=referral.establishment.name,
        fields=fields,
        back_url=reverse("experts:referral-detail", args=[referral.referral_id]),
    )


@login_required
def child_strategies(request, person_id):
    person, strategies = selectors.child_strategies(user=request.user, person_id=person_id, page=request.path)
    table = Table(
        caption="Strategies agreed with Experts at Hand",
        columns=(
            Column("date", "Agreed"),
            Column("referral", "Referral", link_key="url"),
            Column("text", "Strategy"),
        ),
        rows=rows_from(
            strategies,
            date=lambda s: s.agreed_date,
            referral=lambda s: s.referral_id,
            url=lambda s: reverse("experts:referral-detail", args=[s.referral_id]),
            text=lambda s: s.text,
        ),
        empty_text="No strategies have been agreed for this child yet.",
    )
    return render(request, "experts/child_strategies.html", {"person": person, "table": table})


# -------------------------------------------------------------------------------------------- caseload
@login_required
def caseload(request):
    _require(request.user.role in (roles.EAH_PRACTITIONER, roles.HEALTH))
    involvements = selectors.caseload(user=request.user, page=request.path)
    today = timezone.localdate()
    table = Table(
        caption="Your open involvements",
        columns=(
            Column("referral", "Referral", link_key="url"),
            Column("about", "About"),
            Column("setting", "Setting"),
            Column("discipline", "Discipline"),
            Column("start", "Since"),
            Column("hours", "Hours given", numeric=True),
            Column("review", "Review"),
        ),
        rows=rows_from(
            involvements,
            referral=lambda i: i.referral_id,
            url=lambda i: reverse("experts:referral-detail", args=[i.referral_id]),
            about=lambda i: (
                f"{i.referral.person.surname}, {i.referral.person.forename}"
                if i.referral.person
                else "Setting-level consultation"
            ),
            setting=lambda i: i.referral.establishment.name,
            discipline=lambda i: codes.EAH_DISCIPLINE.get(i.discipline, i.discipline),
            start=lambda i: i.start_date,
            hours=lambda i: i.hours,
            review=lambda i: (
                (
                    ("Overdue: " if i.referral.review_date < today else "")
                    + date_words(i.referral.review_date)
                )
                if i.referral.review_date
                else "Not set"
            ),
        ),
        empty_text="You have no open involvements.",
    )
    return render(request, "experts/caseload.html", {"table": table})


# --------------------------------------------------------------------------------------- practitioners
_LOAD_COLUMNS = (
    Column("practitioner_id", "Practitioner id"),
    Column("name", "Name"),
    Column("discipline", "Discipline"),
    Column("open", "Open involvements", numeric=True),
    Column("caseload", "Caseload hours a week", numeric=True),
    Column("capacity", "Capacity hours a week", numeric=True),
    Column("status", "Status"),
)


def _load_table(loads) -> Table:
    return Table(
        caption="Caseload against capacity",
        columns=_LOAD_COLUMNS,
        csv_url=reverse("experts:practitioners-csv"),
        rows=rows_from(
            loads,
            practitioner_id=lambda p: p.practitioner_id,
            name=lambda p: p.name,
            discipline=lambda p: codes.EAH_DISCIPLINE.get(p.discipline, p.discipline),
            open=lambda p: p.open_involvements,
            caseload=lambda p: p.caseload_hours,
            capacity=lambda p: p.capacity_hours,
            status=lambda p: (
                ("Over capacity" if p.over_capacity else "Within capacity")
                + ("" if p.registered else " (default capacity: not registered)")
            ),
        ),
        empty_text="No practitioners yet.",
    )


@login_required
def practitioners(request, csv=False):
    _require(selectors.can_manage(user=request.user))
    loads = selectors.practitioner_loads()
    if csv:
        return table_csv_response(table=_load_table(loads), filename="experts-at-hand-capacity.csv")
    form = PractitionerForm(request.POST or None)
    if _submit(request, form, lambda data: services.practitioner_save(**data)) is not None:
        return redirect("experts:practitioners")
    return render(
        request,
        "experts/practitioners.html",
        {
            "table": _load_table(loads),
            "form": form,
            "over": [p for p in loads if p.over_capacity],
        },
    )


# ------------------------------------------------------------------------------------------- engagement
def _engagement_tables(summary):
    share_cols = (
        Column("group", "Group"),
        Column("settings", "Settings", numeric=True),
        Column("engaged", "Engaged or active", numeric=True),
        Column("pct", "Per cent", numeric=True),
    )

    def share_rows(rows):
        return rows_from(
            rows,
            group=lambda r: r.group,
            settings=lambda r: r.settings,
            engaged=lambda r: r.engaged,
            pct=lambda r: f"{r.pct}%" if r.pct is not None else "",
        )

    return {
        "milestones": Table(
            caption="Share engaged against the plan's milestones",
            columns=(
                Column("date", "Milestone date"),
                Column("target", "Target"),
                Column("actual", "Actual"),
                Column("met", "Met"),
            ),
            rows=rows_from(
                summary.milestones,
                date=lambda m: m["date"],
                target=lambda m: f"at least {m['target']}%",
                actual=lambda m: f"{m['actual']}%" if m["actual"] is not None else "Not yet reached",
                met=lambda m: m["met"] if m["met"] is not None else "",
            ),
        ),
        "phase": Table(
            caption="By phase",
            columns=share_cols,
            rows=share_rows([*summary.by_phase, summary.total]),
            csv_url=reverse("experts:engagement-csv") + "?by=phase",
        ),
        "cluster": Table(
            caption="By cluster",
            columns=share_cols,
            rows=share_rows([*summary.by_cluster, summary.total]),
            csv_url=reverse("experts:engagement-csv") + "?by=cluster",
        ),
        "settings": Table(
            caption="Each setting's latest level",
            columns=(
                Column("name", "Setting", link_key="url"),
                Column("phase", "Phase"),
                Column("cluster", "Cluster"),
                Column("level", "Level"),
                Column("as_at", "Recorded on"),
                Column("by", "Recorded by"),
            ),
            rows=rows_from(
                summary.rows,
                name=lambda r: r.establishment.name,
                url=lambda r: reverse("experts:engagement-setting", args=[r.establishment.establishment_id]),
                phase=lambda r: codes.PHASE.get(r.establishment.phase, r.establishment.phase),
                cluster=lambda r: r.establishment.cluster.name if r.establishment.cluster else "",
                level=lambda r: codes.EAH_LEVEL.get(r.level, r.level),
                as_at=lambda r: r.as_at,
                by=lambda r: r.recorded_by,
            ),
            csv_url=reverse("experts:engagement-csv") + "?by=setting",
        ),
    }


@login_required
def engagement(request, csv=False):
    _require(request.user.role in roles.ROLES)
    summary = selectors.engagement_summary()
    tables = _engagement_tables(summary)
    if csv:
        by = request.GET.get("by", "setting")
        return table_csv_response(table=tables.get(by, tables["settings"]), filename=f"engagement-{by}.csv")
    return render(
        request,
        "experts/engagement.html",
        {"summary": summary, "tables": tables, "can_record": selectors.can_manage(user=request.user)},
    )


@login_required
def engagement_setting(request, establishment_id):
    establishment = establishment_get(user=request.user, establishment_id=establishment_id)
    can_record = selectors.can_manage(user=request.user)
    form = EngagementForm(request.POST or None, initial={"as_at": date_initial(timezone.localdate())})
    if request.method == "POST":
        _require(can_record)
    recorded = _submit(
        request,
        form,
        lambda data: services.engagement_record(establishment=establishment, by=request.user, **data),
    )
    if recorded is not None:
        return redirect("experts:engagement-setting", establishment_id=establishment_id)
    history = Table(
        caption="Engagement over time",
        columns=(
            Column("as_at", "Date"),
            Column("level", "Level"),
            Column("by", "Recorded by"),
            Column("note", "Note"),
        ),
        rows=rows_from(
            selectors.engagement_history(establishment_id=establishment_id),
            as_at=lambda e: e.as_at,
            level=lambda e: codes.EAH_LEVEL.get(e.level, e.level),
            by=lambda e: selectors.recorded_by(engagement=e),
            note=lambda e: e.record.note if hasattr(e, "record") else "",
        ),
        empty_text="No engagement has been recorded for this setting.",
    )
    return render(
        request,
        "experts/engagement_setting.html",
        {
            "establishment": establishment,
            "history": history,
            "form": form if can_record else None,
            "fields": [("radios", form["level"]), ("date", form["as_at"]), ("input", form["note"])],
        },
    )


# ------------------------------------------------------------------------------------ planning meetings
@login_required
def meetings(request):
    _require(selectors.can_manage(user=request.user))
    form = MeetingForm(request.POST or None, clusters=clusters_list())
    if request.method == "POST" and form.is_valid():
        cluster = clusters_list().get(pk=form.cleaned_data["cluster"])
        meeting = services.meeting_create(
            cluster=cluster,
            meeting_date=form.cleaned_data["meeting_date"],
            notes=form.cleaned_data["notes"],
            by=request.user,
        )
        return redirect("experts:meeting-detail", meeting_id=meeting.pk)
    table = Table(
        caption="Planning meetings",
        columns=(
            Column("date", "Date", link_key="url"),
            Column("cluster", "Cluster"),
            Column("term", "Term"),
            Column("actions", "Actions", numeric=True),
        ),
        rows=rows_from(
            selectors.meetings_list(),
            date=lambda m: m.meeting_date,
            url=lambda m: reverse("experts:meeting-detail", args=[m.pk]),
            cluster=lambda m: m.cluster.name,
            term=lambda m: periods.academic_year(m.meeting_date).name,
            actions=lambda m: m.actions.count(),
        ),
        empty_text="No planning meetings yet.",
    )
    return render(
        request,
        "experts/meetings.html",
        {
            "table": table,
            "form": form,
            "fields": [
                ("select", form["cluster"]),
                ("date", form["meeting_date"]),
                ("textarea", form["notes"]),
            ],
        },
    )


@login_required
def meeting_detail(request, meeting_id):
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id, page=request.path)
    agenda = selectors.meeting_agenda(user=request.user, meeting=meeting, page=request.path)
    children = [(t.person_id, t.name) for t in agenda.transfers] + [
        (i.referral.person_id, f"{i.referral.person.surname}, {i.referral.person.forename}")
        for i in agenda.targeted_plus + agenda.at_risk
        if i.referral.person_id
    ]
    children = list(dict(children).items())
    form = ActionForm(request.POST or None, children=children)
    added = _submit(
        request,
        form,
        lambda data: services.meeting_action_add(
            meeting=meeting,
            description=data["description"],
            owner=data["owner"],
            due_date=data["due_date"],
            person=(
                person_get(user=request.user, person_id=data["person"], page=request.path)
                if data["person"]
                else None
            ),
        ),
    )
    if added is not None:
        return redirect("experts:meeting-detail", meeting_id=meeting.pk)
    tables = {
        "targeted_plus": Table(
            caption="Open Targeted Plus referrals",
            columns=_REFERRAL_COLUMNS,
            rows=_referral_rows(agenda.targeted_plus),
            empty_text="The cluster has no open Targeted Plus referrals.",
        ),
        "at_risk": Table(
            caption="Children and settings flagged at risk",
            columns=_AT_RISK_COLUMNS,
            rows=_referral_rows(agenda.at_risk),
            empty_text="No open referral in the cluster is flagged at risk.",
        ),
        "transfers": Table(
            caption=f"Moving phase in {agenda.transfer_year}",
            columns=(
                Column("name", "Child"),
                Column("setting", "Setting now"),
                Column("provision", "SEN provision"),
                Column("move", "Move"),
                Column("plan", "Transition plan", link_key="plan_url"),
            ),
            rows=rows_from(
                agenda.transfers,
                name=lambda t: t.name,
                setting=lambda t: t.setting,
                provision=lambda t: t.sen_provision,
                move=lambda t: t.move,
                plan=lambda t: "Agreed" if t.has_transition_plan else "None yet: record one",
                plan_url=lambda t: (
                    ""
                    if t.has_transition_plan
                    else reverse("experts:transition-plan", args=[t.person_id]) + f"?meeting={meeting.pk}"
                ),
            ),
            empty_text="No child with a plan or on SEN support in the cluster moves phase next year.",
        ),
        "actions": Table(
            caption="Actions",
            columns=(
                Column("description", "Action"),
                Column("owner", "Owner"),
                Column("due", "Due"),
                Column("child", "Child"),
                Column("done", "Done"),
            ),
            rows=rows_from(
                agenda.actions,
                description=lambda a: a.description,
                owner=lambda a: a.owner,
                due=lambda a: a.due_date,
                child=lambda a: f"{a.person.surname}, {a.person.forename}" if a.person else "",
                done=lambda a: a.done_date or "",
            ),
            empty_text="No actions yet.",
        ),
    }
    open_actions = [a for a in agenda.actions if not a.done_date]
    return render(
        request,
        "experts/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "tables": tables,
            "form": form,
            "open_actions": open_actions,
            "fields": [
                ("textarea", form["description"]),
                ("input", form["owner"]),
                ("date", form["due_date"]),
                ("select", form["person"]),
            ],
        },
    )


@login_required
def meeting_action_done(request, meeting_id, action_id):
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id, page=request.path)
    if request.method != "POST":
        raise Http404("Use the button on the meeting page")
    action = EahMeetingAction.objects.filter(pk=action_id, meeting=meeting).first()
    if action is None:
        raise Http404("No such action")
    services.meeting_action_complete(action=action)
    return redirect("experts:meeting-detail", meeting_id=meeting.pk)


@login_required
def transition_plan(request, person_id):
    _require(selectors.can_manage(user=request.user))
    person = person_get(user=request.user, person_id=person_id, page=request.path)
    today = timezone.localdate()
    year = periods.academic_year(periods.academic_year(today).end + dt.timedelta(days=1)).name
    form = TransitionPlanForm(request.POST or None, initial={"agreed_date": date_initial(today)})
    recorded = _submit(
        request,
        form,
        lambda data: services.transition_plan_record(
            person=person, academic_year=year, by=request.user, **data
        ),
    )
    if recorded is not None:
        meeting = request.GET.get("meeting", "")
        if meeting.isdigit():
            return redirect("experts:meeting-detail", meeting_id=int(meeting))
        return redirect("experts:meetings")
    return _form_page(
        request,
        form=form,
        heading=f"Record a transition plan for {person.forename} {person.surname}",
        button="Save transition plan",
        caption=f"Moving phase in {year}",
        fields=[("date", "agreed_date"), ("input", "receiving_setting"), ("textarea", "notes")],
    )


# ---------------------------------------------------------------------------------- demand and capacity
@login_required
def demand(request, csv=False):
    _require(request.user.role in roles.ROLES)
    suppress = roles.aggregates_suppressed(request.user.role)
    data = selectors.demand_capacity(suppress=suppress)
    tier_cols = [
        Column(f"tier_{t}", label, numeric=True)
        for t, label in [*codes.EAH_TIER.items(), ("UNTRIAGED", "Not yet triaged")]
    ]
    disc_cols = [Column(f"disc_{d}", label, numeric=True) for d, label in codes.EAH_DISCIPLINE.items()]
    weekly = Table(
        caption="Referrals received each week, by tier, against practitioner hours",
        columns=(
            Column("week", "Week beginning"),
            Column("received", "Referrals", numeric=True),
            *tier_cols,
            Column("hours_committed", "Hours a week committed", numeric=True),
            Column("hours_available", "Hours a week available", numeric=True),
        ),
        rows=data.weeks,
        csv_url=reverse("experts:demand-csv") + "?table=weekly",
    )
    by_discipline = Table(
        caption="Allocations started each week, by discipline",
        columns=(Column("week", "Week beginning"), *disc_cols),
        rows=data.weeks,
        csv_url=reverse("experts:demand-csv") + "?table=discipline",
    )
    ages = Table(
        caption="Age of the queue in working days",
        columns=(Column("band", "Waiting"), Column("referrals", "Referrals", numeric=True)),
        rows=data.age_profile,
        csv_url=reverse("experts:demand-csv") + "?table=age",
    )
    projection = Table(
        caption="The queue projected eight weeks ahead",
        columns=(
            Column("week", "Week beginning"),
            Column("projected_queue", "Referrals waiting", numeric=True),
        ),
        rows=data.projection,
        csv_url=reverse("experts:demand-csv") + "?table=projection",
    )
    tables = {"weekly": weekly, "discipline": by_discipline, "age": ages, "projection": projection}
    if csv:
        name = request.GET.get("table", "weekly")
        return table_csv_response(
            table=tables.get(name, weekly), filename=f"experts-at-hand-demand-{name}.csv"
        )
    return render(
        request,
        "experts/demand.html",
        {
            "data": data,
            "tables": tables,
            "suppress": suppress,
            "queue_now": data.queue_now,
            "weekly_chart": charts.demand_chart_svg(data.weeks, chart_id="weekly-chart"),
            "age_chart": charts.age_chart_svg(data.age_profile, chart_id="age-chart"),
            "projection_chart": charts.projection_chart_svg(
                tables["projection"].rows, chart_id="projection-chart"
            ),
        },
    )


# ---------------------------------------------------------------------------------------- family voice
def feedback(request, token):
    """The family's feedback survey: reached by the link offered when the referral closed; no sign-in."""
    invitation = selectors.feedback_invitation_get(token=token)
    if invitation is None:
        raise Http404("This feedback link is not valid")
    if invitation.completed_date:
        return render(request, "experts/feedback_done.html", {"already": True})
    form = FeedbackForm(request.POST or None)
    sent = _submit(
        request,
        form,
        lambda data: services.feedback_submit(
            token=token, scores={k: v for k, v in data.items() if k != "comment"}, comment=data["comment"]
        ),
    )
    if sent is not None:
        return render(request, "experts/feedback_done.html", {"already": False})
    fields = [("radios", key) for key in services.FEEDBACK_QUESTIONS] + [("textarea", "comment")]
    return _form_page(
        request,
        form=form,
        heading="Tell us about the support from Experts at Hand",
        button="Send feedback",
        fields=fields,
        intro="Three questions about the support your child's setting had. Your answers are "
        "anonymous in what we publish.",
    )
