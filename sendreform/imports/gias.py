"""Establishments from a GIAS extract into the canonical `establishment` table (ADR 23), through the import
pattern; and the area's establishments written as a GIAS extract (`gias_export_csv`).

An establishment is matched by URN. A matched one takes the extract's name, LA, phase, kind, funding, UKPRN,
dates, SEN unit and resourced provision flags and capacity; it keeps what the extract does not say (whether it
is in the partnership's area, its cluster, and its specialist places unless the extract gives a unit or
resourced provision capacity). A new one is `URN<urn>`, in the area when its LA is the LA of the area's
settings already stored (else the LA most of the extract's establishments have), in no cluster.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sendreform.imports.csvsource import Checked, Preview, checked_record, preview_apply, preview_record
from sendreform.imports.services import RowIn, import_file_read
from sendreform.interchange.gias import Extract, gias_csv, gias_read, gias_type

SOURCE = "gias"
CHUNK = 500


@dataclass
class GiasMapping:
    rows: list[RowIn]
    blocked: list[str]

    def people_summary(self, *, examples: int = 10) -> dict:
        return {}  # establishments, no people


def gias_mapping(*, extract: Extract) -> GiasMapping:
    from sendreform.people.models import Establishment

    urns = sorted(e.values["urn"] for e in extract.establishments)
    stored = {}
    for i in range(0, len(urns), CHUNK):
        stored.update({s["urn"]: s["establishment_id"] for s in Establishment.objects.filter(
            urn__in=urns[i:i + CHUNK]).values("urn", "establishment_id")})
    area = set(Establishment.objects.filter(in_area=True).values_list("la_code", flat=True).distinct())
    if not area:
        top = Counter(e.values["la_code"] for e in extract.establishments).most_common(1)
        area = {top[0][0]} if top else set()
    rows = []
    for e in extract.establishments:
        urn = e.values["urn"]
        values = {**e.values, "establishment_id": stored.get(urn) or f"URN{urn}"}
        if urn not in stored:
            values.update({"in_area": values["la_code"] in area, "cluster_id": None})
            values.setdefault("specialist_places", None)
        rows.append(RowIn("establishment", values, label=f"row {e.row}: URN {urn} {values['name']}"))
    return GiasMapping(rows=rows, blocked=[])


def gias_check(*, data: bytes, file_name: str, user=None, by_name: str = "") -> Checked:
    extract = gias_read(data, name=file_name)
    return checked_record(source=SOURCE, read=extract, data=data, file_name=file_name, user=user, by_name=by_name,
                          persons=len(extract.establishments), nothing="no establishments to keep")


def gias_reopen(*, run) -> Checked:
    return Checked(run=run, read=gias_read(import_file_read(run=run), name=run.file_name))


def gias_preview(*, checked: Checked) -> Preview:
    return preview_record(checked=checked, mapping=gias_mapping(extract=checked.read))


gias_apply = preview_apply


def gias_export_csv() -> bytes:
    """Every stored establishment with a URN that GIAS lists (not PVI nurseries), as a GIAS extract."""
    from sendreform.people.models import Establishment

    rows = [e for e in Establishment.objects.filter(urn__isnull=False).order_by("urn").values()
            if gias_type(e["kind"], e["funding"])]
    return gias_csv(rows)
