"""The casework pages. Thin: each reads through `selectors`, writes through `services`, and puts a service's
ValidationError back on its form for the GOV.UK error summary; a case changed by someone else since the form
was shown answers 409 with the case as it is now and the form as it was filled in (ADR 13)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sendreform.accounts import roles
from sendreform.accounts.models import User
from sendreform.casework import forms as f
from sendreform.casework import selectors, services
from sendreform.casework.models import ASSESSMENT, Consultation
from sendreform.common.concurrency import EditConflict, edit_conflict
from sendreform.experts.forms import errors_onto
from sendreform.people.models import Establishment
from sendreform.people.selectors import person_get
from sendreform.standards import codes, ehc_clock
from sendreform.statutory.models import EhcPlan


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _works(user) -> bool:
    return user.role in roles.CASEWORK_ROLES


def _form_page(request, *, form, heading, button, fields, caption="", status=200, **extra):
    return render(request, "experts/includes/form_page.html", {
        "form": form, "heading": heading, "button": button, "caption": caption,
        "fields": [(kind, form[name]) for kind, name in fields], **extra}, status=status)


def _run(request, form, action):
    """Call `action` with the cleaned data of a posted, valid form; a service's ValidationError goes onto the
    form. Returns the action's result, or None."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except ValidationError as error:
        errors_onto(form, error)
    return None


def _case_action(request, reference, *, form_class, heading, button, fields, act, form_kwargs=None, initial=None,
                 allowed=_works, done="Saved"):
    """A form page acting on one case: the case's summary above the form, a conflict answered with 409."""
    case = selectors.case_get(user=request.user, reference=reference, page=request.path)
    _require(allowed(request.user))
    form = form_class(request.POST or None, initial={"version": case.version, **(initial or {})},
                      **(form_kwargs(case) if form_kwargs else {}))
    conflict = {}
    try:
        result = _run(request, form, lambda data: act(case, data))
    except EditConflict as exc:
        result = None
        case = selectors.case_get(user=request.user, reference=reference, page=request.path)
        by = getattr(exc, "changed_by", "")
        conflict = edit_conflict(form=form, what="case", current=exc.current, by=by,
                                 stored={name: getattr(exc.current, name, None) for name in form.fields
                                         if name != "version" and hasattr(exc.current, name)})
    if result is not None:
        messages.success(request, done)
        return redirect("casework:case", reference=case.reference)
    return _form_page(request, form=form, heading=heading, button=button, fields=fields, caption=case.reference,
                      **conflict, status=409 if conflict else 200, back_url=reverse(
                          "casework:case", args=[case.reference]),
                      intro_rows=[("Child", f"{case.person.forename} {case.person.surname}"),
                                  ("Stage", case.stage_label)])


# ----------------------------------------------------------------------------------------------- caseload
def _caseload_rows(request, *, officer, page):
    settings_choices = list(Establishment.objects.filter(in_area=True).order_by("name")
                            .values_list("establishment_id", "name"))
    form = f.CaseloadFilterForm(request.GET or None, settings_choices=settings_choices)
    data = form.cleaned_data if form.is_valid() else {}
    due = data.get("due", "")
    rows = selectors.caseload(user=request.user, page=page, officer=officer, stage=data.get("stage", ""),
                              within=int(due) if due.isdigit() else None, overdue=due == "overdue",
                              setting=data.get("setting", ""), phase=data.get("phase", ""),
                              need=data.get("need", ""), sort=data.get("sort") or "due")
    return form, [_row_cells(row) for row in rows], rows


def _row_cells(row: selectors.CaseRow) -> dict:
    """A caseload row as the table shows it, worked out here once rather than by template filters."""
    case, summary = row.case, row.summary
    days = summary.days_left
    officer = case.officer
    return {
        "reference": case.reference, "url": reverse("casework:case", args=[case.reference]),
        "child": f"{case.person.forename} {case.person.surname}", "stage": case.stage_label,
        "deadline": f"{summary.label}: {summary.due:%a %-d %b %Y}" if summary.due else "None in force",
        "days": "" if days is None else f"{-days} over" if days < 0 else str(days),
        "tag": "" if days is None or days > 7 else "govuk-tag--red" if days < 0 else "govuk-tag--orange",
        "setting": (row.setting or "None recorded") + (f" ({row.phase.lower()})" if row.phase else ""),
        "need": row.need or "Not recorded",
        "officer": (officer.get_full_name() or officer.username) if officer else "",
    }


