"""Segment tables via mergeable summaries on Dask equal the serial tables, exactly.

Each partition's answers are made and summarised inside a worker process (Dask's
default bag scheduler, a pool of processes, and a ``dask.distributed.LocalCluster``
of two worker processes); the summaries cross the process boundary by pickling, are
merged by key with ``+``, and give the table ``segment_table`` gives on all rows at
once, row for row and float for float.
"""

import os

import dask
import dask.bag as db
import pytest
from distributed import Client, LocalCluster

from scale.scoring_workload import (
    BY,
    MEASURES,
    add,
    fold_pair,
    pair_key,
    summarise_partition,
    summarise_seed,
    survey_rows,
)
from servicekit.errors import InvalidArgumentError
from servicekit.scoring import segment_table, segment_table_from_summaries

SEEDS = (11, 12, 13, 14)
PER_PARTITION = 700


@pytest.fixture(scope="module")
def rows():
    return [r for seed in SEEDS for r in survey_rows(seed, PER_PARTITION)]


@pytest.fixture(scope="module")
def serial(rows):
    return {m: segment_table(rows, measure=m, min_n=20, **BY) for m in MEASURES}


def _merged_bag(bag_of_pairs):
    return bag_of_pairs.foldby(pair_key, fold_pair, 0, add, 0)


def _table(pairs, measure):
    table = segment_table_from_summaries(dict(pairs), min_n=20, **BY)
    assert table.measure == measure
    return table


def test_the_default_process_scheduler_gives_the_serial_tables(rows, serial):
    """Rows shipped in partitions, summaries merged by foldby: the serial tables."""
    bag = db.from_sequence(rows, npartitions=4)
    merged = [_merged_bag(bag.map_partitions(summarise_partition, m)) for m in MEASURES]
    pids = db.from_sequence(range(4), npartitions=4).map(lambda _: os.getpid())
    # No scheduler named: a bag's default is a pool of processes.
    *results, workers = dask.compute(*merged, pids)
    assert os.getpid() not in workers  # the partitions really crossed processes
    for measure, pairs in zip(MEASURES, results, strict=True):
        assert _table(pairs, measure) == serial[measure]


def test_a_local_cluster_of_two_processes_gives_the_serial_tables(serial):
    """Answers made inside the workers (never in this process) and summarised there."""
    with (
        LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        seeds = db.from_sequence(SEEDS, npartitions=len(SEEDS))
        merged = [
            _merged_bag(seeds.map(summarise_seed, PER_PARTITION, m).flatten())
            for m in MEASURES
        ]
        results = client.compute(merged, sync=True)
        workers = client.run(os.getpid)
    assert len(workers) == 2
    assert os.getpid() not in workers.values()
    for measure, pairs in zip(MEASURES, results, strict=True):
        assert _table(pairs, measure) == serial[measure]


def test_an_empty_partition_adds_nothing(rows, serial):
    parts = [
        summarise_partition([], MEASURES[0]),
        summarise_partition(rows, MEASURES[0]),
    ]
    merged = {}
    for part in parts:
        for key, summary in part:
            merged[key] = merged.get(key, 0) + summary
    assert _table(merged.items(), MEASURES[0]) == serial[MEASURES[0]]


def test_a_failing_partition_is_named_not_merged():
    """A corrupt export fails the job with its partition's label, never a partial table."""
    seeds = db.from_sequence([11, -12, 13], npartitions=3)
    merged = _merged_bag(seeds.map(summarise_seed, 50, MEASURES[0]).flatten())
    with pytest.raises(InvalidArgumentError, match=r"^partition -12: NPS scores"):
        merged.compute()
