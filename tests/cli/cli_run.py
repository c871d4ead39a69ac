"""Two ways to run the command line in tests.

``run_entry_point`` starts the real ``servicekit`` console script (the one pip
installed beside this interpreter) in a subprocess, as a user would; ``run_main``
calls :func:`servicekit.cli.main` in-process with captured streams, which is what
coverage sees. Tests of behaviour use ``run_main``; a few per command also go
through the entry point to prove the installed script behaves the same. Neither
has a time limit: on a shared machine wall time is noise, so no test may fail on it.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import attrs

from servicekit.cli import main

__all__ = ["Result", "run_entry_point", "run_main"]


@attrs.frozen
class Result:
    status: int
    out: str
    err: str


def _script() -> list[str]:
    beside = Path(sys.executable).with_name("servicekit")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("servicekit")
    if found:
        return [found]
    return [sys.executable, "-m", "servicekit.cli"]


def run_entry_point(*args: str, cwd: Path | None = None) -> Result:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(  # noqa: S603 -- our own installed script
        [*_script(), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def run_main(*args: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), out=out, err=err)
    return Result(status, out.getvalue(), err.getvalue())
