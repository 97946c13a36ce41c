"""A job's page (progress while it runs, then a link to its result or the reason it failed, with a button to
retry it), its state as JSON for the page to follow without reloading, and the list of jobs a user may follow."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from sendreform.jobs.models import FAILED
from sendreform.jobs.selectors import jobs_visible_to
from sendreform.jobs.services import job_retry


def _state(job) -> dict:
    return {"status": job.status, "status_label": job.status_label, "stage": job.stage, "done": job.done,
            "total": job.total, "percent": job.percent, "result_url": job.result_url, "error": job.error}


@login_required
def job_list(request):
    jobs = jobs_visible_to(user=request.user)[:200]
    return render(request, "jobs/list.html", {"jobs": jobs})


@login_required
def job_detail(request, pk):
    job = get_object_or_404(jobs_visible_to(user=request.user), pk=pk)
    return render(request, "jobs/detail.html", {"job": job, "state": _state(job)})


@login_required
def job_state(request, pk):
    job = get_object_or_404(jobs_visible_to(user=request.user), pk=pk)
    return JsonResponse(_state(job))


@require_POST
@login_required
def job_retry_view(request, pk):
    """Whoever may follow a failed job may run it again, with the same settings, on the same page."""
    job = get_object_or_404(jobs_visible_to(user=request.user), pk=pk)
    if job.status == FAILED:
        job_retry(job=job)
    return redirect("jobs:detail", pk=job.pk)
