"""The source registry: one page and one command family for every source. `sendreform import sen2` is the
same import as `sendreform sen2 import`; `sendreform import reverse sen2` puts it back; the page offers an
upload per registered source with when it was last loaded; a file of the wrong kind for its source is refused
on the form, naming the kind, and nothing is recorded."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sendreform.accounts import roles
from sendreform.cli.main import main
from sendreform.imports.models import APPLIED, ImportRun
from sendreform.imports.sources import SOURCES, Source, source_register, sources_list
from sendreform.people.models import Person
from tests.factories import UserFactory
from tests.sen2.test_import import _area, _empty

PEOPLE = Person._base_manager


def test_a_source_name_is_registered_once():
    with pytest.raises(ValueError, match="registered already"):
        source_register(Source(key="sen2", label="x", short="x", module="x", suffixes=(".x",), file_kind="x", about="",
                               hint=""))
    assert "reverse" not in SOURCES and sources_list()[0].key == "sen2"


def test_the_import_command_lists_every_source(capsys):
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    out = capsys.readouterr().out
    for source in sources_list():
        assert f"    {source.key} " in out


@pytest.mark.django_db
def test_import_sen2_and_reverse_through_the_command_family(tmp_path, capsys):
    _area()
    out = tmp_path / "sen2_2026.xml"
    main(["sen2", "export", "--year", "2026", "--out", str(out)])
    _empty()
    capsys.readouterr()
    assert main(["import", "sen2", str(out), "--create-establishments", "--dry-run"]) == 0
    assert "person                  6        0        0          0" in capsys.readouterr().out
    assert not PEOPLE.exists()
    assert main(["import", "sen2", str(out), "--create-establishments", "--yes"]) == 0
    assert "`sendreform import reverse sen2` puts them back" in capsys.readouterr().out
    assert PEOPLE.count() == 6 and ImportRun.objects.get(status=APPLIED).by_name == "sendreform import sen2"
    assert main(["import", "reverse", "sen2", "--yes"]) == 0
    assert not PEOPLE.exists()
    assert main(["import", "reverse", "sen2", "--yes"]) == 1
    assert "no applied SEN2 return import to reverse" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_page_offers_an_upload_per_source_and_refuses_a_file_of_the_wrong_kind(client, settings, tmp_path):
    settings.SENDREFORM_IMPORT_DIR = str(tmp_path)
    client.force_login(UserFactory(role=roles.ANALYST))
    page = client.get("/data/").content.decode()
    for source in sources_list():
        assert f'<input type="hidden" name="source" value="{source.key}">' in page
        assert f'id="{source.key}-file"' in page
    assert page.count("Not loaded yet") == len(sources_list())
    response = client.post("/data/", {"source": "sen2", "file": SimpleUploadedFile("x.csv", b"a\n1\n")})
    assert response.status_code == 400
    assert 'href="#sen2-file"' in response.content.decode()  # the error summary links to the right upload
    assert client.post("/data/", {"source": "nosuch", "file": SimpleUploadedFile("x.xml", b"<a/>")}).status_code == 404
    assert not ImportRun.objects.exists()
