"""Errors as messages: ``ServiceKitError.message`` says ``str(error)`` again, per locale.

The reference is the error's own English text, which users and tests match on and
which must never change: a message's English must be that text byte for byte, for
every error a command-line user can reach and for any data the codec refuses.
"""

import datetime as dt
import pickle
import re

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicekit import _codec
from servicekit._iso import instant_from_iso
from servicekit.errors import (
    CalendarNeverOpensError,
    CalendarRangeError,
    DeserializationError,
    HolidayDataMissingError,
    InvalidArgumentError,
    InvalidEventError,
    InvalidHoursError,
    ServiceKitError,
    UnknownNameError,
    UnknownTimezoneError,
)
from servicekit.messages import Message
from servicekit.sla import (
    BusinessCalendar,
    HolidaySet,
    MetricDefinition,
    PolicySet,
    SlaTarget,
    TicketEvent,
    parse_hours,
)
from servicekit.sla._hours import parse_weekly
from servicekit.sla._stream import ticket_id

CREATED = {"at": "2025-01-27T09:12:00+08:00", "kind": "created"}
CALENDAR = {"timezone": "Asia/Shanghai", "weekly_hours": {"0": [["09:00", "18:00"]]}}
POLICY = {
    "name": "p",
    "targets": [{"metric": "first_response", "within": "PT1H"}],
    "calendar": CALENDAR,
}

ALWAYS = BusinessCalendar.always_open()
ZERO = dt.timedelta(0)
END_OF_TIME = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
DAWN = dt.datetime(1, 1, 3, tzinfo=dt.UTC)
MAKE_UP_ONLY = BusinessCalendar(
    timezone="UTC",
    weekly_hours={},
    workdays=[dt.date(2025, 1, 6)],
    workday_hours=[("09:00", "10:00")],
)
AFTER_THE_MAKE_UP_DAY = dt.datetime(2025, 2, 1, tzinfo=dt.UTC)
BEFORE_THE_MAKE_UP_DAY = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
STRICT = BusinessCalendar.for_country(
    "CN",
    timezone="Asia/Shanghai",
    weekly_hours=parse_hours("Mon-Fri 09:00-18:00"),
    strict=True,
)

