"""`sendreform population load` replaces the years a file holds and keeps the rest; a bad file changes nothing.
`sendreform population convert` writes the canonical population.csv."""

import csv

import pytest

from sendreform.cli.main import main
from sendreform.places.models import Population


def mye(path, *, bad_row=False):
    """Mid-year estimates for 2025 (the January 2026 census): males 300 + a, females 290 + a."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["ladcode23", "laname23", "country", "sex", "age", "population_2025"])
        for sex in (1, 2):
            for age in range(91):
                value = (300 if sex == 1 else 290) + age
                writer.writerow(["E06000038", "Reading", "E", sex, age, "" if bad_row and (sex, age) == (2, 4) else value])
    return path


@pytest.fixture
def stored():
    Population.objects.bulk_create([Population(year=y, age=a, population=100) for y in (2025, 2026) for a in range(26)])


@pytest.mark.django_db
def test_loading_replaces_the_files_years_and_keeps_the_others(stored, tmp_path, capsys):
    assert main(["population", "load", str(mye(tmp_path / "mye.csv"))]) == 0
    # January 2026 now holds the file's persons (age 4: 304 + 294); January 2025 is as it was
    assert Population.objects.get(year=2026, age=4).population == 598
    assert set(Population.objects.filter(year=2025).values_list("population", flat=True)) == {100}
    out = capsys.readouterr().out
    assert "ONS mid-year estimates for area E06000038: ages 0 to 25 for the January censuses of 2026 (26 rows)" in out
    assert "0 added, 26 changed, 0 unchanged" in out


@pytest.mark.django_db
def test_a_bad_file_changes_nothing_and_says_where(stored, tmp_path, capsys):
    path = mye(tmp_path / "mye.csv", bad_row=True)
    assert main(["population", "load", str(path)]) == 2
    # Females aged 4 are the 96th row of data (91 males first), on line 97
    assert f"{path}, row 96 (line 97), column population_2025: is empty; nothing was changed" in capsys.readouterr().err
    assert set(Population.objects.values_list("population", flat=True)) == {100}


def test_convert_writes_the_canonical_file(tmp_path):
    out = tmp_path / "area" / "population.csv"
    assert main(["population", "convert", str(mye(tmp_path / "mye.csv")), "--out", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "year,age,population" and len(lines) == 27
    assert lines[1] == "2026,0,590"
