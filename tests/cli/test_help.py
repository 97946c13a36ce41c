"""`sendreform --help` and every subcommand's help, and arguments refused before anything runs."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sendreform.cli.main import main

SUBCOMMANDS = {
    "demo": "synthetic local area",
    "serve": "gunicorn",
    "snapshot": "as-at date",
    "check": "orphan rows",
    "metrics": "KPI catalogue",
    "population": "Office for National",
    "sen2": "person-level return",
    "import": "Bring a local area",
    "tables": "canonical tables in files",
}


def test_the_command_lists_every_subcommand(capsys):
    # When `sendreform --help` runs / Then it exits 0 and names each subcommand
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert re.search(rf"\n    {name}\s", out)
    assert "examples:" in out


@pytest.mark.parametrize(("name", "phrase"), SUBCOMMANDS.items())
def test_each_subcommand_describes_itself_with_examples(capsys, name, phrase):
    with pytest.raises(SystemExit) as done:
        main([name, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: sendreform {name}" in out
    assert phrase in out
    assert f"examples:\n  sendreform {name}" in out


def test_the_installed_console_script_runs():
    # Given the `sendreform` script installed beside this Python / When it is asked for help / Then it exits 0
    script = Path(sys.executable).parent / "sendreform"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "snapshot" in result.stdout


def test_no_subcommand_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: sendreform" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["snapshot", "--out", "x"], "the following arguments are required: --as-at"),
        (["snapshot", "--as-at", "2026-02-30", "--out", "x"], "'2026-02-30' is not a real date"),
        (["snapshot", "--as-at", "15/01/2026", "--out", "x"], "'15/01/2026' is not a date like 2026-01-15"),
        (["demo", "--areas", "3"], "demo --areas needs --out DIR"),
        (["demo", "--areas", "none", "--out", "x"], "give a number of areas (1 or more) or 'england'"),
        (["demo", "--out", "x"], "demo --out is for --areas"),
        (["serve", "--bind", "8000"], "'8000' is not HOST:PORT"),
        (["serve", "--workers", "0"], "'0' is not a whole number of 1 or more"),
        (["check", "--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_bad_arguments_stop_with_status_2_and_say_why(capsys, argv, message):
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    assert message in capsys.readouterr().err
