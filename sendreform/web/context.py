"""Template context every page needs: the service and local area names and the signed-in user's navigation."""

from django.conf import settings
from django.urls import reverse

from sendreform.accounts import roles


def service(request):
    user = getattr(request, "user", None)
    return {
        "service_name": settings.SERVICE_NAME,
        "local_area_name": settings.LOCAL_AREA_NAME,
        "navigation": _navigation(user, request.path) if user is not None and user.is_authenticated else [],
    }


def _navigation(user, path: str) -> list[dict]:
    """The service navigation for this role: only pages the role can use are offered."""
    items = [("Home", reverse("web:home"))]
    if user.role in roles.LOCAL_AREA_ROLES:
        items.append(("Dashboard", reverse("indicators:overview")))
    if user.role in roles.CHILD_LEVEL_ROLES:
        items.append(("Find a child", reverse("people:child-search")))
    if user.role in roles.ROLES:
        items.append(("Settings", reverse("people:establishment-list")))
    if user.role in (roles.OFFICER, roles.ANALYST, roles.ADMIN):
        items.append(("Bring in data", reverse("imports:home")))
    if user.role == roles.ADMIN:
        items.append(("Audit log", reverse("accounts:audit-log")))
        items.append(("Reference data", reverse("admin:index")))
    home = reverse("web:home")
    return [
        {"label": label, "url": url, "current": path == url if url == home else path.startswith(url)}
        for label, url in items
    ]
