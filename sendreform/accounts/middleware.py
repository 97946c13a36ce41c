"""Records refused child-level reads in the audit log, after the view (and any transaction of it) has ended."""

from sendreform.accounts.services import AUDIT_REFUSED, ReadRefused, audit_record


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