@login_required
def caseload(request):
    """My caseload: an officer's open cases with the next legal deadline of each."""
    _require(_works(request.user))
    form, rows, _ = _caseload_rows(request, officer=request.user, page=request.path)
    return render(request, "casework/caseload.html", {
        "form": form, "rows": rows, "heading": "My caseload", "today": timezone.localdate(),
        "is_manager": request.user.role in roles.CASE_ALLOCATING_ROLES,
    })


@login_required
def team(request):
    """The team's open cases, each officer's load, and allocation (a team manager's page)."""
    _require(request.user.role in roles.CASE_ALLOCATING_ROLES)
    form, rows, case_rows = _caseload_rows(request, officer=None, page=request.path)
    return render(request, "casework/team.html", {
        "form": form, "rows": rows, "loads": selectors.team_loads(rows=case_rows), "today": timezone.localdate(),
    })


@login_required
def advice_list(request):
    """The advice asked of the signed-in practitioner."""
    details = selectors.advice_asked_of(user=request.user, page=request.path)
    ts = services.timescales()
    today = timezone.localdate()
    rows = [(d, ehc_clock.advice_due(d.advice.requested_date, ts)) for d in details]
    return render(request, "casework/advice_list.html", {
        "rows": [(d, due, (due - today).days) for d, due in rows]})


# --------------------------------------------------------------------------------------------------- case
def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _clock_rows(clock: ehc_clock.Clock):
    today = clock.today
    rows = []
    for step in clock.steps:
        status = step.status(today)
        days = step.days_left(today)
        if status in (ehc_clock.DUE, ehc_clock.OVERDUE) and days is not None:
            remark = f"{_days(days)} left" if days >= 0 else f"{_days(-days)} over"
        elif step.done and step.due and status != ehc_clock.EXCEPTION:
            diff = (step.done - step.due).days
            remark = f"{_days(-diff)} inside the limit" if diff < 0 else "on the day" if diff == 0 else \
                f"{_days(diff)} late"
        else:
            remark = ""
        rows.append({"step": step, "status": status, "remark": remark, "exception": step.exception_reason})
    return rows


@login_required
def case_detail(request, reference):
    case = selectors.case_get(user=request.user, reference=reference, page=request.path)
    clock = selectors.case_clock(case)
    advice = list(case.request.advice.all()) if case.kind == ASSESSMENT else []
    ts = services.timescales()
    user = request.user
    return render(request, "casework/case.html", {
        "case": case, "clock": _clock_rows(clock), "summary": ehc_clock.summarise(clock),
        "advice": [(a, ehc_clock.advice_due(a.requested_date, ts)) for a in advice],
        "consultations": case.consultations.all(), "notes": case.notes.select_related("by"),
        "documents": case.documents.select_related("by").defer("content"),
        "events": case.events.select_related("by"), "exceptions": case.exceptions.all(),
        "contacts": case.person.contacts.all(),
        "works": _works(user), "is_manager": user.role in roles.CASE_ALLOCATING_ROLES,
        "is_senco": user.role == roles.SENCO and case.setting_id == user.establishment_id,
        "note_form": f.NoteForm(), "document_form": f.DocumentForm(),
        "request_source": codes.REQUEST_SOURCE.get(str(case.request.request_source), "") if case.request_id else "",
    })


@login_required
def case_allocate(request, reference):
    officers = [(str(u.pk), f"{u.get_full_name() or u.username} ({u.role_label})")
                for u in selectors.casework_officers()]
    return _case_action(
        request, reference, form_class=f.AllocateForm, heading="Allocate the case", button="Allocate",
        fields=[("select", "officer")], form_kwargs=lambda case: {"officers": officers},
        allowed=lambda u: u.role in roles.CASE_ALLOCATING_ROLES, done="Case allocated",
        act=lambda case, d: services.case_allocate(case_id=case.pk, version=d["version"],
                                                   officer=get_object_or_404(User, pk=d["officer"]), by=request.user))


