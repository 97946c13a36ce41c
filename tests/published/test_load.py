"""`sendreform published load` stores the figures as published, replaces a release of the same name, and a bad
file changes nothing; `published remove` takes a release out again."""

import pytest

from sendreform.cli.main import main
from sendreform.published.models import Area, Figure, Release

from .conftest import subset_write


@pytest.mark.django_db
def test_load_check_then_load_then_reload_then_remove(tmp_path, capsys):
    subset_write(tmp_path, files=("requests", "timeliness_20_week"), codes={"E06000038", "E06000041"})
    assert main(["published", "load", str(tmp_path), "--check"]) == 0
    assert "Checked; nothing was stored" in capsys.readouterr().out and not Figure.objects.exists()

    assert main(["published", "load", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "education-health-and-care-plans_2025: 2 files" in out
    # requests.csv, 2024, Reading: requests_received_in_year 515 (the file, by hand)
    figure = Figure.objects.get(area__code="E06000038", file="requests.csv", time_period="2024",
                                measure="requests_received_in_year")
    assert (figure.text, figure.number, figure.year, figure.area.old_code) == ("515", 515, 2024, "870")
    assert Area.objects.get(code="E06000041").name == "Wokingham"
    assert Figure.objects.filter(area__level="england", file="assessments.csv").count() == 0
    count = Figure.objects.count()

    assert main(["published", "load", str(tmp_path)]) == 0
    assert Figure.objects.count() == count and Release.objects.count() == 1

    assert main(["published", "remove", "education-health-and-care-plans_2025"]) == 0
    assert not Figure.objects.exists() and not Area.objects.exists()
    assert main(["published", "remove", "education-health-and-care-plans_2025"]) == 2


@pytest.mark.django_db
def test_a_bad_file_changes_nothing(tmp_path, capsys):
    subset_write(tmp_path, files=("requests",), codes={"E06000038"})
    assert main(["published", "load", str(tmp_path)]) == 0
    before = list(Figure.objects.values_list("pk", "text"))
    path = tmp_path / "education-health-and-care-plans_2025" / "data" / "requests.csv"
    path.write_text(path.read_text().replace("Local authority", "Council", 1))
    assert main(["published", "load", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "requests.csv, row" in err and "column geographic_level: 'Council'" in err and "nothing was changed" in err
    assert list(Figure.objects.values_list("pk", "text")) == before
