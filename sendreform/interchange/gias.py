"""Establishments from a GIAS (Get Information About Schools) CSV extract, read and checked, and written.

The extract is GIAS's "all establishment data" download (or any extract with its column names): one row per
establishment. sendreform reads `URN`, `LA (code)`, `EstablishmentName`, `TypeOfEstablishment (code)`,
`PhaseOfEducation (code)` (all required), and `UKPRN`, `OpenDate`, `CloseDate` (dd-mm-yyyy),
`SchoolCapacity`, `TypeOfResourcedProvision (name)`, `ResourcedProvisionCapacity` and `SenUnitCapacity`
when present. Each type of establishment is mapped to the canonical kind and funding (`TYPES`); a type
sendreform does not keep (offshore schools, higher education, Welsh establishments, ...) is left out as a
query. Every problem names the file, row, column and reason. Nothing here knows a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sendreform.interchange.csvfiles import QUERY, Findings, Problem, RowReader, csv_bytes

# TypeOfEstablishment (code) -> (kind, funding), from GIAS's list of establishment types.
TYPES = {
    "01": ("MAINSTREAM", "MAINTAINED"), "02": ("MAINSTREAM", "MAINTAINED"), "03": ("MAINSTREAM", "MAINTAINED"),
    "05": ("MAINSTREAM", "MAINTAINED"), "06": ("MAINSTREAM", "ACADEMY"), "07": ("SPECIAL", "MAINTAINED"),
    "08": ("SPECIAL", "NON_MAINTAINED"), "10": ("SPECIAL", "INDEPENDENT"), "11": ("MAINSTREAM", "INDEPENDENT"),
    "12": ("SPECIAL", "MAINTAINED"), "14": ("AP", "MAINTAINED"), "15": ("MAINSTREAM", "MAINTAINED"),
    "18": ("FE", "FE_COLLEGE"), "28": ("MAINSTREAM", "ACADEMY"), "31": ("FE", "FE_COLLEGE"),
    "32": ("SPECIALIST_POST16", "INDEPENDENT"), "33": ("SPECIAL", "ACADEMY"), "34": ("MAINSTREAM", "ACADEMY"),
    "35": ("MAINSTREAM", "ACADEMY"), "36": ("SPECIAL", "ACADEMY"), "38": ("AP", "ACADEMY"),
    "39": ("MAINSTREAM", "ACADEMY"), "40": ("MAINSTREAM", "ACADEMY"), "41": ("MAINSTREAM", "ACADEMY"),
    "42": ("AP", "ACADEMY"), "43": ("AP", "ACADEMY"), "44": ("SPECIAL", "ACADEMY"), "45": ("MAINSTREAM", "ACADEMY"),
    "46": ("MAINSTREAM", "ACADEMY"),
}
NOT_KEPT = {"24": "Secure units", "25": "Offshore schools", "26": "Service children's education",
            "27": "Miscellaneous", "29": "Higher education institutions", "30": "Welsh establishment",
            "37": "British schools overseas", "49": "Online provider",
            "56": "Institution funded by other government department", "57": "Academy secure 16 to 19"}
# PhaseOfEducation (code) -> phase; 0 (not applicable) takes the kind's.
PHASES = {"0": None, "1": "EY", "2": "PRIMARY", "3": "PRIMARY", "4": "SECONDARY", "5": "SECONDARY", "6": "POST16",
          "7": "ALL_THROUGH"}
REQUIRED = ("URN", "LA (code)", "EstablishmentName", "TypeOfEstablishment (code)", "PhaseOfEducation (code)")
COLUMNS = (*REQUIRED, "UKPRN", "OpenDate", "CloseDate", "SchoolCapacity", "TypeOfResourcedProvision (name)",
           "ResourcedProvisionCapacity", "SenUnitCapacity")
_UNIT, _RP = "SEN unit", "Resourced provision"


@dataclass
class Establishment:
    row: int
    values: dict  # canonical columns; specialist_places only when the extract gives a unit or RP capacity


@dataclass
class Extract(Findings):
    establishments: list[Establishment] = field(default_factory=list)
    read: int = 0

    def summary(self, name: str) -> str:
        return (f"{name}: GIAS extract, {self.read:,} establishments read, {len(self.establishments):,} kept; "
                + self.verdict("extract"))


def gias_read(data: bytes, *, name: str) -> Extract:
    extract = Extract()
    seen: dict[int, int] = {}
    for n, values in extract.rows(data, file=name, required=REQUIRED) or []:
        extract.read += 1
        row = RowReader(extract.problems, name, n, values, who=values.get("establishmentname", ""))
        urn = row.number("URN")
        if urn is not None and urn in seen:
            row.fail("URN", f"URN {urn} is on row {seen[urn]} too", "DUPLICATE_URN")
        if urn is not None:
            seen[urn] = n
        la = row.text("LA (code)")
        if la and not (la.isdigit() and len(la) == 3):
            row.fail("LA (code)", "a local authority code is 3 digits", "BAD_LA")
        type_code = row.text("TypeOfEstablishment (code)").zfill(2)
        if type_code in NOT_KEPT:
            extract.problems.append(Problem(name, n, "TypeOfEstablishment (code)", type_code,
                                            f"{NOT_KEPT[type_code]}: not a setting sendreform keeps, left out",
                                            "TYPE_NOT_KEPT", severity=QUERY))
            continue
        if type_code not in TYPES:
            row.fail("TypeOfEstablishment (code)", f"{type_code!r} is not a GIAS type of establishment sendreform "
                     "knows", "UNKNOWN_CODE")
        phase_code = row.code("PhaseOfEducation (code)", PHASES, what="GIAS phase of education")
        ukprn = row.number("UKPRN", required=False)
        opened = row.date("OpenDate", required=False)
        closed = row.date("CloseDate", required=False)
        capacity = row.number("SchoolCapacity", required=False)
        unit_places = row.number("SenUnitCapacity", required=False)
        rp_places = row.number("ResourcedProvisionCapacity", required=False)
        provision = values.get("typeofresourcedprovision(name)", "")
        name_ = row.text("EstablishmentName")
        if not row.ok:
            continue
        kind, funding = TYPES[type_code]
        phase = PHASES[phase_code] or {"FE": "POST16", "SPECIALIST_POST16": "POST16"}.get(kind, "ALL_THROUGH")
        values_out = {
            "urn": urn, "ukprn": ukprn, "name": name_[:200], "la_code": la, "phase": phase, "kind": kind,
            "funding": funding, "has_sen_unit": _UNIT.casefold() in provision.casefold() or bool(unit_places),
            "has_resourced_provision": _RP.casefold() in provision.casefold() or bool(rp_places),
            "capacity": capacity, "open_date": opened, "close_date": closed}
        if unit_places is not None or rp_places is not None:
            values_out["specialist_places"] = (unit_places or 0) + (rp_places or 0)
        extract.establishments.append(Establishment(row=n, values=values_out))
    return extract


_TYPE_OF = {("MAINSTREAM", "MAINTAINED"): "01", ("MAINSTREAM", "ACADEMY"): "34", ("MAINSTREAM", "INDEPENDENT"): "11",
            ("SPECIAL", "MAINTAINED"): "07", ("SPECIAL", "ACADEMY"): "44", ("SPECIAL", "NON_MAINTAINED"): "08",
            ("SPECIAL", "INDEPENDENT"): "10", ("AP", "MAINTAINED"): "14", ("AP", "ACADEMY"): "42",
            ("FE", "FE_COLLEGE"): "18", ("SPECIALIST_POST16", "INDEPENDENT"): "32"}
_PHASE_OF = {"EY": "1", "PRIMARY": "2", "SECONDARY": "4", "POST16": "6", "ALL_THROUGH": "7"}


def gias_type(kind: str, funding: str) -> str | None:
    """The GIAS type an establishment is written as; None for one GIAS does not list (a PVI nursery)."""
    return _TYPE_OF.get((kind, funding))


def gias_csv(establishments: list[dict]) -> bytes:
    """Establishments (canonical columns, each with a GIAS type) as a GIAS extract with the columns read."""

    def day(value: dt.date | None) -> str:
        return f"{value:%d-%m-%Y}" if value else ""

    rows = []
    for e in establishments:
        provision = " and ".join(t for t, on in ((_RP, e["has_resourced_provision"]), (_UNIT, e["has_sen_unit"]))
                                 if on) or "Not applicable"
        places = e["specialist_places"] if e["has_sen_unit"] or e["has_resourced_provision"] else None
        rows.append([e["urn"], e["la_code"], e["name"], gias_type(e["kind"], e["funding"]), _PHASE_OF[e["phase"]],
                     e["ukprn"], day(e["open_date"]), day(e["close_date"]), e["capacity"], provision,
                     places if e["has_resourced_provision"] and not e["has_sen_unit"] else None,
                     places if e["has_sen_unit"] else None])
    return csv_bytes(list(COLUMNS), rows)
