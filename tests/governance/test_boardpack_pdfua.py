"""The board pack against what PDF/UA-1 (ISO 14289-1) asks that can be checked from the file's structure.

No PDF/UA validator can run here: veraPDF is a Java program published only on its own site and Maven Central,
neither of which this machine (or CI) can reach, and neither PyPI nor Debian packages it. PyPI's small
`pdfua` package checks 16 of the profile's 106 machine-checkable rules, by its own account a triage gate and
no conformance check, so these tests check those things themselves with pypdf (docs/architecture.md).
"""

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from sendreform.governance.boardpack import board_pack_generate
from sendreform.governance.models import Board

AS_AT = dt.date(2026, 9, 30)
# Operators that put text, lines, fills, images or shadings on the page: each must be tagged or an artifact.
PAINTING = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "BI"}


def _structure(node, out: list[dict]) -> list[dict]:
    """Every structure element under a node, depth first."""
    node = node.get_object()
    kids = node.get("/K")
    if "/S" in node:
        out.append(node)
    for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "get") and kid.get("/Type") not in ("/MCR", "/OBJR"):
            _structure(kid, out)
    return out


def _marked_content(page, reader) -> tuple[int, set[int]]:
    """How many painting operators lie outside any tagged or artifact sequence, and the page's MCIDs."""
    stack, untagged, mcids = [], 0, set()
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator in (b"BDC", b"BMC"):
            props = operands[1] if operator == b"BDC" and len(operands) > 1 else {}
            mcid = props.get("/MCID") if hasattr(props, "get") else None
            if mcid is not None:
                mcids.add(int(mcid))
            stack.append(operands[0] == "/Artifact" or mcid is not None)
        elif operator == b"EMC":
            stack.pop()
        elif operator.decode("latin-1") in PAINTING and not any(stack):
            untagged += 1
    return untagged, mcids


@pytest.mark.django_db
def test_the_pack_is_tagged_as_pdf_ua_asks(reading_plan):
    # Given a pack of the SEND Strategic Partnership Board as at 30 September 2026
    board = Board.objects.get(key="send-strategic-partnership-board")
    reader = PdfReader(io.BytesIO(bytes(board_pack_generate(board=board, as_at=AS_AT, by=None).pdf)))
    root = reader.trailer["/Root"]
    title = "Board pack: SEND Strategic Partnership Board, as at 30 September 2026"

    # Then it says it is tagged, has a structure tree, and its language is British English (7.1, 7.2)
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - pypdf's BooleanObject(False) is truthy
    assert root["/Lang"] == "en-GB"
    tree = root["/StructTreeRoot"].get_object()
    # And its title is in the metadata and the viewer shows it rather than the file name (7.1)
    assert reader.metadata["/Title"] == title
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in xmp.replace("&apos;", "'")
    # And the XMP metadata identifies the file as PDF/UA-1 (5)
    assert 'pdfuaid:part="1"' in xmp

    # And every page's text, lines and figures are either tagged content or marked as artifacts (7.1),
    # each page points into the parent tree, and every marked-content id there maps to a structure element
    parents = tree["/ParentTree"].get_object()["/Nums"]
    parent_tree = {parents[i]: parents[i + 1].get_object() for i in range(0, len(parents), 2)}
    for number, page in enumerate(reader.pages, start=1):
        untagged, mcids = _marked_content(page, reader)
        assert untagged == 0, f"page {number}: {untagged} painting operators outside tagged content"
        owners = parent_tree[page["/StructParents"]]
        assert all(owners[m] is not None for m in mcids), f"page {number}: a marked-content id has no element"
        # a page with links or other annotations is read in structure order (7.18.3)
        if "/Annots" in page:
            assert page["/Tabs"] == "/S"

    # And the structure has the document's headings and tables with header cells (7.4, 7.5)
    elements = _structure(tree, [])
    kinds = [str(e["/S"]) for e in elements]
    assert kinds.count("/H1") == 1 and kinds.count("/H2") >= 7
    assert kinds.count("/Table") >= 8 and "/TH" in kinds
    # And every figure (the indicators' trend lines) has alternative text naming its trend (7.3)
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert figures and all(str(f.get("/Alt", "")).strip() for f in figures)

    # And every font is embedded (7.21.4.1)
    for number, page in enumerate(reader.pages, start=1):
        for name, font in page["/Resources"]["/Font"].items():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if font["/Subtype"] == "/Type0" else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), f"page {number}: {name} not embedded"
