"""Two-factor sign-in before any page, and refused child-level reads recorded in the audit log after the view
(and any transaction of it) has ended."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from sendreform.accounts.selectors import user_needs_two_factor
from sendreform.accounts.services import AUDIT_REFUSED, ReadRefused, audit_record


class TwoFactorRequiredMiddleware:
    """A signed-in user who must use two-factor sign-in (`user_needs_two_factor`) and has not yet given a code
    in this session reaches only the two-factor page and sign-out: every other request (a child's page, a
    download, the admin) is sent to the two-factor page, which comes back to it afterwards."""

    OPEN_URL_NAMES = ("accounts:two-factor", "accounts:sign-out", "accounts:sign-in")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if user_needs_two_factor(user=request.user) and not request.user.is_verified():
            open_paths = {reverse(name) for name in self.OPEN_URL_NAMES}
            if request.path not in open_paths:
                next_url = request.get_full_path() if request.method == "GET" else ""
                query = f"?{urlencode({'next': next_url})}" if next_url else ""
                return redirect(reverse("accounts:two-factor") + query)
        return self.get_response(request)


class RefusedReadAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ReadRefused):
            audit_record(user=exception.user, action=AUDIT_REFUSED, page=exception.page,
                         detail=f"asked for {exception.asked_for}")
        return None  # the 404 page is shown as for any other unknown reference
