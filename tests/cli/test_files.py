"""Output files are written as the shell's ``>`` writes them: nothing is ever destroyed."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cli.cli_run import run_main
from servicekit.cli._files import check_output_file, write_text_file
from servicekit.cli._inputs import CliError


def _both(call: str, path: str) -> None:
    if call == "write":
        write_text_file(path, "x", option="--html")
    else:
        check_output_file(path, option="--html")


def test_new_file_is_created_with_the_umask_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    old = os.umask(0o027)
    try:
        write_text_file(str(target), "<p>é</p>\n", option="--html")
    finally:
        os.umask(old)
    assert target.read_text(encoding="utf-8") == "<p>é</p>\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_replacing_a_file_keeps_its_mode(tmp_path: Path) -> None:
    """A report written over an existing file kept 0600 instead of the file's 0644."""
    target = tmp_path / "report.html"
    target.write_text("old")
    target.chmod(0o604)
    write_text_file(str(target), "new", option="--html")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_symlink_to_a_file_stays_a_symlink(tmp_path: Path) -> None:
    """`--html link` used to replace the link itself by a regular file."""
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = real_dir / "page.html"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.html"
    link.symlink_to(real)
    write_text_file(str(link), "new", option="--html")
    assert link.is_symlink()
    assert real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    # the temporary file was made in the target's directory, and is gone
    assert sorted(p.name for p in real_dir.iterdir()) == ["page.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.html", "real"]


def test_symlink_chain_stays_a_chain(tmp_path: Path) -> None:
    real = tmp_path / "page.html"
    real.write_text("old")
    middle = tmp_path / "middle"
    middle.symlink_to(real)
    first = tmp_path / "first"
    first.symlink_to(middle)
    write_text_file(str(first), "new", option="--html")
    assert first.is_symlink()
    assert middle.is_symlink()
    assert first.readlink() == middle
    assert real.read_text() == "new"


def test_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "made.html")
    write_text_file(str(link), "new", option="--html")
    assert link.is_symlink()
    assert (tmp_path / "made.html").read_text() == "new"


