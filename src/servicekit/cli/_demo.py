"""``servicekit demo``: the whole library on a month of bundled, generated data.

The month is drawn from ``--seed`` (see :mod:`servicekit.cli._demo_data`); each
desk's month is simulated and evaluated independently (routing, then every request's
SLA report and survey answer), so desks are spread over ``--jobs`` worker processes
and gathered back in a fixed order: the report does not depend on the number of jobs.
Then the requirements go through the acceptance workflow and the report is built,
printed as text (default) or JSON, and optionally written as an HTML page.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import time
from typing import TYPE_CHECKING, TextIO

from servicekit.cli._demo_data import REQUESTS_PER_DAY, World, generate, parse_month
from servicekit.cli._demo_report import build_report, run_requirements
from servicekit.cli._demo_sim import desks, requests_by_desk, simulate_desk
from servicekit.cli._demo_tickets import Summary, summarise
from servicekit.cli._files import check_output_file, write_text_file
from servicekit.cli._i18n import N_, _
from servicekit.cli._inputs import CliError
from servicekit.cli._report_text import render_text

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterator, Sequence

    from servicekit.cli._demo_sections import DemoReport

EPILOG = N_("""\
examples:
  servicekit demo                          January 2025 (Spring Festival), seed 7
  servicekit demo --month 2025-10 --seed 1 National Day week, another world
  servicekit demo --json > report.json     the same report, machine-readable
  servicekit demo --html report.html       and a self-contained page with charts

The data (32 cities, about 1,200 requests a working day, agents, shifts, customers,
surveys, requirements) is generated from the seed by code in the package: the same
seed and month give the same report on every machine, whatever --jobs is.
""")


NAME = "demo"
HELP = N_("run the whole library on a month of bundled data and print the report")
DESCRIPTION = N_(
    "Simulate a month of a national customer-service operation "
    "(triage, routing, SLA clocks, acceptance workflows, satisfaction surveys) "
    "and print the report a service director would want."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``demo`` command's options (the parser itself is made by ``_app``)."""
    parser.add_argument(
        "--seed", type=int, default=7, help=_("the world's seed (default 7)")
    )
    parser.add_argument(
        "--month",
        default="2025-01",
        help=_("the month to simulate, YYYY-MM (default 2025-01)"),
    )
    parser.add_argument(
        "--volume",
        type=int,
        default=REQUESTS_PER_DAY,
        metavar="N",
        help=_("requests on a working day, nationally (default {n})").format(
            n=REQUESTS_PER_DAY
        ),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help=_("print the report as JSON instead of text"),
    )
    parser.add_argument(
        "--html",
        metavar="FILE",
        help=_("also write the report as one self-contained HTML page with SVG charts"),
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help=_("worker processes (default: one per CPU, at most 4; 1 runs in-process)"),
    )


class _Progress:
    """A one-line progress indicator on stderr, shown only when it is a terminal."""

    def __init__(self, err: TextIO) -> None:
        isatty = getattr(err, "isatty", None)
        self._err = err
        self._on = bool(isatty and isatty())
        self._started = time.perf_counter()

    def step(self, text: str) -> None:
        if self._on:
            elapsed = time.perf_counter() - self._started
            said = _("servicekit demo: {step} ({seconds} s)").format(
                step=text, seconds=f"{elapsed:.1f}"
            )
            self._err.write(f"\r\x1b[K{said}")
            self._err.flush()

    def done(self) -> None:
        if self._on:
            self._err.write("\r\x1b[K")
            self._err.flush()


def _jobs(requested: int) -> int:
    if requested < 0:
        raise CliError(
            _(
                "--jobs: expected 0 (automatic) or a positive number, got {requested}"
            ).format(requested=requested)
        )
    if requested:
        return requested
    return max(1, min(4, os.cpu_count() or 1))


_WORLD: World | None = None


def _remember(world: World) -> None:
    global _WORLD  # noqa: PLW0603 -- a worker process's copy of the month, set once
    _WORLD = world


