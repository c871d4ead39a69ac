"""Segment tables via mergeable summaries on PySpark (``local[2]``) equal the serial tables.

The same module-level partition functions as on Dask run under ``mapPartitions``:
each partition's answers are made inside a Spark Python worker, summarised there,
merged with ``reduceByKey(+)`` and collected; the table built from them is the one
``segment_table`` gives on all rows at once. Skipped where PySpark or Java is absent
(CI installs the ``spark`` extra and runs these as their own step).
"""

import os
import shutil
import site
import sys
from pathlib import Path

import pytest

pyspark = pytest.importorskip(
    "pyspark", reason="PySpark is not installed: pip install 'servicekit[spark]'"
)
from scale.scoring_workload import (  # noqa: E402 - after the skip
    BY,
    MEASURES,
    add,
    summarise_partition,
    summarise_seed,
    survey_rows,
)
from servicekit.scoring import (  # noqa: E402 - after the skip
    segment_table,
    segment_table_from_summaries,
)

pytestmark = pytest.mark.spark

SEEDS = (21, 22, 23, 24)
PER_PARTITION = 500
# Spark starts its Python workers through the interpreter's resolved path, which
# leaves a virtual environment: give them its packages, servicekit and the tests.
WORKER_PATH = os.pathsep.join(
    [
        str(Path(__file__).resolve().parents[1]),
        str(Path(segment_table.__code__.co_filename).resolve().parents[2]),
        *site.getsitepackages(),
    ]
)


@pytest.fixture(scope="module")
def spark_session():
    """A local Spark with two cores for the module; workers use this interpreter.

    A session another fixture already started is used as it is and left running.
    """
    if shutil.which("java") is None and "JAVA_HOME" not in os.environ:
        pytest.skip("Spark needs Java (17 or later) on PATH or in JAVA_HOME")
    from pyspark.sql import SparkSession  # noqa: PLC0415 - only once Java is known

    running = SparkSession.getActiveSession()
    if running is not None:
        yield running
        return
    session = (
        SparkSession.builder.master("local[2]")
        .appName("servicekit-scoring")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
        # Workers import the partition functions by name, as Dask's do.
        .config("spark.executorEnv.PYTHONPATH", WORKER_PATH)
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def serial():
    rows = [r for seed in SEEDS for r in survey_rows(seed, PER_PARTITION)]
    return {m: segment_table(rows, measure=m, min_n=20, **BY) for m in MEASURES}


def _table(pairs):
    return segment_table_from_summaries(dict(pairs), min_n=20, **BY)


def _every_measure(seeds):
    """A partition's pairs for every measure, keyed by (measure number, segment, period)."""
    return [
        ((i, *key), summary)
        for seed in seeds
        for i, measure in enumerate(MEASURES)
        for key, summary in summarise_seed(seed, PER_PARTITION, measure)
    ]


def test_map_partitions_made_in_workers_gives_the_serial_tables(spark_session, serial):
    """Rows made from seeds inside the workers: the data set is never in the driver."""
    seeds = spark_session.sparkContext.parallelize(SEEDS, len(SEEDS))
    pairs = seeds.mapPartitions(_every_measure).reduceByKey(add).collect()
    for i, measure in enumerate(MEASURES):
        mine = [((s, p), summary) for (j, s, p), summary in pairs if j == i]
        assert _table(mine) == serial[measure]


def test_map_partitions_over_shipped_rows_gives_the_serial_tables(
    spark_session, serial
):
    """Rows sent from the driver, partitioned by Spark, summarised per partition."""
    rows = [r for seed in SEEDS for r in survey_rows(seed, PER_PARTITION)]
    rdd = spark_session.sparkContext.parallelize(rows, 3)
    measure = MEASURES[0]
    pairs = (
        rdd.mapPartitions(lambda part: summarise_partition(list(part), measure))
        .reduceByKey(add)
        .collect()
    )
    assert _table(pairs) == serial[measure]
