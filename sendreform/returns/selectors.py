"""Who may see and do what with the returns, and the returns and files each person may see."""

from __future__ import annotations

from sendreform.accounts import roles
from sendreform.jobs.models import DONE
from sendreform.returns.models import SIGNED_OFF, SUBMITTED, Return, ReturnFile

PREPARERS = frozenset({roles.OFFICER, roles.ANALYST, roles.ADMIN})  # generate and check
SIGNERS = frozenset({roles.OFFICER, roles.ADMIN})  # sign off and mark as submitted
READERS = frozenset({roles.BOARD_MEMBER, roles.PCF_REP})  # the signed-off returns, suppressed


def returns_can_read(*, user) -> bool:
    return getattr(user, "role", None) in PREPARERS | READERS


def returns_can_prepare(*, user) -> bool:
    return getattr(user, "role", None) in PREPARERS


def returns_can_sign_off(*, user) -> bool:
    return getattr(user, "role", None) in SIGNERS


def returns_visible_to(*, user) -> list[Return]:
    """Every return for the council's preparers; the signed-off and submitted ones for the board and forum."""
    qs = Return.objects.select_related("signed_off_file").order_by("due", "kind", "period")
    if not returns_can_prepare(user=user):
        qs = qs.filter(status__in=[SIGNED_OFF, SUBMITTED])
    return list(qs)


def return_files_visible_to(*, user, ret: Return) -> list[ReturnFile]:
    """The files of a return: all of them for the preparers; for the board and forum, the suppressed files made
    no later than the signed-off one (a file generated after sign-off has not been signed off)."""
    qs = ret.files.select_related("created_by", "job").defer("content")
    if returns_can_prepare(user=user):
        return list(qs)
    if ret.status not in (SIGNED_OFF, SUBMITTED) or ret.signed_off_file_id is None:
        return []
    signed = ret.signed_off_file
    return list(qs.filter(suppressed=True, status=DONE, job_id=signed.job_id))


def latest_file(*, ret: Return) -> ReturnFile | None:
    """The newest finished file of the return's own (what is checked and signed off)."""
    return ret.files.filter(status=DONE, suppressed=ret.kind == "quarterly").defer("content").first()
