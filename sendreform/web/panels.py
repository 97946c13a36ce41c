"""The panels of the home pages: each role's main job, as a few panels under the page's headline figures.

A panel is made by a function `(user, on) -> Panel | None` registered for roles with `home_panel`. Any app adds
its own panel to a role's home without changing this module or the template: register it from its AppConfig's
`ready()` (`home_panel(roles.SENCO, order=30)(my_panel)`), and it is shown in `order` (lower first) among the rest.
A panel reads through the same scoped selectors as the app's pages; one that shows children records the read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from sendreform.accounts import roles
from sendreform.web.tables import Table


@dataclass(frozen=True)
class Line:
    """One line of a panel: what, and optionally a link, a tag (GOV.UK tag class and its text)."""

    text: str
    url: str = ""
    tag: str = ""
    tag_class: str = ""


@dataclass
class Panel:
    heading: str
    intro: str = ""
    lines: list[Line] = field(default_factory=list)
    table: Table | None = None
    rag_counts: list[dict] = field(default_factory=list)
    links: list[Line] = field(default_factory=list)
    empty: str = ""
    key: str = ""  # an id for the panel's heading, so a page can link to it


PanelMaker = Callable[[object, dt.date], Panel | None]
_PANELS: dict[str, list[tuple[int, PanelMaker]]] = defaultdict(list)


def home_panel(*for_roles: str, order: int = 50) -> Callable[[PanelMaker], PanelMaker]:
    """Register a panel maker for these roles' home pages (a decorator)."""

    def register(maker: PanelMaker) -> PanelMaker:
        for role in for_roles:
            if maker not in [m for _, m in _PANELS[role]]:
                _PANELS[role].append((order, maker))
                _PANELS[role].sort(key=lambda pair: pair[0])
        return maker

    return register


def home_panels(*, user, on: dt.date) -> list[Panel]:
    """The panels of this user's home, in order; a maker that has nothing to show returns None."""
    panels = []
    for _, maker in _PANELS.get(getattr(user, "role", ""), []):
        panel = maker(user, on)
        if panel is not None:
            panels.append(panel)
    return panels


def dashboard_link() -> Line:
    return Line("The inclusion dashboard: every indicator against the plan", reverse("indicators:overview"))


# Roles that see the plan's indicators (the dashboard); the regional analyst sees published statistics only.
DASHBOARD_ROLES = roles.LOCAL_AREA_ROLES
