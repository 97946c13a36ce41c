"""docs/kpis.md is generated from the catalogue; this keeps it true."""

from pathlib import Path

from sendreform.metrics.docs import catalogue_markdown


def test_kpis_document_is_up_to_date():
    # Given the catalogue and Reading's plan, Then docs/kpis.md is what the generator writes
    assert Path("docs/kpis.md").read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/kpis.md is out of date: run `python -m sendreform.metrics.docs > docs/kpis.md`"
    )