def test_symlink_loop_is_a_usage_error(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(CliError, match=r"^--html: cannot write .*a: "):
        write_text_file(str(a), "x", option="--html")


def test_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    """`--html FIFO` used to replace the FIFO by a regular file."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as handle:
            received.append(handle.read())

    reader = threading.Thread(target=read)
    reader.start()
    write_text_file(str(fifo), "through the pipe\n", option="--html")
    reader.join()
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_dev_null_stays_a_device() -> None:
    """`--html /dev/null` (and `/dev/full`, `/dev/stdout`) once became a regular file."""
    write_text_file("/dev/null", "x" * 100_000, option="--html")
    assert Path("/dev/null").is_char_device()
    check_output_file("/dev/null", option="--html")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_dev_full_says_the_device_is_full() -> None:
    with pytest.raises(CliError, match=r"^--html: cannot write /dev/full: No space"):
        write_text_file("/dev/full", "x", option="--html")
    assert Path("/dev/full").is_char_device()


@pytest.mark.parametrize("call", ["write", "check"])
def test_directory_is_refused_naming_option_and_path(tmp_path: Path, call: str) -> None:
    with pytest.raises(CliError) as caught:
        _both(call, str(tmp_path))
    assert str(caught.value) == (
        f"--html: {tmp_path} is a directory; give a file name to write"
    )


@pytest.mark.parametrize("call", ["write", "check"])
def test_missing_directory_is_refused(tmp_path: Path, call: str) -> None:
    target = tmp_path / "no" / "such" / "page.html"
    with pytest.raises(CliError, match=r"^--html: cannot write .*does not exist"):
        _both(call, str(target))
    assert not (tmp_path / "no").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
@pytest.mark.parametrize("call", ["write", "check"])
def test_read_only_directory_is_refused(tmp_path: Path, call: str) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "page.html").write_text("old")
    locked.chmod(0o500)
    try:
        with pytest.raises(CliError, match=r"^--html: cannot write .*page.html"):
            _both(call, str(locked / "page.html"))
        assert (locked / "page.html").read_text() == "old"
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("call", ["write", "check"])
def test_directory_refusing_new_files_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    """The read-only directory case, where the test runs as root (root ignores modes)."""
    target = tmp_path / "page.html"
    target.write_text("old")
    real_open = os.open

    def refuse(name: object, flags: int, mode: int = 0o777) -> int:
        if flags & os.O_CREAT:
            raise PermissionError(13, "Permission denied")
        return real_open(name, flags, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(
        CliError,
        match=rf"^--html: cannot write {target}: cannot create a file in "
        rf"{tmp_path}: Permission denied$",
    ):
        _both(call, str(target))
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_unwritable_device_is_refused_before_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "access", lambda *_: False)
    with pytest.raises(CliError, match=r"^--html: cannot write /dev/null: Permission"):
        check_output_file("/dev/null", option="--html")


def test_check_leaves_no_trace(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    check_output_file(str(target), option="--html")
    target.write_text("old")
    check_output_file(str(target), option="--html")
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
    assert target.read_text() == "old"


@pytest.mark.parametrize("bad", ["", "   "])
def test_empty_name_is_refused(bad: str) -> None:
    with pytest.raises(CliError, match=r"^--html: give the name of the file to write$"):
        write_text_file(bad, "x", option="--html")


def test_nul_in_name_is_refused() -> None:
    with pytest.raises(CliError, match="NUL"):
        write_text_file("a\0b", "x", option="--html")


def test_long_path_is_cut_in_the_message(tmp_path: Path) -> None:
    target = str(tmp_path / ("d" * 300) / "page.html")
    with pytest.raises(CliError) as caught:
        write_text_file(target, "x", option="--html")
    assert len(str(caught.value)) < len(target)


def test_unencodable_text_is_refused_before_touching_the_file(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    target.write_text("old")
    with pytest.raises(CliError, match="UTF-8"):
        write_text_file(str(target), "\udcff", option="--html")
    assert target.read_text() == "old"


def test_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "page.html"
    target.write_text("old")

    def full(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(CliError, match="No space left on device"):
        write_text_file(str(target), "new", option="--html")
    monkeypatch.undo()
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_interrupted_write_removes_the_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "page.html"

    def interrupted(fd: int, data: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_text_file(str(target), "new", option="--html")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_reader_closing_a_fifo_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def gone(fd: int, data: object) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(os, "write", gone)
    with pytest.raises(CliError, match="the reader closed it"):
        write_text_file("/dev/null", "x", option="--html")


def test_unstattable_path_is_a_usage_error(tmp_path: Path) -> None:
    afile = tmp_path / "file"
    afile.write_text("x")
    with pytest.raises(CliError, match=r"^--html: cannot write .*Not a directory"):
        write_text_file(str(afile / "page.html"), "x", option="--html")


def test_unopenable_device_is_a_usage_error(tmp_path: Path) -> None:
    import socket  # noqa: PLC0415

    name = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(name))
        with pytest.raises(CliError, match=r"^--html: cannot write .*sock: "):
            write_text_file(str(name), "x", option="--html")
    finally:
        server.close()
    assert stat.S_ISSOCK(name.lstat().st_mode)


def test_dev_stdout_to_a_pipe_is_written_into() -> None:
    """Regression: ``--html /dev/stdout | …`` failed: /dev/stdout links to
    /proc/self/fd/1, which links to ``pipe:[N]``, a name that resolving the path by
    name cannot follow, so the writer looked for a directory to create a file in."""
    code = (
        "from servicekit.cli._files import write_text_file\n"
        "write_text_file('/dev/stdout', 'through the pipe', option='--html')\n"
    )
    done = subprocess.run(  # noqa: S603 -- our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "through the pipe", "")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/nonexistent-dir/page.html", "cannot write /nonexistent-dir/page.html:"),
        ("", "give the name of the file to write"),
    ],
)
def test_demo_blames_html_once(path: str, reason: str) -> None:
    """Regression: the demo wrapped the writer's message, already blamed on --html,
    in a second "--html: " prefix."""
    r = run_main("demo", "--html", path)
    assert r.status == 2
    assert r.err.startswith(f"servicekit: error: --html: {reason}")
    assert r.err.count("--html") == 1
    assert r.out == ""
