"""Read a SEN2 file as a stream: the header, then one person at a time, each checked against our schema of
the collection year, in memory that does not grow with the file (an England-sized return of several GB
reads in the same few tens of MB as a local area's).

lxml's iterparse builds one `Person` element at a time; it is checked against the schema's global `Person`
element, turned into records, then cleared and dropped from the tree. A person whose structure fails the
schema is reported (each schema message with its line and element path) and not returned: the rules need
well-formed records. Element names are matched without regard to letter case or namespace (case
management systems differ, e.g. `SENsetting` and `SENSetting`); the records keep the names of our schema.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from sendreform.sen2.records import (
    COLLECTION_YEARS,
    ELEMENT_ORDER,
    MODULE_TYPES,
    Header,
    Person,
    Return,
    element_fields,
    spec_year,
)
from sendreform.sen2.report import ERROR, Issue

PERSON_PATH = "/Message/Persons/Person"


@cache
def schema(year: int) -> etree.XMLSchema:
    """Our XSD of a collection year (years after 2026 use 2026's)."""
    name = f"sen2_{spec_year(year)}.xsd"
    with resources.files("sendreform.sen2").joinpath("schemas", name).open("rb") as fh:
        return etree.XMLSchema(etree.parse(fh))


@cache
def _canonical_names(year: int) -> dict[str, str]:
    """Lower-case element name -> the name our schema of `year` uses, for every element it knows."""
    names = {"message", "header", "persons", "person", "collectiondetails", "source"}
    out = {n: n.capitalize() if n != "collectiondetails" else "CollectionDetails" for n in names}
    for order in ELEMENT_ORDER[spec_year(year)].values():
        out.update({name.lower(): name for name in order})
    return out


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if tag[0] == "{" else tag


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def _datetime(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


_CONVERT = {
    "str": lambda text: text,
    "date": _date,
    "datetime": _datetime,
    "int": int,
    "flag": lambda text: text == "1",
}
_FIELDS = {cls: element_fields(cls) for cls in (*MODULE_TYPES.values(), Person, Header)}


def _record(cls: type, elem: etree._Element, path: str):
    """The record of `cls` held by an element the schema accepted, with its children's records."""
    spec = _FIELDS[cls]
    values: dict = {}
    lines: dict[str, int] = {}
    counts: dict[str, int] = {}
    for child in elem:  # comments and processing instructions were dropped by the parser
        tag = child.tag
        name, kind = spec[tag]
        if kind == "many":
            n = counts[tag] = counts.get(tag, 0) + 1
            values.setdefault(name, []).append(_record(MODULE_TYPES[tag], child, f"{path}/{tag}[{n}]"))
        elif kind == "one":
            values[name] = _record(MODULE_TYPES[tag], child, f"{path}/{tag}")
        else:
            text = child.text
            values[name] = _CONVERT[kind](text.strip()) if text and not text.isspace() else None
            lines[tag] = child.sourceline
    return cls(**values, line=elem.sourceline, path=path, lines=lines)


def _header_record(elem: etree._Element) -> Header:
    """The header's two groups (CollectionDetails, Source) as one record."""
    spec = _FIELDS[Header]
    values: dict = {}
    lines: dict[str, int] = {}
    for group in elem:
        if not isinstance(group.tag, str):
            continue
        for child in group:
            if not isinstance(child.tag, str) or child.tag not in spec:
                continue
            name, kind = spec[child.tag]
            text = (child.text or "").strip()
            try:
                values[name] = _CONVERT[kind](text) if text else None
            except ValueError:  # already reported by the schema check; the header is still read
                values[name] = None
            lines[child.tag] = child.sourceline
    return Header(**values, line=elem.sourceline, path="/Message/Header", lines=lines)


_NOT_EXPECTED = re.compile(r"Element '(\w+)': This element is not expected\. Expected is (?:one of )?\( (.+) \)\.")
_MISSING = re.compile(r"Element '(\w+)': Missing child element\(s\)\. Expected is (?:one of )?\( (.+) \)\.")
_BAD_VALUE = re.compile(r"Element '(\w+)': '(.*)' is not a valid value of the (?:atomic|local atomic) type '([^']+)'\.")
_FACET = re.compile(r"Element '(\w+)': \[facet '(\w+)'\] The value '(.*?)'")
_TYPES = {"xs:date": "a date written YYYY-MM-DD", "xs:dateTime": "a date and time written YYYY-MM-DDThh:mm:ss",
          "flag": "0 or 1", "rank": "a rank 1 to 9", "year": "a four-digit year", "serial": "three digits"}


def _plain(message: str) -> tuple[str, str]:
    """A schema message in plain English, and the value it found (when it names one)."""
    if m := _NOT_EXPECTED.match(message):
        return f"{m[1]} is not expected here: the next item allowed is {m[2].replace(', ', ' or ')}.", ""
    if m := _MISSING.match(message):
        return f"{m[1]} is incomplete: {m[2].replace(', ', ' or ')} is missing.", ""
    if m := _BAD_VALUE.match(message):
        kind = _TYPES.get(m[3], f"of type {m[3]}")
        return f"{m[1]} must be {kind}.", m[2]
    if m := _FACET.match(message):
        return f"{m[1]} does not have the allowed form ({m[2]}).", m[3]
    return message, ""


class Reader:
    """A SEN2 file read one person at a time.

    Iterate it for the people whose structure is valid; `header`, `year` and `issues` (the structural
    failures, in file order) fill in as it goes. `year`, when given, is the collection year the file must
    be; otherwise the header's `Year` says which schema to use.
    """

    def __init__(self, source: str | Path | BinaryIO, *, year: int | None = None, name: str | None = None):
        self.source = source
        self.name = name or (str(source) if isinstance(source, str | Path) else getattr(source, "name", "file"))
        self.expected_year = year
        self.year: int | None = None
        self.header: Header | None = None
        self.issues: list[Issue] = []
        self.persons_read = 0  # every Person element, valid or not
        self.persons_rejected = 0  # those that failed the schema
        self.fatal = False  # the file could not be read to its end
        self._persons_elem: etree._Element | None = None

    @property
    def held(self) -> int:
        """How many Person elements the parsed tree holds now: the one being read and those the parser has read
        ahead in its buffer, never the ones already returned, whatever the file's size."""
        if self._persons_elem is None:
            return 0
        return sum(1 for child in self._persons_elem if isinstance(child.tag, str))

    def _issue(self, rule: str, message: str, *, path: str = "", line: int | None = None, value: str = "",
               person: str = "") -> None:
        self.issues.append(Issue(rule=rule, severity=ERROR, message=message, person=person, path=path, line=line,
                                 value=value))

    def __iter__(self) -> Iterator[Person]:
        source = str(self.source) if isinstance(self.source, Path) else self.source
        events = etree.iterparse(source, events=("end",), tag=("{*}Header", "{*}Person"), huge_tree=True,
                                 remove_comments=True, remove_pis=True, resolve_entities=False, no_network=True)
        try:
            for _event, elem in events:
                local = _local(elem.tag)
                if local == "Header":
                    if not self._header_read(elem):
                        return
                    continue
                if self.header is None:
                    self.fatal = True
                    self._issue("XML_STRUCTURE", "The file has no Header before its first Person.",
                                path=PERSON_PATH, line=elem.sourceline)
                    return
                parent = elem.getparent()
                if _local(parent.tag) != "Persons":
                    self._stray(elem, f"/{_local(parent.tag)}", "a Person belongs inside Message/Persons")
                    parent.remove(elem)  # reported once, and not held
                    continue
                self.persons_read += 1
                person = self._person_read(elem, self.persons_read)
                elem.clear(keep_tail=True)
                self._persons_elem = parent
                while elem.getprevious() is not None:  # drop what comes before this person
                    first = parent[0]
                    if isinstance(first.tag, str) and _local(first.tag) != "Person":
                        self._stray(first, "/Message/Persons", "only Person elements belong in Persons")
                    del parent[0]
                if person is not None:
                    yield person
        except etree.XMLSyntaxError as exc:
            self.fatal = True
            self._issue("XML_SYNTAX", f"The file is not well-formed XML: {exc.msg}", line=exc.lineno)
            return
        self._strays_left(events.root)
        if self.header is None and not self.fatal:
            self.fatal = True
            self._issue("XML_STRUCTURE", "The file has no SEN2 Header (Message/Header).", path="/Message/Header")

    def _stray(self, elem: etree._Element, where: str, rule: str) -> None:
        """Report an element the return has no place for; nothing in it is read."""
        name = _local(elem.tag)
        self._issue("XML_STRUCTURE", f"{name} is not part of a SEN2 return here ({rule}); it was not read.",
                    path=f"{where}/{name}", line=elem.sourceline)

    def _strays_left(self, root: etree._Element | None) -> None:
        """After the last person: elements of Message other than Header and Persons, and of Persons other
        than Person, that are still in the tree."""
        if root is None or self.fatal:
            return
        for child in root:
            if isinstance(child.tag, str):
                if _local(child.tag) == "Persons":
                    for item in child:
                        if isinstance(item.tag, str) and _local(item.tag) != "Person":
                            self._stray(item, "/Message/Persons", "only Person elements belong in Persons")
                elif _local(child.tag) != "Header":
                    self._stray(child, "/Message", "Message holds Header and Persons")

    def _header_read(self, elem: etree._Element) -> bool:
        """Check and keep the header; False when the file cannot be read further."""
        root = elem.getparent()
        if root is None or _local(root.tag).lower() != "message":
            self.fatal = True
            self._issue("XML_STRUCTURE", "A SEN2 file's outermost element is Message, holding Header and Persons.",
                        path="/" + (_local(root.tag) if root is not None else "Header"), line=elem.sourceline)
            return False
        text = (elem.findtext("{*}CollectionDetails/{*}Year") or "").strip()
        year = int(text) if text.isdigit() else None
        if self.expected_year is not None:
            if year is not None and year != self.expected_year:
                self._issue("HEADER_YEAR", f"The header says collection year {year}, but the file was checked as "
                            f"{self.expected_year}.", path="/Message/Header/CollectionDetails/Year",
                            line=elem.sourceline, value=text)
            year = self.expected_year
        if year is None or year < COLLECTION_YEARS[0]:
            self.fatal = True
            self._issue("HEADER_YEAR", f"The header's collection year must be {COLLECTION_YEARS[0]} or later "
                        "(give the year with --year if the header has none).",
                        path="/Message/Header/CollectionDetails/Year", line=elem.sourceline, value=text)
            return False
        self.year = year
        self._names_normalise(elem)
        self._valid(elem, "/Message/Header", "")  # a header that fails is reported; the people are still read
        self.header = _header_record(elem)
        return True

    def _names_normalise(self, elem: etree._Element) -> None:
        names = _canonical_names(self.year)
        known = set(names.values())
        for el in elem.iter():
            tag = el.tag
            if isinstance(tag, str) and tag not in known:
                el.tag = names.get(_local(tag).lower(), _local(tag))

    def _valid(self, elem: etree._Element, path: str, person: str) -> bool:
        xsd = schema(self.year)
        try:
            if xsd.validate(elem):
                return True
        except etree.XMLSchemaValidateError:  # libxml2 gives up on, e.g., an unresolved entity reference
            self._issue("SCHEMA", f"{_local(elem.tag)} could not be checked against the schema: it holds something "
                        "a SEN2 file never does, such as an entity reference (&name;).", path=path,
                        line=elem.sourceline, person=person)
            return False
        root = "/" + elem.tag
        for err in xsd.error_log:
            message, value = _plain(err.message)
            where = err.path or root
            where = path + where[len(root):] if where.startswith(root) else where
            self._issue("SCHEMA", message, path=where, line=err.line, value=value, person=person)
        return False

    def _person_read(self, elem: etree._Element, index: int) -> Person | None:
        path = f"{PERSON_PATH}[{index}]"
        # Names are put in our schema's spelling only when the person fails as written (most files never do).
        if not _passes(schema(self.year), elem):
            self._names_normalise(elem)
            if not self._valid(elem, path, _raw_label(elem)):
                self.persons_rejected += 1
                return None
        return _record(Person, elem, path)


def _passes(xsd: etree.XMLSchema, elem: etree._Element) -> bool:
    try:
        return xsd.validate(elem)
    except etree.XMLSchemaValidateError:
        return False


def _raw_label(elem: etree._Element) -> str:
    """Who a person element is about, read straight from it (for one whose structure failed)."""
    return Person(surname=elem.findtext("Surname"), forename=elem.findtext("Forename"), upn=elem.findtext("UPN"),
                  unique_learner_number=elem.findtext("UniqueLearnerNumber")).label


def read_return(source: str | Path | BinaryIO, *, year: int | None = None) -> tuple[Return | None, list[Issue]]:
    """A whole (local-area-sized) file in memory, with its structural issues; None when it has no header."""
    reader = Reader(source, year=year)
    persons = list(reader)
    if reader.header is None:
        return None, reader.issues
    return Return(header=reader.header, persons=persons), reader.issues
