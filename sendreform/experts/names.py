"""Practitioners by name: pages, the timeline and emails show a person, never an id like 870-EAH02."""

from __future__ import annotations

from collections.abc import Iterable

from sendreform.accounts.models import User
from sendreform.experts.models import EahPractitioner


def practitioner_names(ids: Iterable[str] | None = None) -> dict[str, str]:
    """Each practitioner's name by id: the registered name, else the name of the account linked to the id; an
    id seen only on an imported involvement is missing, and callers show the id itself."""
    users = User.objects.exclude(practitioner_id="")
    registered = EahPractitioner.objects.all()
    if ids is not None:
        ids = set(ids)
        users, registered = users.filter(practitioner_id__in=ids), registered.filter(pk__in=ids)
    names = {u.practitioner_id: u.get_full_name() or u.username for u in users}
    names.update({p.practitioner_id: p.name for p in registered})
    return names
