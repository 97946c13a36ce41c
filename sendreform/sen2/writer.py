"""Write a SEN2 return: header and person records -> the XML of a collection year, valid against our
schema, byte for byte the same for the same records (people sorted by UPN, ULN, name and birth date), with a
count of what was written by module.

People are written one at a time through lxml's incremental writer, so a caller can stream an England-sized
return from a generator (`sort=False`, people already in `Person.sort_key` order) without holding it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from sendreform.sen2.records import (
    ELEMENT_ORDER,
    MODULE_TYPES,
    Header,
    Person,
    element_fields,
    spec_year,
)
from sendreform.standards.periods import sen2_census_date

MODULES = ("Person", "Requests", "Assessment", "NamedPlan", "PlanDetail", "ActivePlans", "PlacementDetail",
           "SENneed")
_HEADER_GROUPS = (("CollectionDetails", 3), ("Source", None))  # the header's flat items, split into groups


@dataclass
class Summary:
    """What a written return holds: records by module, and items left out because the collection year's
    specification has no place for them (e.g. RequestSource before 2025)."""

    year: int
    counts: Counter = field(default_factory=Counter)
    left_out: Counter = field(default_factory=Counter)

    def text(self) -> str:
        lines = [f"SEN2 {self.year}: records written by module"]
        lines += [f"  {m:<16} {self.counts.get(m, 0)}" for m in MODULES]
        if self.left_out:
            lines.append(f"Items left out (not in the {self.year} specification):")
            lines += [f"  {name:<16} {n}" for name, n in sorted(self.left_out.items())]
        return "\n".join(lines) + "\n"


def header_new(*, year: int, lea: str, dmo: str, dco: str, dsco: str | None = None,
               date_time: dt.datetime, software_code: str = "sendreform", release: str | None = None,
               serial_no: str = "001") -> Header:
    """A header for `year`'s return: the census date (the third Thursday of January) as ReferenceDate."""
    return Header(collection="SEN2", year=year, reference_date=sen2_census_date(year), source_level="L",
                  lea=lea, software_code=software_code, release=release, serial_no=serial_no,
                  date_time=date_time, dmo=dmo, dco=dco, dsco=dsco if spec_year(year) >= 2025 else None)


def _text(value, kind: str) -> str:
    if kind == "flag":
        return "1" if value else "0"
    if kind == "datetime":
        return value.isoformat(timespec="seconds")
    if kind == "date":
        return value.isoformat()
    return str(value)


class _Builder:
    def __init__(self, year: int, summary: Summary):
        self.order = ELEMENT_ORDER[spec_year(year)]
        self.fields = {cls: element_fields(cls) for cls in self.order}
        self.summary = summary

    def element(self, tag: str, record) -> etree._Element:
        cls = type(record)
        elem = etree.Element(tag)
        self.summary.counts[tag] += 1
        spec = self.fields[cls]
        order = self.order[cls]
        for name in order:
            attr, kind = spec[name]
            value = getattr(record, attr)
            if value is None or value == []:
                continue
            if kind == "many":
                for child in value:
                    elem.append(self.element(name, child))
            elif kind == "one":
                elem.append(self.element(name, value))
            else:
                etree.SubElement(elem, name).text = _text(value, kind)
        self._left_out(record, order, spec)
        return elem

    def _left_out(self, record, order, spec) -> None:
        written = {spec[name][0] for name in order}
        for name, (attr, _kind) in spec.items():
            if attr not in written and getattr(record, attr) not in (None, []):
                self.summary.left_out[name] += 1

    def header(self, header: Header) -> etree._Element:
        spec = self.fields[Header]
        order = self.order[Header]
        elem = etree.Element("Header")
        groups = (order[:3], order[3:])
        for (group, _n), names in zip(_HEADER_GROUPS, groups, strict=True):
            sub = etree.SubElement(elem, group)
            for name in names:
                attr, kind = spec[name]
                value = getattr(header, attr)
                if value is not None:
                    etree.SubElement(sub, name).text = _text(value, kind)
        self._left_out(header, order, spec)
        return elem


def write_return(header: Header, persons: Iterable[Person], out: str | Path | BinaryIO, *,
                 year: int | None = None, sort: bool = True) -> Summary:
    """Write the return to `out` (a path or a binary file) as the XML of `year` (the header's by default).

    With `sort=False` the people must already be in `Person.sort_key` order (a ValueError says which is not):
    that is how a generator streams a large return out without holding it.
    """
    year = year or header.year
    if year is None:
        raise ValueError("the collection year is needed: give year= or set the header's year")
    summary = Summary(year=year)
    build = _Builder(year, summary)
    people = sorted(persons, key=Person.sort_key) if sort else persons
    target = str(out) if isinstance(out, Path) else out
    with etree.xmlfile(target, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element("Message"):
            xf.write("\n  ")
            head = build.header(header)
            etree.indent(head, space="  ", level=1)
            xf.write(head)
            xf.write("\n  ")
            with xf.element("Persons"):
                last = None
                for person in people:
                    key = person.sort_key()
                    if last is not None and key < last:
                        raise ValueError(f"people are not in order: {person.label} comes after a later one")
                    last = key
                    elem = build.element("Person", person)
                    etree.indent(elem, space="  ", level=2)
                    xf.write("\n    ")
                    xf.write(elem)
                xf.write("\n  ")
            xf.write("\n")
    if isinstance(target, str):
        with open(target, "ab") as fh:
            fh.write(b"\n")
    else:
        target.write(b"\n")
    return summary


__all__ = ["MODULES", "MODULE_TYPES", "Summary", "header_new", "write_return"]
