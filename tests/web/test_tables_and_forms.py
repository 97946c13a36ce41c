"""The table helper behind every table and CSV, and the GOV.UK date field."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from sendreform.web.forms import GovukDateField
from sendreform.web.tables import Column, Table, csv_text, html_text, table_csv_response


def test_values_read_as_a_person_would_read_them_on_the_page():
    assert html_text(dt.date(2025, 9, 1)) == "1 September 2025"
    assert html_text(True) == "Yes"
    assert html_text(None) == ""
    assert html_text(12345) == "12,345"


def test_csv_cells_are_iso_dates_and_never_spreadsheet_formulas():
    assert csv_text(dt.date(2025, 9, 1)) == "2025-09-01"
    assert csv_text(False) == "false"
    assert csv_text("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert csv_text("-3") == "-3"
    assert csv_text("@SUM(A1)") == "'@SUM(A1)"


def test_the_csv_has_the_tables_columns_and_rows():
    table = Table(caption="Settings", columns=(Column("name", "Name"), Column("urn", "URN", numeric=True)),
                  rows=[{"name": "Oak", "urn": 1}, {"name": "Elm, West", "urn": None}])

    response = table_csv_response(table=table, filename="settings.csv")

    assert response["Content-Disposition"] == 'attachment; filename="settings.csv"'
    assert response.content.decode("utf-8-sig").splitlines() == ["Name,URN", "Oak,1", '"Elm, West",']


def test_table_cells_carry_links_and_numeric_alignment():
    table = Table(caption="C", columns=(Column("name", "Name", link_key="url"), Column("n", "N", numeric=True)),
                  rows=[{"name": "Oak", "url": "/settings/OAK/", "n": 3}])

    [[name, n]] = table.body

    assert (name.text, name.href, n.text, n.numeric) == ("Oak", "/settings/OAK/", "3", True)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_any_real_date_typed_as_day_month_year_is_read_back(day):
    field = GovukDateField(name="Date", required=False)

    assert field.clean([str(day.day), str(day.month), str(day.year)]) == day


@given(st.text(max_size=4), st.text(max_size=4), st.text(max_size=6))
def test_free_text_in_a_date_either_reads_as_a_date_or_is_refused_with_a_gov_uk_message(d, m, y):
    from django.forms import ValidationError

    field = GovukDateField(name="Date", required=False)
    try:
        value = field.clean([d, m, y])
    except ValidationError as error:
        assert error.messages[0].startswith(("Date must", "Enter date"))
    else:
        assert value is None or isinstance(value, dt.date)
