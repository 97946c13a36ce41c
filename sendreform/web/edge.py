"""The web edge: refuse oversized request bodies before reading them, keep signed-in pages out of every cache,
and tell the client's address behind a trusted proxy."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

TOO_LARGE = "The file or form sent is too large: {size:,} bytes, where the limit is {limit:,} bytes."


class RequestSizeLimitMiddleware:
    """A body whose declared length is over SENDREFORM_MAX_REQUEST_BYTES is refused with 413 before any of it
    is read (first in MIDDLEWARE, so no session, CSRF or form parsing runs for it). A body sent without a
    length (chunked) is capped by Django's own DATA_UPLOAD_MAX_MEMORY_SIZE for form data as it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("The request's Content-Length is not a number.", status=400,
                                content_type="text/plain; charset=utf-8")
        limit = settings.SENDREFORM_MAX_REQUEST_BYTES
        if size > limit:
            response = HttpResponse(TOO_LARGE.format(size=size, limit=limit), status=413,
                                    content_type="text/plain; charset=utf-8")
            response["Connection"] = "close"  # the unread body must not be taken for the next request
            return response
        return self.get_response(request)


class NoStoreForSignedInMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user: a page or download that may name a
    child is never kept by the browser, a shared computer's history or a proxy. Marking every signed-in
    response, rather than each child-level view, leaves no view to be forgotten; the pages are made per user
    anyway, so nothing that could be cached is lost. Static files (WhiteNoise, earlier) are not affected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
        return response


def client_address(request) -> str:
    """The client's IP address: REMOTE_ADDR, or behind proxies listed in FORWARDED_ALLOW_IPS the nearest
    address in X-Forwarded-For that is not one of them (an address the client wrote itself is never trusted)."""
    trusted = set(settings.FORWARDED_ALLOW_IPS)
    address = request.META.get("REMOTE_ADDR", "")
    if "*" not in trusted and address not in trusted:
        return address
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_address(hop):
            break
        address = hop
        if hop not in trusted:
            break
    return address


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
