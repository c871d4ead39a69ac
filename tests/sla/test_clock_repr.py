"""repr() of reports reads as instants and durations, not private microseconds (issue 12).

``print(report)`` in a REPL showed ``_elapsed=180000000, _started=1740967200000000``.
"""

import re

from servicekit.sla import EventKind, Metric, TicketEvent, evaluate
from servicekit.sla.presets import SERVICE_STANDARD
from sla.clock_world import MON

REPORT = evaluate(
    SERVICE_STANDARD,
    [
        TicketEvent(at=MON, kind=EventKind.CREATED),
        TicketEvent(at=MON.add(minutes=40), kind=EventKind.AGENT_REPLY),
    ],
    MON.add(minutes=41),
)
PRIVATE = re.compile(r"(?<![A-Za-z])_[a-z]+=|\d{13,}")


def test_report_repr_shows_instants_not_private_microseconds():
    text = repr(REPORT)
    assert not PRIVATE.search(text), text
    assert (
        "now=DateTime(2025, 3, 3, 10, 41, 0, tzinfo=Timezone('Asia/Shanghai'))" in text
    )
    assert text.startswith("SlaReport(policy='standard', status=")


def test_metric_status_repr_shows_elapsed_and_due_as_values():
    first = REPORT.metrics[Metric.FIRST_RESPONSE]
    text = repr(first)
    assert not PRIVATE.search(text), text
    assert "elapsed=datetime.timedelta(seconds=2400)" in text
    assert "breached_at=DateTime(2025, 3, 3, 10, 30, 0" in text
    assert "stopped_at=DateTime(2025, 3, 3, 10, 40, 0" in text


def test_alert_repr_shows_its_instant():
    text = repr(REPORT.alerts[0])
    assert not PRIVATE.search(text), text
    assert "at=DateTime(2025, 3, 3, 10, 30, 0" in text
