"""Stored reports, alerts, statuses and clocks mutated anywhere (issue 13).

The contract test (tests/test_serialisation_contract.py) mutates one top-level key
of each value; here a document is mutated anywhere inside (a clock's cycles, a
report's alerts), and each reader gives a value that reads back as itself or a
``DeserializationError`` naming a JSON path, nothing else.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzz
from servicekit.errors import DeserializationError
from servicekit.sla import Alert, MetricStatus, SlaClock, SlaReport, evaluate
from strategies import sla_cases

JUNK = fuzz.junk(
    # Near misses: values of the right JSON type that a field refuses.
    [
        "2025-03-03T10:00:00",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:00:00+00:00",
        "PT0S",
        "-PT1H",
        "P999999999D",
        "Nowhere/Zone",
        "America",
        "urgent",
        "breached",
        "archived",
        "",
        -1,
        0,
        1.5,
        [["2025-03-03T02:00:00+00:00"]],
        [[0.5, "2025-03-03T02:00:00+00:00"]],
        [[True, "2025-03-03T02:00:00+00:00"]],
    ]
)

reports = sla_cases(max_events=6).map(lambda case: evaluate(*case))
clocks = sla_cases(max_events=6).map(lambda case: SlaClock.start(*case[:2]))

READERS = [
    pytest.param(SlaReport.from_dict, reports, id="SlaReport"),
    pytest.param(
        MetricStatus.from_dict,
        reports.filter(lambda r: r.metrics).flatmap(
            lambda r: st.sampled_from(list(r.metrics.values()))
        ),
        id="MetricStatus",
    ),
    pytest.param(
        Alert.from_dict,
        reports.filter(lambda r: r.alerts).flatmap(lambda r: st.sampled_from(r.alerts)),
        id="Alert",
    ),
    # The policy set inside a clock is fuzzed with the policies' own values.
    pytest.param(SlaClock.from_dict, clocks, id="SlaClock"),
]


@pytest.mark.parametrize(("read", "values"), READERS)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_mutated_documents_raise_only_deserialization_errors(read, values, data):
    skip = frozenset({"policies", "target"})
    document = data.draw(fuzz.mutated(values.map(lambda v: v.to_dict()), JUNK, skip))
    try:
        value = read(document)
    except DeserializationError as e:
        message = str(e)
        assert " at $" in message, message
        assert len(message) < 2_000, message[:200]
    else:
        # What a mutation left valid reads back as itself.
        assert read(value.to_dict()).to_dict() == value.to_dict()
