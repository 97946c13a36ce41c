"""The returns pages: what the partnership owes the DfE and each return's files, checks and sign-off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sendreform.accounts.services import AUDIT_EXPORT, audit_record
from sendreform.plan.planfile import PlanFileError
from sendreform.returns import selectors as sel
from sendreform.returns import services
from sendreform.returns.layout import KINDS
from sendreform.returns.models import CHECKED, DRAFT, SIGNED_OFF, Return, ReturnFile

CONTENT_TYPES = {".xlsx": services.XLSX, ".xml": "application/xml"}


def _reader(request):
    if not sel.returns_can_read(user=request.user):
        raise PermissionDenied


def _preparer(request):
    if not sel.returns_can_prepare(user=request.user):
        raise PermissionDenied


def _signer(request):
    if not sel.returns_can_sign_off(user=request.user):
        raise PermissionDenied


def _return(request, pk) -> Return:
    ret = get_object_or_404(Return, pk=pk)
    if ret not in sel.returns_visible_to(user=request.user):
        raise Http404("No such return")
    return ret


@login_required
def returns_list(request):
    _reader(request)
    problem = None
    if sel.returns_can_prepare(user=request.user):
        try:
            services.returns_sync(layout=services.layout_current())
        except PlanFileError as error:
            problem = str(error)
    items = [{"ret": r, "file": sel.latest_file(ret=r)} for r in sel.returns_visible_to(user=request.user)]
    return render(request, "returns/list.html", {
        "items": items, "problem": problem, "kinds": KINDS,
        "can_prepare": sel.returns_can_prepare(user=request.user)})


@login_required
def return_detail(request, pk):
    _reader(request)
    ret = _return(request, pk)
    latest = sel.latest_file(ret=ret) if sel.returns_can_prepare(user=request.user) else None
    return render(request, "returns/detail.html", {
        "ret": ret, "files": sel.return_files_visible_to(user=request.user, ret=ret), "latest": latest,
        "can_prepare": sel.returns_can_prepare(user=request.user),
        "can_sign_off": sel.returns_can_sign_off(user=request.user),
        "DRAFT": DRAFT, "CHECKED": CHECKED, "SIGNED_OFF": SIGNED_OFF})


@login_required
@require_POST
def return_generate(request, pk):
    _preparer(request)
    ret = _return(request, pk)
    job = services.return_generate_start(ret=ret, by=request.user)
    return redirect("jobs:detail", pk=job.pk)


def _step(request, pk, step, done: str):
    ret = _return(request, pk)
    try:
        step(ret=ret, by=request.user)
    except services.ReturnStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("returns:detail", pk=ret.pk)


@login_required
@require_POST
def return_check(request, pk):
    _preparer(request)
    return _step(request, pk, services.return_check, "Marked as checked.")


@login_required
def return_sign_off(request, pk):
    """A page that says what signing off means and asks to confirm it; the POST signs off."""
    _signer(request)
    ret = _return(request, pk)
    if request.method == "POST":
        return _step(request, pk, services.return_sign_off, "Signed off.")
    return render(request, "returns/sign_off.html", {"ret": ret, "latest": sel.latest_file(ret=ret)})


@login_required
@require_POST
def return_submit(request, pk):
    _signer(request)
    return _step(request, pk, services.return_submit, "Marked as submitted to the DfE.")


@login_required
def return_file_download(request, pk):
    """A generated file, recorded in the audit log (the SEN2 return is child-level)."""
    _reader(request)
    f = get_object_or_404(ReturnFile.objects.select_related("ret"), pk=pk)
    if f not in sel.return_files_visible_to(user=request.user, ret=_return(request, f.ret_id)) or not f.content:
        raise Http404("No such file")
    audit_record(user=request.user, action=AUDIT_EXPORT, page=request.path,
                 detail=f"{f.ret}: {f.name} (sha256 {f.sha256[:16]})")
    suffix = "." + f.name.rsplit(".", 1)[-1]
    response = HttpResponse(bytes(f.content), content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"))
    response["Content-Disposition"] = f'attachment; filename="{f.name}"'
    return response
