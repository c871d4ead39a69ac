"""The command-line shell around every command: exit statuses and output failures."""

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cli.cli_run import run_main
from servicekit.cli import main
from servicekit.cli._files import check_output_file, write_text_file

STAFFING = ["staffing", "--volume", "1200/day", "--aht", "6m", "--target", "80/20s"]


class Failing(io.StringIO):
    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error

    def write(self, text: str) -> int:
        raise self.error


def test_no_command_prints_the_help_on_stderr_and_exits_2():
    r = run_main()
    assert r.status == 2
    assert r.out == ""
    assert "usage: servicekit" in r.err


def test_version():
    r = run_main("--version")
    assert r.status == 0
    assert r.out.startswith("servicekit ")


def test_a_reader_that_goes_away_stops_the_command_quietly():
    # `servicekit staffing ... | head -1` used to end in a BrokenPipeError traceback.
    err = io.StringIO()
    status = main(STAFFING, out=Failing(BrokenPipeError(32, "Broken pipe")), err=err)
    assert status == 141
    assert err.getvalue() == ""


def test_a_full_disk_is_an_error_not_a_traceback():
    # `servicekit staffing ... > /dev/full` used to raise OSError.
    err = io.StringIO()
    status = main(
        STAFFING, out=Failing(OSError(28, "No space left on device")), err=err
    )
    assert status == 2
    assert "No space left on device" in err.getvalue()


def test_closed_standard_output_is_refused(monkeypatch):
    # `servicekit demo >&-` used to raise AttributeError on None.write.
    monkeypatch.setattr(sys, "stdout", None)
    assert main(STAFFING) == 2


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_the_installed_script_reports_a_full_disk():
    with Path("/dev/full").open("w") as full:
        done = subprocess.run(  # noqa: S603 -- the interpreter running the tests
            [sys.executable, "-m", "servicekit.cli", *STAFFING],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 2
    assert "No space left on device" in done.stderr
    assert "Traceback" not in done.stderr


def test_written_files_get_the_mode_a_plain_write_would_give(tmp_path):
    # Atomic writes went through mkstemp, whose 0600 survived the rename.
    new = tmp_path / "new.html"
    write_text_file(str(new), "x", option="--html")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~mask
    existing = tmp_path / "shared.html"
    existing.write_text("old")
    existing.chmod(0o644)
    write_text_file(str(existing), "new", option="--html")
    assert stat.S_IMODE(existing.stat().st_mode) == 0o644
    assert existing.read_text() == "new"


def test_checking_the_html_path_leaves_nothing_behind(tmp_path):
    check_output_file(str(tmp_path / "report.html"), option="--html")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_html_into_a_read_only_directory_is_a_usage_error(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        r = run_main(
            "demo", "--volume", "60", "--jobs", "1", "--html", str(locked / "x")
        )
        assert r.status == 2
        assert "--html" in r.err
    finally:
        locked.chmod(0o700)


def test_a_number_too_long_for_python_is_an_input_error(tmp_path):
    # A 5,000-digit ticket id made `sla` end in a ValueError traceback.
    events = tmp_path / "e.jsonl"
    events.write_text('{"ticket_id": ' + "9" * 5000 + "}\n")
    r = run_main("sla", str(events), "--now", "2025-01-31T18:00+08:00")
    assert r.status == 2
    assert "line 1" in r.err
    policies = tmp_path / "p.json"
    policies.write_text('{"policies": ' + "9" * 5000 + "}")
    r = run_main(
        "sla",
        str(events),
        "--policies",
        str(policies),
        "--now",
        "2025-01-31T18:00+08:00",
    )
    assert r.status == 2
    assert "Traceback" not in r.err


def test_a_nul_in_a_file_name_is_an_input_error():
    from servicekit.cli._inputs import CliError, read_json, read_text  # noqa: PLC0415

    for reader in (read_text, read_json):
        with pytest.raises(CliError, match="NUL"):
            reader("a\0b.json")


def test_usage_error_does_not_repeat_the_program_name():
    """`servicekit: error: servicekit: …` repeated its prefix."""
    r = run_main(
        "staffing",
        "--volume",
        "1/h",
        "--aht",
        "1m",
        "--target",
        "80/20s",
        "--agents",
        "1.5",
    )
    assert r.status == 2
    assert r.err == (
        "servicekit: error: argument --agents: expected a whole number such as 12, "
        "got '1.5' (see servicekit staffing --help)\n"
    )
    r = run_main("nosuch")
    assert r.err.startswith("servicekit: error: argument COMMAND: invalid choice")
    assert r.err.count("servicekit:") == 1


def test_python_dash_m_servicekit_runs_the_command_line():
    """`python -m servicekit` did not work."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "servicekit",
            "staffing",
            "--volume",
            "150/h",
            "--aht",
            "5m",
            "--target",
            "80/20s",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Staffing for 150 contacts per hour")
