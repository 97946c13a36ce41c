"""Template context every page needs: the service and local area names and the signed-in user's navigation."""

from django.conf import settings
from django.urls import reverse

from sendreform.accounts import roles


def service(request):
    user = getattr(request, "user", None)
    return {
        "service_name": settings.SERVICE_NAME,
        "local_area_name": settings.LOCAL_AREA_NAME,
        "navigation": _navigation(user, request) if user is not None and user.is_authenticated else [],
    }


def _navigation(user, request) -> list[dict]:
    """The service navigation for this role, its one source: only pages the role can use are offered, and the
    item of the page's own area is marked current (by the page's address, or by its URL namespace)."""
    local = user.role in roles.LOCAL_AREA_ROLES
    items = [("Home", reverse("web:home"), ())]
    if user.role in roles.CHILD_LEVEL_ROLES:
        items.append(("Find a child", reverse("people:child-search"), ()))
    if user.role in roles.ROLES:
        items.append(("Settings", reverse("people:establishment-list"), ()))
    if user.role in (roles.OFFICER, roles.ANALYST, roles.ADMIN):
        items.append(("Bring in data", reverse("imports:home"), ()))
    if user.role in (roles.OFFICER, roles.ANALYST, roles.ADMIN, roles.BOARD_MEMBER, roles.PCF_REP):
        items.append(("Returns", reverse("returns:list"), ("returns",)))
    if user.role == roles.ADMIN:
        items.append(("Audit log", reverse("accounts:audit-log"), ()))
        items.append(("Reference data", reverse("admin:index"), ()))
    if local:
        items.append(("Indicators", reverse("indicators:overview"), ("indicators",)))
        items.append(("Experts at Hand", reverse("experts:index"), ("experts",)))
        items.append(("Plan", reverse("plan:overview"), ("plan", "governance")))
    if user.role:
        items.append(("Benchmarking", reverse("published:benchmarking"), ("published",)))
    if local:
        items.append(("Forecasts", reverse("forecasting:runs"), ("forecasting",)))
    home, path = reverse("web:home"), request.path
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match is not None else ""
    return [
        {"label": label, "url": url,
         "current": namespace in spaces if spaces else (path == url if url == home else path.startswith(url))}
        for label, url, spaces in items
    ]
