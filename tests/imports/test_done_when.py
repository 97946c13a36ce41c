"""Issue 14's "Done when", tried as a new user would: an empty database loaded only through "Bring in data" from
the demo's sample files shows the same dashboard figures as the generated demo. The samples are written from the
demo's database by the commands `make demo` runs (`sendreform tables export` of every table and of the council's
own lists, `sendreform sen2 export`), the school census of its latest term and the GIAS and NCCIS extracts
(`sendreform import samples`); each is uploaded on the page,
its preview read and confirmed, as an officer would. Every canonical table comes back (the same content hash),
each other source's file then finds everything it holds already there (it changes nothing), and every indicator
of the catalogue has the value it had. A small generated area keeps it quick."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sendreform.accounts import roles
from sendreform.cli.main import main
from sendreform.demo.generator import generate_area
from sendreform.demo.services import demo_tables_load
from sendreform.imports.census import census_export_files
from sendreform.imports.gias import gias_export_csv
from sendreform.imports.models import APPLIED, ImportRun
from sendreform.imports.nccis import nccis_export_csv
from sendreform.interchange.census import census_date
from sendreform.standards.schemas import TABLE_ORDER
from tests.factories import UserFactory
from tests.imports.test_tables_round_trip import state

pytestmark = pytest.mark.django_db(transaction=True)

AS_AT = dt.date(2026, 11, 28)
DASHBOARD_DATES = [dt.date(2025, 9, 30), dt.date(2026, 9, 30), AS_AT]


def _dashboard() -> tuple[str, dict]:
    """The canonical tables' content hash and every indicator of the catalogue on the dashboard's dates."""
    _, hashed, figures = state(DASHBOARD_DATES)
    return hashed, figures


def _folder_zip(folder) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.writestr(path.name, path.read_bytes())
    return out.getvalue()


def _bring_in(client, source: str, name: str, data: bytes) -> ImportRun:
    response = client.post("/data/", {"source": source, "file": SimpleUploadedFile(name, data)})
    run = ImportRun.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
    assert run.errors == 0, run.report["validation"]["issues"][:3]
    assert client.get(response.url).status_code == 200  # the preview, read before confirming
    client.post(f"/data/imports/{run.pk}/confirm/", {"action": "apply"})
    run.refresh_from_db()
    assert run.status == APPLIED, (source, run.status)
    return run


def test_an_empty_database_loaded_only_through_bring_in_data_shows_the_demo_dashboard(transactional_db, client,
                                                                                      settings, tmp_path):
    settings.SENDREFORM_IMPORT_DIR = str(tmp_path / "kept")
    # Given the demo (a small generated area) and its dashboard
    demo_tables_load(tables=generate_area(seed=870, as_at=AS_AT, scale=0.01))
    demo_hash, demo = _dashboard()
    assert demo[("ehcp_total", AS_AT)][0] > 0 and demo[("send_attendance_rate", AS_AT)][0] > 0

    # And the sample files the demo writes
    samples = tmp_path / "samples"
    assert main(["tables", "export", "--out", str(samples / "tables")]) == 0
    assert main(["tables", "export", "--own-lists", "--out", str(samples / "council_lists.xlsx")]) == 0
    assert main(["sen2", "export", "--year", "2026", "--out", str(samples / "sen2_2026.xml")]) == 0
    assert census_date(2026, "autumn") <= AS_AT
    census = census_export_files(year=2026, term="autumn")
    gias, nccis = gias_export_csv(), nccis_export_csv()

    # When the database is emptied (the users kept) and an officer brings each file in on the page
    from django.apps import apps

    models = {m._meta.db_table: m for m in apps.get_models()}
    for name in reversed(TABLE_ORDER):
        models[name]._base_manager.all().delete()
    ImportRun.objects.all().delete()
    assert _dashboard()[1][("ehcp_total", AS_AT)][0] == 0
    client.force_login(UserFactory(role=roles.OFFICER))
    runs = [
        _bring_in(client, "tables", "tables.zip", _folder_zip(samples / "tables")),
        _bring_in(client, "gias", "gias_establishments.csv", gias),
        _bring_in(client, "census", "census_2026_autumn.zip", _census_zip(census)),
        _bring_in(client, "nccis", "nccis_activity.csv", nccis),
        _bring_in(client, "sen2", "sen2_2026.xml", (samples / "sen2_2026.xml").read_bytes()),
        _bring_in(client, "tables", "council_lists.xlsx", (samples / "council_lists.xlsx").read_bytes()),
    ]

    # Then every table holds what the demo held, the other sources' files find it all there already,
    # and the dashboard shows the demo's figures
    loaded_hash, loaded = _dashboard()
    assert loaded_hash == demo_hash
    assert sum(c["added"] for c in runs[0].counts.values()) > 1000
    for run in runs[1:]:
        assert all(c["added"] + c["changed"] + c["closed"] == 0 for c in run.counts.values()), (run.source,
                                                                                               run.counts)
        assert sum(c["unchanged"] for c in run.counts.values()) > 0
    assert loaded == demo


def _census_zip(files) -> bytes:
    from sendreform.interchange.census import census_zip

    return census_zip(files)


@pytest.fixture(autouse=True)
def _no_background_figures(monkeypatch):
    """The dashboard's figures are computed here directly; the recompute each import queues is not run."""
    monkeypatch.setattr("sendreform.indicators.analytics._recompute_queue", lambda *, reason: None)