@login_required
def case_decide(request, reference):
    return _case_action(
        request, reference, form_class=f.DecideForm, heading="Decide whether to assess", button="Record the decision",
        fields=[("radios", "assess"), ("date", "decision_date"), ("textarea", "reason")], done="Decision recorded",
        act=lambda case, d: services.request_decide(case_id=case.pk, version=d["version"], assess=d["assess"] == "yes",
                                                    decision_date=d["decision_date"], reason=d["reason"],
                                                    by=request.user))


def _practitioners():
    return [(str(u.pk), f"{u.get_full_name() or u.username} ({u.role_label})")
            for u in User.objects.filter(is_active=True, role__in=[roles.HEALTH, roles.EAH_PRACTITIONER])
            .order_by("last_name", "first_name")]


@login_required
def case_advice(request, reference):
    def act(case, d):
        to = User.objects.filter(pk=d["addressed_to"]).first() if d["addressed_to"] else None
        return services.advice_request(case_id=case.pk, advice_type=d["advice_type"], addressee=d["addressee"],
                                       addressed_to=to, requested_date=d["requested_date"], question=d["question"],
                                       by=request.user)

    return _case_action(
        request, reference, form_class=f.AdviceForm, heading="Ask for advice", button="Ask for advice",
        fields=[("radios", "advice_type"), ("select", "addressed_to"), ("input", "addressee"),
                ("date", "requested_date"), ("textarea", "question")],
        form_kwargs=lambda case: {"practitioners": _practitioners()}, act=act, done="Advice asked for")


@login_required
def case_exception(request, reference):
    return _case_action(
        request, reference, form_class=f.ExceptionForm, heading="Record an exception to a time limit",
        button="Record the exception",
        fields=[("radios", "step"), ("select", "advice_id"), ("radios", "reason"), ("textarea", "note")],
        form_kwargs=lambda case: {"advice": [(a.advice_id, f"{codes.ADVICE_TYPE[a.advice_type]} asked "
                                              f"{a.requested_date:%-d %B %Y}") for a in case.request.advice.all()]
                                  if case.request_id else []},
        done="Exception recorded",
        act=lambda case, d: services.clock_exception_record(case_id=case.pk, step=d["step"], reason=d["reason"],
                                                            note=d["note"], advice_id=d["advice_id"],
                                                            by=request.user) or True)


@login_required
def case_draft(request, reference):
    choices = list(Establishment.objects.order_by("name").values_list("establishment_id", "name"))

    def act(case, d):
        chosen = Establishment.objects.filter(pk__in=d["settings_consulted"])
        family = set(d["family_preference"])
        return services.draft_issue(case_id=case.pk, version=d["version"], draft_date=d["draft_date"],
                                    settings_consulted=[(e, e.pk in family) for e in chosen], by=request.user)

    return _case_action(
        request, reference, form_class=f.DraftForm, heading="Issue the draft plan", button="Record the draft plan",
        fields=[("date", "draft_date"), ("checkboxes", "settings_consulted"), ("checkboxes", "family_preference")],
        form_kwargs=lambda case: {"settings_choices": choices}, act=act, done="Draft plan recorded")


@login_required
def consultation_answer(request, consultation_id):
    consultation = get_object_or_404(Consultation.objects.select_related("case"), pk=consultation_id)
    reference = consultation.case.reference
    user = request.user
    return _case_action(
        request, reference, form_class=f.ConsultationForm, heading=f"Answer for {consultation.establishment.name}",
        button="Record the answer", fields=[("radios", "response"), ("date", "response_date"), ("textarea", "note")],
        allowed=lambda u: _works(u) or (u.role == roles.SENCO and u.establishment_id == consultation.establishment_id),
        done="Answer recorded",
        act=lambda case, d: services.consultation_answer(consultation_id=consultation.pk, response=d["response"],
                                                         response_date=d["response_date"], note=d["note"],
                                                         by=user) or True)


