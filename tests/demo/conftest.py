"""The synthetic Reading area, generated once for the whole demo test session."""

import datetime as dt

import pandas as pd
import pytest

from sendreform.demo.generator import generate_area

AS_AT = dt.date(2026, 11, 28)


@pytest.fixture(scope="session")
def reading():
    """Reading's synthetic tables (seed 870, as at 28 November 2026) as Arrow tables."""
    return generate_area(seed=870, as_at=AS_AT)


@pytest.fixture(scope="session")
def frames(reading):
    """The same tables as pandas DataFrames (dates as datetime.date)."""
    return {name: table.to_pandas() for name, table in reading.items()}


@pytest.fixture(scope="session")
def small_area():
    """A tenth of Reading, for loading into the database."""
    return generate_area(seed=870, as_at=AS_AT, scale=0.1)


def open_on(frame: pd.DataFrame, day: dt.date, start: str = "start_date", end: str = "end_date") -> pd.DataFrame:
    """Rows whose episode is open on `day` (start on or before, end null or after)."""
    return frame[(frame[start] <= day) & (frame[end].isna() | (frame[end] > day))]