# Each call raises an error a command-line user can meet, of the class named.
REACHABLE = [
    (DeserializationError, lambda: TicketEvent.from_dict({**CREATED, "at": 5})),
    (DeserializationError, lambda: TicketEvent.from_dict({**CREATED, "at": True})),
    (DeserializationError, lambda: TicketEvent.from_dict({**CREATED, "at": None})),
    (DeserializationError, lambda: TicketEvent.from_dict({**CREATED, "at": "x"})),
    (
        DeserializationError,
        lambda: TicketEvent.from_dict({**CREATED, "at": "2025-01-27T09:12:00"}),
    ),
    (DeserializationError, lambda: TicketEvent.from_dict({**CREATED, "kind": "no"})),
    (DeserializationError, lambda: TicketEvent.from_dict({**CREATED, "kind": 3})),
    (DeserializationError, lambda: TicketEvent.from_dict({**CREATED, "tier": "x"})),
    (DeserializationError, lambda: TicketEvent.from_dict({**CREATED, "x": 1, "y": 2})),
    (DeserializationError, lambda: TicketEvent.from_dict({**CREATED, "attributes": 1})),
    (DeserializationError, lambda: TicketEvent.from_dict({"kind": "created"})),
    (DeserializationError, lambda: instant_from_iso(5, "the instant")),
    (DeserializationError, lambda: TicketEvent.from_dict([])),  # type: ignore[arg-type]
    (
        DeserializationError,
        lambda: TicketEvent.from_dict({**CREATED, "attributes": _deep(70)}),
    ),
    (DeserializationError, lambda: PolicySet.from_dict({"policies": 3})),
    (DeserializationError, lambda: PolicySet.from_dict({"policies": [{}]})),
    (
        DeserializationError,
        lambda: PolicySet.from_dict({"policies": [{**POLICY, "when": {"type": "x"}}]}),
    ),
    (
        DeserializationError,
        lambda: PolicySet.from_dict({"policies": [{**POLICY, "when": [1]}]}),
    ),
    (
        DeserializationError,
        lambda: SlaTarget.from_dict({"metric": "first_response", "within": "1 h"}),
    ),
    (
        DeserializationError,
        lambda: SlaTarget.from_dict({"metric": "first_response", "within": 60}),
    ),
    (
        DeserializationError,
        lambda: SlaTarget.from_dict(
            {"metric": "first_response", "within": "PT1H", "warn_at": [0.5, "x"]}
        ),
    ),
    (
        DeserializationError,
        lambda: BusinessCalendar.from_dict({**CALENDAR, "timezone": "Mars/Olympus"}),
    ),
    (
        DeserializationError,
        lambda: BusinessCalendar.from_dict({**CALENDAR, "holidays": ["2025-13-01"]}),
    ),
    (UnknownTimezoneError, lambda: BusinessCalendar.always_open(timezone="Mars/X")),
    (UnknownTimezoneError, lambda: BusinessCalendar.always_open(timezone="localtime")),
    (UnknownTimezoneError, lambda: BusinessCalendar.always_open(timezone="")),
    (
        CalendarNeverOpensError,
        lambda: BusinessCalendar(weekly_hours={}, timezone="UTC"),
    ),
    (CalendarRangeError, lambda: ALWAYS.add(END_OF_TIME, dt.timedelta(days=2))),
    (CalendarRangeError, lambda: ALWAYS.subtract(DAWN, dt.timedelta(days=5))),
    (
        CalendarRangeError,
        lambda: BusinessCalendar.always_open(timezone="Asia/Shanghai").add(
            END_OF_TIME.replace(hour=10), dt.timedelta(hours=1)
        ),
    ),
    (CalendarNeverOpensError, lambda: MAKE_UP_ONLY.next_open(AFTER_THE_MAKE_UP_DAY)),
    (
        CalendarNeverOpensError,
        lambda: MAKE_UP_ONLY.subtract(BEFORE_THE_MAKE_UP_DAY, dt.timedelta(hours=1)),
    ),
    (
        HolidayDataMissingError,
        lambda: STRICT.add(
            pendulum.datetime(2026, 12, 31, 17, tz="Asia/Shanghai"),
            dt.timedelta(hours=2),
        ),
    ),
    (UnknownNameError, lambda: HolidaySet(country="XX")),
    (UnknownNameError, lambda: HolidaySet(country="US", subdiv="ZZ")),
    (InvalidEventError, lambda: ticket_id({"at": "2025-01-27T09:12:00+08:00"})),
    (InvalidEventError, lambda: ticket_id({"ticket_id": [1]})),
    (InvalidHoursError, lambda: parse_weekly({9: [("09:00", "10:00")]})),
    (InvalidHoursError, lambda: parse_hours("Mon 25:00-26:00")),
    (InvalidHoursError, lambda: parse_hours("Mon 9-10")),
    (InvalidHoursError, lambda: parse_hours("Mon 24:00-10:00")),
    (InvalidHoursError, lambda: parse_hours("Mon 10:00-10:00")),
    (InvalidHoursError, lambda: parse_hours("Mon 09:00-12:00,11:00-13:00")),
    (InvalidHoursError, lambda: parse_hours("Xyz 09:00-10:00")),
    (InvalidHoursError, lambda: parse_hours("blah")),
    (InvalidHoursError, lambda: parse_hours("Mon 09:00")),
    (InvalidHoursError, lambda: parse_hours("Mon 09:00-10:00; Mon 11:00-12:00")),
    (InvalidHoursError, lambda: parse_hours(" ; ")),
    (InvalidHoursError, lambda: parse_hours("")),
    # The SLA's own rules as data (issue 14's definitions, issue 16's messages).
    (
        InvalidArgumentError,
        lambda: MetricDefinition(name="x", start_on=None, stop_on={"kind": "created"}),
    ),
    (
        InvalidArgumentError,
        lambda: MetricDefinition(name="x", start_on={"kind": "created"}, stop_on={}),
    ),
    (
        InvalidArgumentError,
        lambda: MetricDefinition(
            name="x", start_on={"kind": "shipped"}, stop_on={"kind": "created"}
        ),
    ),
    (
        InvalidArgumentError,
        lambda: MetricDefinition(
            name="x", start_on={"agent": "a"}, stop_on={"kind": "created"}
        ),
    ),
    (
        InvalidArgumentError,
        lambda: MetricDefinition(
            name="resolution", start_on={"kind": "created"}, stop_on={"kind": "x"}
        ),
    ),
    (
        InvalidArgumentError,
        lambda: MetricDefinition(
            name=" ", start_on={"kind": "created"}, stop_on={"kind": "created"}
        ),
    ),
    (InvalidArgumentError, lambda: SlaTarget(metric="first_response", within=ZERO)),
    (
        DeserializationError,
        lambda: SlaTarget.from_dict({"metric": "nonsense", "within": "PT1H"}),
    ),
    (InvalidArgumentError, lambda: PolicySet([])),
    (
        InvalidEventError,
        lambda: TicketEvent(at=DAWN, kind="agent_reply", status="open"),
    ),
    (InvalidEventError, lambda: TicketEvent(at=DAWN, kind="status_changed")),
    (InvalidEventError, lambda: TicketEvent(at=DAWN, kind="facts_changed")),
]


