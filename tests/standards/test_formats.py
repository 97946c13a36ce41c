"""The one formatter every page, CSV title, email and the board pack use."""

import datetime as dt
from decimal import Decimal

import pytest

from sendreform.standards import formats


@pytest.mark.parametrize(("value", "text"), [(46591, "46,591"), (Decimal("1204"), "1,204"), (12.5, "12.5"),
                                             (None, ""), ("c", "c")])
def test_numbers_have_thousands_separators(value, text):
    assert formats.number(value) == text


def test_money_percentages_and_units():
    assert formats.money(42100) == "£42,100"
    assert formats.money(-200) == "-£200"
    assert formats.money_from_pence(1250050) == "£12,500.50"
    assert formats.percent(83.66) == "83.7%"
    assert formats.in_unit(1500000, "pounds") == "£1,500,000"
    assert formats.in_unit(53.64, "days") == "53.6 days"
    assert formats.in_unit(None, "count") == "No data"


def test_dates_in_words_without_a_leading_zero():
    assert formats.date_words(dt.date(2025, 9, 1)) == "1 September 2025"
    assert formats.datetime_words(dt.datetime(2026, 12, 7, 9, 5)) == "7 December 2026 09:05"


@pytest.mark.parametrize(("seconds", "text"), [
    (0.2, "less than a second"), (1, "1 second"), (25, "25 seconds"), (65, "1 minute 5 seconds"),
    (120, "2 minutes"), (25 * 60 + 20, "25 minutes"), (2 * 3600 + 5 * 60, "2 hours 5 minutes"),
    (dt.timedelta(days=3, hours=4), "3 days 4 hours"),
])
def test_durations_in_words_that_fit(seconds, text):
    # "Finished in 0 minutes" was what a 25-second job said.
    assert formats.duration_words(seconds) == text


def test_a_wait_is_rounded_up():
    assert formats.wait_words(0.3) == "1 second"
    assert formats.wait_words(121) == "3 minutes"
