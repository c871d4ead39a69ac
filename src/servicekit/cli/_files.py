"""Writing the files a command was asked to write, as the shell's ``>`` would.

Every file any command writes goes through [`write_text_file`][servicekit.cli._files.write_text_file],
which never destroys what is at the path:

* nothing there yet: the file is created (mode 0666 less the umask), atomically;
* a regular file, or a symbolic link (or a chain of them) to one: the file is
  replaced atomically (a temporary file in the *target's* real directory, then
  ``os.replace`` on the resolved path), its permission bits are kept and the links
  stay links;
* anything else (a device such as ``/dev/null``, a FIFO, ``/dev/stdout``): it is
  opened and written into, never replaced;
* a directory, a missing directory, a name the system cannot open, or a directory
  where no file can be created: a usage error (exit 2) naming the option and path;
* a failed write (a full disk, ``/dev/full``, a reader that went away): the same,
  with the system's reason.

This module never reads input and never prints.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from servicekit._boundary import quote
from servicekit.cli._inputs import CliError

__all__ = ["check_output_file", "write_text_file"]

_NEW_FILE_MODE = 0o666  # what the shell's ``>`` asks for; the umask narrows it
_PATH_SHOWN = 200  # longer paths are cut in messages


def check_output_file(path: str, *, option: str) -> None:
    """Raise the CLI's usage error unless ``path`` could be written now.

    Call it before a long computation whose result goes to ``path``, so the user
    learns of a wrong path at once. It leaves no trace: a regular file or a new
    name is probed with a temporary file created and removed beside the real
    target; a device or FIFO is only checked for write permission (opening a FIFO
    would wait for a reader).

    Args:
        path: The path the user gave.
        option: The option that named it, for the message (``"--html"``).

    Raises:
        CliError: ``path`` is empty, a directory, in a directory that does not
            exist or cannot take a new file, or a device the user may not write.

    Examples:
        >>> import tempfile
        >>> check_output_file("/dev/null", option="--html")
        >>> check_output_file(tempfile.gettempdir(), option="--html")
        Traceback (most recent call last):
        ...
        servicekit.cli._inputs.CliError: --html: ... is a directory; give a file name to write
    """
    real, status = _classify(path, option=option)
    if status is not None and not stat.S_ISREG(status.st_mode):
        if not os.access(real, os.W_OK):
            raise _error(option, path, os.strerror(errno.EACCES))
        return
    fd, tmp = _temporary_beside(real, path, option=option, mode=0o600)
    os.close(fd)
    tmp.unlink()


def write_text_file(path: str, text: str, *, option: str) -> None:
    r"""Write ``text`` (UTF-8) to ``path`` without ever destroying what is there.

    A regular file (or a symbolic link to one) is replaced atomically, keeping its
    permission bits and the links; a device, FIFO or ``/dev/stdout`` is written
    into directly; a new name is created atomically.

    Args:
        path: The path the user gave.
        text: The whole content.
        option: The option that named the path, for messages (``"--html"``).

    Raises:
        CliError: the path cannot be written (see the module's list); its message
            names ``option`` and ``path``, and ``main`` exits with status 2.

    Examples:
        >>> import pathlib, tempfile
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "report.html"
        >>> write_text_file(str(target), "<p>hello</p>\n", option="--html")
        >>> target.read_text()
        '<p>hello</p>\n'
        >>> write_text_file("/dev/null", "not replaced", option="--html")
        >>> pathlib.Path("/dev/null").is_char_device()
        True
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise _error(option, path, "the text cannot be written as UTF-8") from error
    real, status = _classify(path, option=option)
    if status is not None and not stat.S_ISREG(status.st_mode):
        _write_into(real, path, data, option=option)
        return
    mode = _NEW_FILE_MODE if status is None else stat.S_IMODE(status.st_mode)
    fd, tmp = _temporary_beside(real, path, option=option, mode=_NEW_FILE_MODE)
    try:
        try:
            if status is not None:
                os.fchmod(fd, mode)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        tmp.replace(real)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise _error(option, path, _reason(error)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _classify(path: str, *, option: str) -> tuple[Path, os.stat_result | None]:
    """The real path to write and what is there now (None: nothing yet).

    Symbolic links are followed to the end of their chain, so the file they point
    at is the one written and the links themselves stay in place, as with ``>``.
    """
    if not path or not path.strip():
        raise CliError(_said(option, "give the name of the file to write"))
    if "\0" in path:
        raise _error(option, path, "a file name cannot hold a NUL character")
    try:
        # Through every link, including /proc's (``/dev/stdout`` to a pipe), which
        # resolving the path by name cannot follow.
        status: os.stat_result | None = Path(path).stat()
    except FileNotFoundError:
        status = None
    except OSError as error:  # a symbolic link loop, a file used as a directory
        raise _error(option, path, _reason(error)) from None
    if status is not None and not stat.S_ISREG(status.st_mode):
        real = Path(path)  # written into through the same links, never replaced
    else:
        real = Path(os.path.realpath(path))  # where the new or replaced file goes
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise CliError(
            _said(option, f"{_shown(path)} is a directory; give a file name to write")
        )
    if status is None and not real.parent.is_dir():
        raise _error(option, path, f"the directory {real.parent} does not exist")
    return real, status


def _temporary_beside(
    real: Path, path: str, *, option: str, mode: int
) -> tuple[int, Path]:
    """Create a new, empty temporary file in ``real``'s directory.

    Created with ``O_EXCL`` under a random name, so nothing already there is
    opened; ``mode`` passes through the umask, as a new file's would.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        tmp = real.with_name(f".{real.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:  # pragma: no cover - a 48-bit random name taken
            continue
        except OSError as error:
            raise _error(
                option,
                path,
                f"cannot create a file in {real.parent}: {_reason(error)}",
            ) from None


def _write_into(real: Path, path: str, data: bytes, *, option: str) -> None:
    """Write into a device, FIFO or other non-regular file; never create or replace it."""
    try:
        fd = os.open(real, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise _error(option, path, _reason(error)) from None
    try:
        _write_all(fd, data)
    except OSError as error:
        raise _error(option, path, _reason(error)) from None
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _reason(error: OSError) -> str:
    if error.errno == errno.EPIPE:
        return "the reader closed it before the whole text was written"
    return error.strerror or str(error)


def _error(option: str, path: str, reason: str) -> CliError:
    return CliError(_said(option, f"cannot write {_shown(path)}: {reason}"))


def _said(option: str, message: str) -> str:
    """``message`` blamed on ``option`` (callers that add the option pass "")."""
    return f"{option}: {message}" if option else message


def _shown(path: str) -> str:
    return path if len(path) <= _PATH_SHOWN else quote(path, _PATH_SHOWN)
