"""Fixtures of the scale tests: one Spark session and one Dask cluster per run."""

import pytest

from scale.engines import spark_session


@pytest.fixture(scope="session")
def spark(request):
    session = spark_session(request)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def dask_client():
    """A ``dask.distributed`` client on a LocalCluster of two worker processes."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=50,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client
