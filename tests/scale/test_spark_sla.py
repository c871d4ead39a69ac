"""The SLA partition functions in PySpark (local[2]): RDD and DataFrame, as serial.

The export is distributed the way a Spark job would: rows keyed by ticket id,
partitioned by it and sorted within each partition by (ticket id, row number), so
each ticket's rows are together and in their original order. The same library
functions then run in Spark's Python workers: ``evaluate_partition`` through
``rdd.mapPartitions``, ``evaluate_stream`` through ``mapPartitionsWithIndex`` and
through ``DataFrame.mapInPandas`` (its Arrow batches chained into one stream, so a
ticket that straddles two batches stays one ticket). Every report must equal the
serial one, row for row. Skipped, with the reason, without PySpark or Java; the
README's command deselects the ``spark`` marker and CI runs this module apart.
"""

import functools
import json

import pytest

from scale.engines import export_lines
from servicekit.sla import SlaReport, evaluate_partition, evaluate_stream
from servicekit.sla.presets import SERVICE_STANDARD
from sla.sla_workload import NOW

pytestmark = [
    pytest.mark.spark,
    # PySpark 4.x warns that pandas 3 is newer than it has been tested with; the
    # mapInPandas test below checks the results row for row all the same.
    pytest.mark.filterwarnings(
        "ignore:PySpark does not yet fully support pandas:FutureWarning"
    ),
]

LINES = export_lines(300)
RUN = functools.partial(evaluate_partition, policies=SERVICE_STANDARD, now=NOW)


def serial():
    return list(evaluate_stream(SERVICE_STANDARD, LINES, NOW))


def ticket_ordered(spark, lines, partitions=4):
    """An RDD of the lines, each ticket's rows together and in order, per partition."""
    from pyspark.rdd import portable_hash  # noqa: PLC0415

    keyed = spark.sparkContext.parallelize(
        [((json.loads(line)["ticket_id"], n), line) for n, line in enumerate(lines)], 3
    )
    return keyed.repartitionAndSortWithinPartitions(
        partitions, partitionFunc=lambda key: portable_hash(key[0])
    ).values()


def report_rows(frames):
    """mapInPandas: every batch of the partition as one stream of JSON lines."""
    import pandas as pd  # noqa: PLC0415
    from pyspark import TaskContext  # noqa: PLC0415

    lines = (line for frame in frames for line in frame["value"])
    stream = evaluate_stream(
        SERVICE_STANDARD, lines, NOW, partition=TaskContext.get().partitionId()
    )
    out = []
    for ticket, report in stream:
        out.append(
            {
                "ticket_id": ticket,
                "policy": report.policy,
                "breached": ",".join(m.value for m in report.breached),
                "report": json.dumps(report.to_dict()),
            }
        )
        if len(out) == 64:
            yield pd.DataFrame(out)
            out = []
    if out:
        yield pd.DataFrame(out)


def test_rdd_map_partitions_gives_the_serial_reports(spark):
    rdd = ticket_ordered(spark, LINES)
    got = rdd.mapPartitions(RUN).collect()
    want = serial()
    assert len(got) == len(want) == 300
    assert dict(got) == dict(want)
    assert rdd.getNumPartitions() == 4
    assert all(isinstance(r, SlaReport) for _, r in got)


def test_rdd_partitions_with_their_index_stream_in_sorted_order(spark):
    rdd = ticket_ordered(spark, LINES)
    got = rdd.mapPartitionsWithIndex(
        lambda index, rows: evaluate_stream(
            SERVICE_STANDARD, rows, NOW, order="sorted", partition=index
        )
    ).collect()
    by_ticket = functools.partial(sorted, key=lambda pair: pair[0])
    assert by_ticket(got) == by_ticket(serial())
    assert len(got) == 300


def test_dataframe_map_in_pandas_gives_the_serial_reports_row_for_row(spark):
    pytest.importorskip(
        "pyarrow", reason="mapInPandas needs pyarrow (servicekit[spark])"
    )
    rows = [(json.loads(line)["ticket_id"], n, line) for n, line in enumerate(LINES)]
    df = spark.createDataFrame(rows, "ticket_id string, seq long, value string")
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "50")
    out = (
        df.repartition(4, "ticket_id")
        .sortWithinPartitions("ticket_id", "seq")
        .select("value")
        .mapInPandas(
            report_rows,
            "ticket_id string, policy string, breached string, report string",
        )
        .collect()
    )
    got = {r.ticket_id: (r.policy, r.breached, json.loads(r.report)) for r in out}
    want = {
        ticket: (
            report.policy,
            ",".join(m.value for m in report.breached),
            report.to_dict(),
        )
        for ticket, report in serial()
    }
    assert len(out) == len(got) == 300  # one row per ticket: none was split
    assert got == want


def test_a_failing_partition_names_the_ticket_and_the_partition(spark):
    orphan = json.dumps(
        {"ticket_id": "T-X", "at": "2025-03-03T10:00:00+08:00", "kind": "agent_reply"}
    )
    rdd = spark.sparkContext.parallelize([[*LINES[:20], orphan]], 1).flatMap(
        lambda chunk: chunk
    )
    with pytest.raises(
        Exception,
        match=r"InvalidEventError: ticket 'T-X' \(from line 21 of partition 0, 1 event\)",
    ):
        rdd.mapPartitionsWithIndex(
            lambda index, rows: RUN(rows, partition=index)
        ).collect()