@login_required
def case_final(request, reference):
    def act(case, d):
        if d["issue"] == "yes":
            return services.plan_finalise(case_id=case.pk, version=d["version"], issue_date=d["issue_date"],
                                          by=request.user)
        return services.plan_not_issue(case_id=case.pk, version=d["version"], decision_date=d["issue_date"],
                                       reason=d["reason"], by=request.user)

    return _case_action(
        request, reference, form_class=f.FinalForm, heading="Issue the final plan, or decide not to",
        button="Record the outcome", fields=[("radios", "issue"), ("date", "issue_date"), ("textarea", "reason")],
        act=act, done="Outcome recorded")


@login_required
def case_meeting(request, reference):
    return _case_action(
        request, reference, form_class=f.MeetingForm, heading="Record the review meeting", button="Record the meeting",
        fields=[("date", "meeting_date"), ("checkbox", "school_cannot_meet_need"), ("checkbox", "pfa_toolkit_used")],
        allowed=lambda u: _works(u) or u.role == roles.SENCO, done="Review meeting recorded",
        act=lambda case, d: services.review_meeting_record(
            case_id=case.pk, version=d["version"], meeting_date=d["meeting_date"], by=request.user,
            school_cannot_meet_need=d["school_cannot_meet_need"], pfa_toolkit_used=d["pfa_toolkit_used"]))


@login_required
def case_review_decide(request, reference):
    return _case_action(
        request, reference, form_class=f.ReviewDecideForm, heading="Record the decision after the review",
        button="Record the decision",
        fields=[("radios", "outcome"), ("date", "decision_date"), ("select", "cease_reason")], done="Decision recorded",
        act=lambda case, d: services.review_decide(case_id=case.pk, version=d["version"], outcome=d["outcome"],
                                                   decision_date=d["decision_date"], cease_reason=d["cease_reason"],
                                                   by=request.user))


@login_required
@require_POST
def case_note(request, reference):
    case = selectors.case_get(user=request.user, reference=reference, page=request.path)
    _require(_works(request.user))
    form = f.NoteForm(request.POST)
    if _run(request, form, lambda d: services.note_add(case_id=case.pk, text=d["text"], by=request.user)):
        messages.success(request, "Note added")
        return redirect("casework:case", reference=reference)
    return _form_page(request, form=form, heading="Add a note", button="Add the note", fields=[("textarea", "text")],
                      caption=reference, back_url=reverse("casework:case", args=[reference]))


@login_required
def case_document(request, reference):
    case = selectors.case_get(user=request.user, reference=reference, page=request.path)
    form = f.DocumentForm(request.POST or None, request.FILES or None)

    def act(d):
        upload = d["upload"]
        content = upload.read(services.DOCUMENT_MAX_BYTES + 1)
        return services.document_add(case_id=case.pk, kind=d["kind"], name=upload.name, content=content,
                                     by=request.user)

    done = _run(request, form, act)
    if done:
        messages.success(request, f"{done.name} added")
        return redirect("casework:case", reference=reference)
    return render(request, "casework/document_form.html", {"form": form, "case": case})


@login_required
def document_download(request, document_id):
    document = selectors.document_get(user=request.user, document_id=document_id, page=request.path)
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{document.name.replace(chr(34), "")}"'
    return response


@login_required
def advice_answer(request, advice_id):
    detail = selectors.advice_get(user=request.user, advice_id=advice_id, page=request.path)
    form = f.AdviceAnswerForm(request.POST or None, initial={"version": detail.version})
    conflict = {}
    try:
        done = _run(request, form, lambda d: services.advice_answer(
            advice_id=advice_id, version=d["version"], received_date=d["received_date"], response=d["response"],
            by=request.user))
    except EditConflict as exc:
        done = None
        conflict = edit_conflict(form=form, what="advice request", current=exc.current,
                                 stored={"response": exc.current.response})
    if done:
        messages.success(request, "Your advice has been sent to the SEND team")
        return redirect("casework:advice" if not _works(request.user) else "casework:case",
                        **({} if not _works(request.user) else {"reference": detail.case.reference}))
    due = ehc_clock.advice_due(detail.advice.requested_date, services.timescales())
    person = detail.case.person
    return _form_page(request, form=form, heading="Give your advice", button="Send the advice",
                      fields=[("date", "received_date"), ("textarea", "response")], caption=detail.case.reference,
                      **conflict, status=409 if conflict else 200, intro_rows=[
                          ("Child", f"{person.forename} {person.surname} (born {person.birth_date:%-d %B %Y})"),
                          ("Advice", codes.ADVICE_TYPE[detail.advice.advice_type]),
                          ("Asked", f"{detail.advice.requested_date:%-d %B %Y}"),
                          ("Due", f"{due:%-d %B %Y}"), ("What is asked", detail.question or "Advice on the "
                                                        "child's needs and the provision to meet them")])


