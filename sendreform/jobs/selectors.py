"""Which jobs a user may follow: their own, and every job for the roles that see the whole area."""

from sendreform.accounts.roles import WHOLE_AREA_ROLES
from sendreform.jobs.models import Job


def jobs_visible_to(*, user):
    jobs = Job.objects.select_related("created_by")
    if user.role in WHOLE_AREA_ROLES:
        return jobs
    return jobs.filter(created_by=user)


def jobs_recent_started_by(*, user, limit: int = 5):
    """The jobs this user started most recently, for their home page."""
    return list(Job.objects.filter(created_by=user)[:limit])