def _deep(levels: int) -> list[object]:
    deep: list[object] = []
    for _ in range(levels - 1):
        deep = [deep]
    return deep


def _raised(call) -> ServiceKitError:
    with pytest.raises(ServiceKitError) as caught:
        call()
    return caught.value


# Latin words a Chinese error text may hold besides what it quotes: type, key and
# standard names, and the syntax of working hours.
ALLOWED = {
    *("TicketEvent", "PolicySet", "SlaTarget", "BusinessCalendar", "EventKind"),
    *("Tier", "Metric", "ISO", "UTC", "IANA", "JSON", "T", "null", "true", "false"),
    *("True", "type", "timezone", "weekly_hours", "always_open", "HH", "MM", "SS"),
    *("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Daily", "date", "float"),
    "holidays",  # a field's name, and the package
    *("ticket_id", "ticket", "Mon"),
    *("calendar", "with_announcement", "year", "workdays", "CN", "T"),
    # The SLA's names and fields, said as they are written in code and data.
    *("MetricDefinition", "start_on", "stop_on", "name", "kind", "status"),
    *("attributes", "timedelta", "minutes", "SlaPolicy", "when", "None"),
    *("AGENT_REPLY", "STATUS_CHANGED", "FACTS_CHANGED", "CREATED", "RESOLUTION"),
    *("priority", "tier", "channel", "category", "fact", "within", "open"),
    *("resolution", "datetime"),
}
_VERBATIM = re.compile(
    r"'[^']*'|\$[\w.\[\]']*|\w+\[\w+\]|（[^）]*）|(?:以下之一|可用的键为)[：\s]*[^；]*"
)


@pytest.mark.parametrize(("cls", "call"), REACHABLE)
def test_every_reachable_error_carries_a_message_saying_its_english_again(cls, call):
    error = _raised(call)
    assert type(error) is cls
    assert isinstance(error.message, Message)
    assert str(error.message) == str(error)
    chinese = error.message.render("zh-CN")
    words = set(re.findall(r"[A-Za-z_]+", _VERBATIM.sub(" ", chinese)))
    assert words <= ALLOWED, (sorted(words - ALLOWED), chinese)


@pytest.mark.parametrize(("cls", "call"), REACHABLE)
def test_an_error_keeps_its_message_through_pickle(cls, call):
    """A worker process's error reaches the parent with its message (Dask, Spark).

    The error alone is pickled: a test elsewhere in the suite installs tblib's
    pickling support, which pickles the ``__context__`` too, and cattrs' own
    validation errors (the context of a refused document) do not unpickle.
    """
    error = _raised(call)
    error.__context__ = None
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.message) == (cls, str(error), error.message)


def test_an_error_built_without_a_message_has_none():
    error = DeserializationError("plain words")
    assert error.message is None
    assert str(error) == "plain words"


def test_a_phrase_the_codec_has_no_code_for_stays_as_it_is_in_every_locale():
    error = _codec.ExpectedError("a colour such as 'red'", 7)
    assert str(error) == "expected a colour such as 'red', got a number 7"
    assert str(error.message) == str(error)
    assert error.message.render("zh-CN") == "应为a colour such as 'red'，实际为数字 7"


def test_a_mapping_with_a_key_that_is_not_text_is_refused_in_both_locales():
    with pytest.raises(DeserializationError) as caught:
        _codec.from_data(dict[str, int], {1: 2})
    assert str(caught.value) == (
        "dict data is unusable: at $: expected text keys, got a number 1"
    )
    assert str(caught.value.message) == str(caught.value)
    assert caught.value.message.render("zh-CN") == (
        "dict 数据不可用：$ 处：应为文本键，实际为数字 1"
    )


def test_values_of_no_json_type_are_described_as_python_names_them():
    """A Python value given to from_dict (a tuple, a date) is named as it was."""
    for value, english in [
        ((1, 2), "an array (1, 2)"),
        (dt.date(2025, 1, 1), "date datetime.date(2025, 1, 1)"),
    ]:
        error = _codec.ExpectedError("text", value)
        assert str(error) == f"expected text, got {english}"
        assert str(error.message) == str(error)
        assert "文本" in error.message.render("zh-CN")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
documents = (
    st.dictionaries(
        st.sampled_from(
            ["at", "kind", "priority", "tier", "status", "attributes", "x"]
        ),
        json_values,
    )
    | json_values
)


@given(documents)
def test_any_refused_document_says_its_english_again_as_a_message(data):
    """Brute force: whatever the codec refuses, the message is the text, exactly."""
    for cls in (TicketEvent, SlaTarget, PolicySet):
        refused = None
        try:
            cls.from_dict(data)
        except DeserializationError as error:
            refused = error
        if refused is not None:
            assert refused.message is not None
            assert str(refused.message) == str(refused)
            assert refused.message.render("zh-CN")