# ------------------------------------------------------------------------------------------ from the child
@login_required
def request_new(request, person_id):
    """Request an EHC needs assessment from the child's record."""
    person = person_get(user=request.user, person_id=person_id, page=request.path)
    senco = request.user.role == roles.SENCO
    _require(senco or _works(request.user))
    form = f.RequestForm(request.POST or None, senco=senco)
    case = _run(request, form, lambda d: services.request_create(
        by=request.user, person=person, received_date=d["received_date"],
        request_source=2 if senco else int(d["request_source"]), evidence=d["evidence"],
        consent_given=d["consent_given"], officer=request.user if request.user.role == roles.CASEWORKER else None))
    if case is not None:
        messages.success(request, f"Request {case.reference} made: the decision whether to assess is due by "
                         f"{ehc_clock.decision_due(case.opened_date, services.timescales()):%-d %B %Y}")
        return redirect("casework:case", reference=case.reference)
    fields = ([] if senco else [("radios", "request_source")]) + [
        ("date", "received_date"), ("textarea", "evidence"), ("checkbox", "consent_given")]
    return _form_page(request, form=form, heading="Request an EHC needs assessment", button="Send the request",
                      fields=fields, caption=f"{person.forename} {person.surname}",
                      intro="The local authority must decide whether to assess within 6 weeks of receiving the "
                      "request. Once it is made you can attach evidence to the case.",
                      back_url=reverse("people:child-detail", args=[person_id]))


@login_required
def review_new(request, plan_id):
    """Start an annual review of a plan, from the child's record."""
    plan = get_object_or_404(EhcPlan, pk=plan_id)
    person = person_get(user=request.user, person_id=plan.person_id, page=request.path)
    _require(request.user.role == roles.SENCO or _works(request.user))
    year = ehc_clock.national_curriculum_year(person.birth_date, timezone.localdate())
    form = f.ReviewStartForm(request.POST or None, initial={"phase_transfer": year in (6, 11)})
    case = _run(request, form, lambda d: services.review_start(
        plan=plan, by=request.user, phase_transfer=d["phase_transfer"],
        officer=request.user if request.user.role == roles.CASEWORKER else None))
    if case is not None:
        messages.success(request, f"Review {case.reference} started")
        return redirect("casework:case", reference=case.reference)
    return _form_page(request, form=form, heading="Start an annual review", button="Start the review",
                      fields=[("checkbox", "phase_transfer")], caption=f"{person.forename} {person.surname}",
                      intro=f"The plan was issued on {plan.start_date:%-d %B %Y}. A review must be held within 12 "
                      "months of the plan's issue or the last review. For a child moving phase next September the "
                      "plan must be amended by 15 February (31 March for a move to post-16 education).",
                      back_url=reverse("people:child-detail", args=[person.person_id]))


@login_required
def contact_new(request, person_id):
    person = person_get(user=request.user, person_id=person_id, page=request.path)
    _require(_works(request.user))
    form = f.ContactForm(request.POST or None)
    contact = _run(request, form, lambda d: services.contact_save(by=request.user, person=person, **d))
    if contact is not None:
        messages.success(request, f"{contact.name} added to {person.forename}'s contacts")
        return redirect("people:child-detail", person_id=person_id)
    return _form_page(request, form=form, heading="Add a contact", button="Add the contact",
                      fields=[("input", "name"), ("input", "relationship"), ("checkbox", "parental_responsibility"),
                              ("input", "communication_needs"), ("input", "phone"), ("input", "email")],
                      caption=f"{person.forename} {person.surname}",
                      back_url=reverse("people:child-detail", args=[person_id]))
