"""SLA evaluation in Dask, on the default process scheduler and on a local cluster.

The export is cut into partitions at ticket boundaries (as one file per partition
would be); each partition runs the library's partition function in another process,
so the policies, the rows and the reports really cross a process boundary. The
result must equal the serial one, ticket for ticket and in order. A partition that
raises fails the computation with the library's error, naming the ticket and the
partition.
"""

import functools
import os

import dask
import dask.bag as db
import dask.multiprocessing
import pytest

from scale.engines import export_lines, ticket_chunks
from servicekit.errors import InvalidEventError, TicketOrderError
from servicekit.sla import evaluate_partition, evaluate_stream
from servicekit.sla.presets import SERVICE_STANDARD
from sla.sla_workload import NOW

LINES = export_lines(200)
CHUNKS = ticket_chunks(LINES, 4)
RUN = functools.partial(evaluate_partition, policies=SERVICE_STANDARD, now=NOW)


def serial():
    return list(evaluate_stream(SERVICE_STANDARD, LINES, NOW))


def indexed_bag(chunks):
    """A bag of ``(partition index, rows)``, one item per partition."""
    return db.from_sequence(list(enumerate(chunks)), npartitions=len(chunks))


def evaluate_indexed(item):
    index, rows = item
    return RUN(rows, partition=index)


def test_the_bags_default_scheduler_is_the_process_pool():
    bag = db.from_sequence(CHUNKS, npartitions=len(CHUNKS))
    assert dask.base.get_scheduler(collections=[bag]) is dask.multiprocessing.get


def test_a_bag_on_the_default_scheduler_gives_the_serial_reports():
    bag = db.from_sequence(CHUNKS, npartitions=len(CHUNKS)).map(RUN).flatten()
    pids = db.from_sequence(range(4), npartitions=4).map(lambda _: os.getpid())
    reports, workers = dask.compute(bag, pids)  # no scheduler named: the default
    assert os.getpid() not in workers
    assert reports == serial()
    ids = [ticket for ticket, _ in reports]
    assert len(set(ids)) == len(ids) == 200  # no ticket split across partitions


def test_a_local_cluster_of_two_processes_gives_the_serial_reports(dask_client):
    bag = db.from_sequence(CHUNKS, npartitions=len(CHUNKS)).map(RUN).flatten()
    assert bag.compute(scheduler=dask_client) == serial()
    workers = dask_client.run(os.getpid)
    assert len(workers) == 2
    assert os.getpid() not in workers.values()


def test_a_failing_partition_names_the_ticket_and_the_partition(dask_client):
    bad = [list(chunk) for chunk in CHUNKS]
    bad[2].append(bad[2][0])  # the partition's first ticket again, at its end
    bag = indexed_bag(bad).map(evaluate_indexed).flatten()
    with pytest.raises(TicketOrderError, match=r"of partition 2") as info:
        bag.compute(scheduler=dask_client)
    assert info.value.line == len(bad[2])
    # On the default process scheduler too: the error crosses back with its type.
    orphan = (
        '{"ticket_id": "T-X", "at": "2025-03-03T10:00:00+08:00", "kind": "agent_reply"}'
    )
    broken = [list(chunk) for chunk in CHUNKS]
    broken[1].insert(0, orphan)
    with pytest.raises(
        InvalidEventError, match=r"ticket 'T-X' \(from line 1 of partition 1, 1 event\)"
    ):
        indexed_bag(broken).map(evaluate_indexed).flatten().compute()
