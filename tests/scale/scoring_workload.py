"""Survey answers made inside each partition, and the partition functions engines run.

Everything an engine ships to a worker lives here at module level (worker processes
import it by name; ``tests`` is on their path), and every partition function returns
a list, never a generator, which a process scheduler cannot pickle. A partition's rows
come from its seed alone, so serial and parallel runs see the same data without it
ever being in one process.
"""

import datetime as dt
import random

from servicekit.scoring import (
    CsatMeasure,
    DurationMeasure,
    IndexMeasure,
    MeanMeasure,
    NpsMeasure,
    SatisfactionIndex,
    ShareMeasure,
    summarise_segments,
)

CITIES = tuple(f"city-{i:02d}" for i in range(8))
MONTHS = tuple(f"2025-{m:02d}" for m in range(1, 4))
DIMENSIONS = ("response_speed", "resolution", "attitude", "follow_up")

MEASURES = (
    NpsMeasure(field="nps"),
    CsatMeasure(field="rating"),
    MeanMeasure(field="rating"),
    ShareMeasure(field="fcr"),
    IndexMeasure(field="ratings", index=SatisfactionIndex(missing="skip")),
    DurationMeasure(field="first_response", unit="hours"),
    DurationMeasure(field="first_response", statistic="median", unit="hours"),
    DurationMeasure(
        field="first_response",
        statistic="p90",
        unit="hours",
        resolution=dt.timedelta(seconds=1),
    ),
)
BY = {"by": "city", "period": "month"}


def survey_rows(seed: int, n: int) -> list[dict]:
    """``n`` answers of one partition, from its seed; cities differ in level."""
    rng = random.Random(seed)  # noqa: S311 - synthetic answers, not secrets
    rows = []
    for _ in range(n):
        city = rng.randrange(len(CITIES))
        lean = city / len(CITIES)
        rows.append(
            {
                "city": CITIES[city],
                "month": rng.choice(MONTHS),
                "nps": min(10, int(rng.random() * 8 + lean * 4)),
                "rating": 1 + min(4, int(rng.random() * 4 + lean * 2)),
                "fcr": rng.random() < 0.5 + lean / 3,
                "ratings": {
                    d: rng.randint(1, 5)
                    for d in DIMENSIONS
                    if rng.random() < 0.9  # some left blank: skipped respondents
                },
                "first_response": dt.timedelta(
                    seconds=int(rng.expovariate(1 / (600 + 3600 * lean)))
                ),
            }
        )
    if seed < 0:
        # A negative seed stands for a corrupt export: its last answer is off the scale.
        rows[-1]["nps"] = 11
    return rows


def summarise_partition(rows: list[dict], measure) -> list:
    """One partition's ``((segment, period), summary)`` pairs, as a list."""
    return list(summarise_segments(list(rows), measure=measure, **BY).items())


def summarise_seed(seed: int, n: int, measure) -> list:
    """Make a partition's rows inside the worker, then summarise them (errors name it)."""
    rows = survey_rows(seed, n)
    return list(summarise_segments(rows, measure=measure, partition=seed, **BY).items())


def pair_key(pair):
    """The (segment, period) a summary belongs to."""
    return pair[0]


def fold_pair(total, pair):
    """Add a pair's summary to a running total (``0`` to start: ``0 + s`` is ``s``)."""
    return total + pair[1]


def add(a, b):
    """Merge two summaries."""
    return a + b
