"""Fixtures for the documentation's examples (every ``>>>`` in docs/*.md runs).

``getfixture("spark")`` in docs/scale.md gives the test run's local Spark session, or
skips the rest of that page, saying why: PySpark or Java is absent, or the run
deselected the ``spark`` marker (the README's command does; CI runs the page again in
its Spark step).
"""

from collections.abc import Iterator
from typing import Any

import pytest

from scale.engines import spark_session


@pytest.fixture(scope="session")
def spark(request: pytest.FixtureRequest) -> Iterator[Any]:
    session = spark_session(request)
    yield session
    session.stop()


# PySpark 4.x warns that pandas 3 is newer than it has been tested with; the page's
# mapInPandas example checks its output all the same (tests/scale does, row for row).
_PANDAS_WARNING = "ignore:PySpark does not yet fully support pandas:FutureWarning"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name == "scale.md":
            item.add_marker(pytest.mark.filterwarnings(_PANDAS_WARNING))