def _desk_work(desk: str) -> list[Summary]:
    """One desk's simulation and evaluation, in a worker process."""
    assert _WORLD is not None  # noqa: S101 -- set by the pool's initializer
    return summarise(_WORLD, simulate_desk(_WORLD, desk))


def summaries(
    world: World, jobs: int, progress: Callable[[int, int], None] | None = None
) -> list[Summary]:
    """Every request's summary, in the order of ``world.requests``.

    Examples:
        >>> from servicekit.cli._demo_data import generate
        >>> world = generate(2, "2025-02", volume=60)
        >>> [s.id for s in summaries(world, 1)] == [r.id for r in world.requests]
        True
    """
    names = desks(world)
    found: dict[str, Summary] = {}

    def collect(done: int, batch: Sequence[Summary]) -> None:
        for s in batch:
            found[s.id] = s
        if progress is not None:
            progress(done, len(names))

    if jobs == 1:
        by_desk = requests_by_desk(world)
        for i, desk in enumerate(names):
            collect(i + 1, summarise(world, simulate_desk(world, desk, by_desk[desk])))
    else:
        # Worker processes and the page are loaded only when asked for: a
        # one-process text run is cheaper to start without them (issue 12).
        from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415
        from multiprocessing import get_all_start_methods, get_context  # noqa: PLC0415

        # Largest desks first, so that the workers finish together.
        load = dict.fromkeys(names, 0)
        for r in world.requests:
            load[r.desk] += 1
        order = sorted(names, key=lambda d: (-load[d], d))
        method = "fork" if "fork" in get_all_start_methods() else "spawn"
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(names)),
            mp_context=get_context(method),
            initializer=_remember,
            initargs=(world,),
        ) as pool:
            for i, batch in enumerate(pool.map(_desk_work, order)):
                collect(i + 1, batch)
    return [found[r.id] for r in world.requests]


def make_report(
    seed: int,
    month: str,
    *,
    volume: int = REQUESTS_PER_DAY,
    jobs: int = 1,
    progress: _Progress | None = None,
) -> DemoReport:
    """Generate, simulate, evaluate and report one month.

    Examples:
        >>> report = make_report(7, "2025-02", volume=60)
        >>> report.meta.month, report.meta.cities
        ('2025-02', 32)
    """
    parse_month(month)
    step = progress.step if progress is not None else None
    if step:
        step(_("generating the month"))
    world = generate(seed, month, volume)

    def desk_done(done: int, total: int) -> None:
        if step:
            step(
                _("routing and evaluating desk {done}/{total}").format(
                    done=done, total=total
                )
            )

    done = summaries(world, jobs, desk_done)
    if step:
        step(_("acceptance workflows, scores and staffing"))
    return build_report(world, done, run_requirements(world))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, then leave it as it was.

    The month is hundreds of thousands of small values that live until the report
    is printed and hold no reference cycles (measured: the run's peak memory is the
    same without the collector). Each time the collector ran it walked all of them
    again for nothing: a fifth of the demo's CPU time (issue 12). Reference counting
    still frees everything as usual.

    Examples:
        >>> import gc
        >>> with collector_paused():
        ...     gc.isenabled()
        False
        >>> gc.isenabled()
        True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the demo and print (or write) its report."""
    jobs = _jobs(args.jobs)
    parse_month(args.month)
    if args.html is not None:  # refuse an unwritable page before simulating a month
        check_output_file(args.html, option="--html")
    progress = _Progress(err)
    with collector_paused():
        try:
            report = make_report(
                args.seed, args.month, volume=args.volume, jobs=jobs, progress=progress
            )
        finally:
            progress.done()
        text = (
            json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
            if args.json
            else render_text(report)
        )
    if args.html:
        from servicekit.cli._report_html import render_html  # noqa: PLC0415

        write_text_file(args.html, render_html(report), option="--html")
        if not args.json:
            text += "\n" + _("The same report with charts: {file}").format(
                file=args.html
            )
            text += "\n"
    out.write(text)
    return 0
