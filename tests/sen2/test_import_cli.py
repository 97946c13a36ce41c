"""`sendreform sen2 export`, `import` and `reverse` on the command line: the return written and validated, a
dry run that changes nothing, settings not stored stopping the import until --create-establishments, --yes
applying it, reverse putting it back, and a file with a bad UPN refused with its line and rule."""

import pytest

from sendreform.cli.main import main
from sendreform.imports.models import APPLIED, ImportRun
from sendreform.people.models import Person
from tests.sen2.test_import import _area, _empty

pytestmark = pytest.mark.django_db
PEOPLE = Person._base_manager


def test_export_then_import_and_reverse_on_the_command_line(tmp_path, capsys):
    _area()
    out = tmp_path / "sen2_2026.xml"
    assert main(["sen2", "export", "--year", "2026", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "  Person           6\n" in printed and "6 people read; 0 errors, 0 queries" in printed
    _empty()

    assert main(["sen2", "import", str(out), "--dry-run", "--create-establishments"]) == 0
    assert "person                  6        0        0          0" in capsys.readouterr().out
    assert not PEOPLE.exists()

    assert main(["sen2", "import", str(out), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "2 setting(s) named by URN or UKPRN are not stored" in err and "nothing was imported" in err
    assert not PEOPLE.exists()

    assert main(["sen2", "import", str(out), "--create-establishments", "--yes"]) == 0
    assert "rows added, changed or closed" in capsys.readouterr().out
    assert PEOPLE.count() == 6 and ImportRun.objects.filter(status=APPLIED).count() == 1

    assert main(["sen2", "reverse", "--yes"]) == 0
    assert "Reversed import" in capsys.readouterr().out
    assert not PEOPLE.exists()


def test_import_without_yes_and_without_a_terminal_changes_nothing(tmp_path, capsys):
    _area()
    out = tmp_path / "sen2_2026.xml"
    main(["sen2", "export", "--year", "2026", "--out", str(out)])
    _empty()
    assert main(["sen2", "import", str(out), "--create-establishments"]) == 1
    assert "give --yes to go ahead without being asked; nothing was changed" in capsys.readouterr().err
    assert not PEOPLE.exists()


def test_a_file_with_a_bad_upn_is_refused_with_its_line_and_rule(tmp_path, capsys):
    _area()
    out = tmp_path / "sen2_2026.xml"
    main(["sen2", "export", "--year", "2026", "--out", str(out)])
    out.write_bytes(out.read_bytes().replace(b"<UPN>D870200024001</UPN>", b"<UPN>A870200024001</UPN>"))
    capsys.readouterr()
    assert main(["sen2", "import", str(out), "--yes"]) == 1
    printed = capsys.readouterr()
    assert "ERROR UPN_CHECK_LETTER  UPN A870200024001 (Adeyemi, Tobi)" in printed.out
    assert "was refused; nothing was imported" in printed.err
