"""Shared engine sessions and data for the scale tests and docs/scale.md.

One local Spark session (``local[2]``) and one ``dask.distributed`` cluster of two
worker processes per test run: each costs seconds to start, so every test and the
documentation page share them. The Spark session skips, with the reason, where
PySpark or Java is absent, and where the run deselected the ``spark`` marker (the
README's command does: Spark runs in its own CI step).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from sla.sla_workload import event_dicts, make_plans

SPARK_EXTRA = "pip install 'servicekit[spark]'"


def export_lines(count, seed=20251205):
    """A JSON-lines export of ``count`` synthetic tickets, grouped by ticket id."""
    return [
        json.dumps(row)
        for i, plan in enumerate(make_plans(count, seed=seed))
        for row in event_dicts(plan, ticket_id=f"T-{i:05d}")
    ]


def spark_unavailable():
    """Why Spark cannot run here, or None."""
    if importlib.util.find_spec("pyspark") is None:
        return f"PySpark is not installed ({SPARK_EXTRA})"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "Java is not installed (PySpark needs a JVM: install Java 17)"
    return None


def spark_session(request):
    """A quiet local[2] SparkSession for the run, or a skip saying why not."""
    reason = spark_unavailable()
    if reason is not None:
        pytest.skip(reason)
    if "not spark" in (request.config.option.markexpr or ""):
        pytest.skip("the spark marker is deselected in this run (CI runs it apart)")
    from pyspark.sql import SparkSession  # noqa: PLC0415

    # The workers must run this interpreter (with servicekit and pyarrow), not the
    # first python3 on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    # Functions defined in tests/ are pickled by reference: the workers import them
    # from there, as the test run does (pyproject's pythonpath).
    tests = str(Path(__file__).resolve().parent.parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (tests, os.environ.get("PYTHONPATH")) if p
    )
    session = (
        SparkSession.builder.master("local[2]")
        .appName("servicekit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.extraJavaOptions", "-Dlog4j.rootLogger=ERROR")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def ticket_chunks(lines, parts):
    """The export cut into ``parts`` pieces at ticket boundaries, as files would be."""
    tickets = []
    for line in lines:
        ticket = json.loads(line)["ticket_id"]
        if not tickets or tickets[-1][0] != ticket:
            tickets.append((ticket, []))
        tickets[-1][1].append(line)
    size = -(-len(tickets) // parts)
    return [
        [line for _, rows in tickets[k : k + size] for line in rows]
        for k in range(0, len(tickets), size)
    ]
