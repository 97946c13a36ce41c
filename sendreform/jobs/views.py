"""A job's page (progress while it runs, then a link to its result or the reason it failed), its state as
JSON for the page to follow without reloading, and the list of jobs a user may follow."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from sendreform.jobs.selectors import jobs_visible_to


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
