"""``servicekit staffing``: how many agents a queue needs, by Erlang C or Erlang A.

A thin edge over ``servicekit.workforce``: it reads a volume, a handling time and a
service-level target (with callers' patience, an answer-rate target too), calls
``required_agents`` (or evaluates a given head count), and prints the plan with a
small table of the head counts around it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TextIO

from servicekit._boundary import quote
from servicekit._iso import duration_to_iso
from servicekit.cli._format import cells, pad, wrap
from servicekit.cli._i18n import N_, _, chinese, percent
from servicekit.cli._inputs import (
    CliError,
    parse_percent,
    parse_rate,
    parse_seconds,
    parse_target,
    seconds_delta,
    whole_number,
)
from servicekit.errors import ServiceKitError
from servicekit.workforce import (
    average_speed_of_answer,
    erlang_a,
    erlang_c,
    offered_traffic,
    required_agents,
    service_level,
)

if TYPE_CHECKING:
    import argparse

_DEFAULT_OPEN_HOURS = 8.0
_DEFAULT_DAYS_PER_WEEK = 5

EPILOG = N_("""\
examples:
  servicekit staffing --volume 1200/day --aht 6m --target 80/20s
  servicekit staffing --volume 150/h --aht 5m --target 90/30s --shrinkage 30% --json
  servicekit staffing --volume 1200/day --open 10h --aht 6m --target 80/20s --agents 18
  servicekit staffing --volume 1200/day --aht 6m --patience 2m --answer-rate 95%

A daily volume is spread evenly over --open hours (default 8h), a weekly one over 5
such days; an hourly volume is used as it is. Erlang C assumes calls arrive at random
and wait in one queue; real days have peaks, so plan each busy hour with N/h.

Callers hang up: with --patience (their mean patience before they hang up) the model
is Erlang A, the service level counts those who hang up against it, and
--answer-rate sets a target for the share answered at all (then --target may go).

SHARES (--target, --answer-rate, --shrinkage): 80%, 80 and 0.8 all mean 80 %.
Written with %, a number is a percentage (0.5% means half a percent); a bare number
above 1 is a percentage; a bare number below 1 is a fraction. A bare 1 could mean
1 %, or 100 %: write 1%.
""")


NAME = "staffing"
HELP = N_("agents needed for a service-level target (Erlang C, or A)")
DESCRIPTION = N_(
    "Erlang C staffing (Erlang A when callers hang up): traffic, agents needed for "
    "a target such as 80 % answered within 20 s or 95 % answered at all, scheduled "
    "agents after shrinkage, service level, answer rate, average speed of answer "
    "and occupancy."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``staffing`` command's options (the parser itself is made by ``_app``)."""
    parser.add_argument(
        "--volume", required=True, help=_("contacts: N/day, N/h (N/hour) or N/week")
    )
    parser.add_argument(
        "--aht", required=True, help=_("average handling time: 6m, 5m30s, 300s…")
    )
    parser.add_argument(
        "--target",
        help=_(
            "service level: 80/20s = 80 %% answered within 20 seconds; the share "
            "may be written 80%%, 80 or 0.8 (see SHARES below); required unless "
            "--answer-rate is given"
        ),
    )
    parser.add_argument(
        "--patience",
        help=_(
            "callers' mean patience before they hang up: 2m, 90s… (the model is "
            "then Erlang A)"
        ),
    )
    parser.add_argument(
        "--answer-rate",
        help=_(
            "share of contacts to answer at all: 95%%, 95 or 0.95 (needs --patience)"
        ),
    )
    parser.add_argument(
        "--open",
        help=_(
            "opening hours a day over which a daily or weekly volume is spread "
            "(default 8h)"
        ),
    )
    parser.add_argument(
        "--shrinkage",
        default="0%",
        help=_(
            "share of paid time off the queue (breaks, training, absence): 15%%, "
            "15 or 0.15 (default 0)"
        ),
    )
    parser.add_argument(
        "--agents",
        type=whole_number,
        metavar="N",
        help=_("evaluate this many agents on the phones instead of finding the fewest"),
    )
    parser.add_argument("--json", action="store_true", help=_("print JSON instead"))


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Compute the staffing plan and print it."""
    del err
    volume, unit = parse_rate(args.volume, what="--volume")
    aht = seconds_delta(parse_seconds(args.aht, what="--aht"), what="--aht")
    if aht <= dt.timedelta(0):
        raise CliError(
            _("--aht: must be more than 0, got {aht}").format(aht=quote(args.aht))
        )
    patience, answer_target = _abandonment(args)
    target_share: float | None = None
    answer = _NO_TARGET_ANSWER
    if args.target is not None:
        target_share, answer_seconds = parse_target(args.target, what="--target")
        answer = seconds_delta(answer_seconds, what="--target")
    elif answer_target is None:
        raise CliError(
            _(
                "--target: required (write it like 80/20s), unless --answer-rate is "
                "given with --patience"
            )
        )
    shrinkage = parse_percent(args.shrinkage, what="--shrinkage")
    if unit == "hour":
        if args.open is not None:
            raise CliError(
                _(
                    "--open: only a daily or weekly --volume is spread over opening hours"
                )
            )
        period = dt.timedelta(hours=1)
        spread = _("per hour")
    else:
        open_text = "8h" if args.open is None else args.open
        open_day = seconds_delta(parse_seconds(open_text, what="--open"), what="--open")
        if not dt.timedelta(0) < open_day <= dt.timedelta(hours=24):
            raise CliError(
                _(
                    "--open: must be more than 0 and at most 24h, got {open_text}"
                ).format(open_text=quote(open_text))
            )
        days = 1 if unit == "day" else _DEFAULT_DAYS_PER_WEEK
        period = open_day * days
        hours = _number(open_day / dt.timedelta(hours=1))
        assumed = _(" (the default --open)") if args.open is None else ""
        spread = (
            _("per day, spread over {hours} h open{assumed}")
            if unit == "day"
            else _("per week, spread over {days} days of {hours} h open{assumed}")
        ).format(hours=hours, days=days, assumed=assumed)
    if args.agents is not None and not 1 <= args.agents <= _MOST_AGENTS:
        raise CliError(
            _("--agents: must be 1 to {value}, got {agents}").format(
                value=f"{_MOST_AGENTS:,}", agents=quote(args.agents)
            )
        )
    if not math.isfinite(volume):
        raise CliError(
            _("--volume: {volume} is too large a volume").format(
                volume=quote(args.volume)
            )
        )
    try:
        traffic = offered_traffic(volume=volume, period=period, aht=aht)
        needed = required_agents(
            volume=volume,
            period=period,
            aht=aht,
            target_answer=answer,
            service_level=target_share,
            shrinkage=shrinkage,
            patience=patience,
            answer_rate=answer_target,
        ).agents
        model = _Model(traffic, volume, period, aht, answer, patience)
        rows = [model.row(n) for n in _shown(needed, args.agents)]
        if target_share is None:  # no answer time was given: no service level
            for row in rows:
                row["service_level"] = None
    except ServiceKitError:
        raise _model_error(args, aht) from None
    agents = needed if args.agents is None else args.agents
    chosen = next((r for r in rows if r["agents"] == agents), None)
    # The library's rule, in exact fractions so that 17 / 0.85 is exactly 20.
    scheduled = math.ceil(Fraction(agents) / (1 - Fraction(shrinkage)))
    facts = {
        "volume": volume,
        "per": unit,
        "period": duration_to_iso(period),
        "aht": duration_to_iso(aht),
        "model": "erlang_c" if patience is None else "erlang_a",
        "patience": None if patience is None else duration_to_iso(patience),
        "target": {
            "service_level": target_share,
            "answer_within": None if target_share is None else duration_to_iso(answer),
            "answer_rate": answer_target,
        },
        "shrinkage": shrinkage,
        "traffic": traffic,
        "agents": agents,
        "agents_given": args.agents is not None,
        "agents_needed": needed,
        "scheduled_agents": scheduled,
        "service_level": None if chosen is None else chosen["service_level"],
        "answer_rate": None if chosen is None else chosen["answer_rate"],
        "abandon_rate": None if chosen is None else chosen["abandon_rate"],
        "asa": None if chosen is None else chosen["asa"],
        "occupancy": None if chosen is None else chosen["occupancy"],
        "waiting_probability": None
        if chosen is None
        else chosen["waiting_probability"],
        "meets_target": chosen is None or _meets(chosen, target_share, answer_target),
        "table": rows,
    }
    if args.json:
        text = json.dumps(facts, indent=2)
    else:
        text = _report(
            facts,
            volume=volume,
            spread=spread,
            aht=aht,
            answer=answer,
            patience=patience,
        )
    print(text, file=out)
    return 0


# Without --target, the service level is not a target and is not shown; the model
# still takes an answer time (Erlang A's answer-rate search ignores it).
_NO_TARGET_ANSWER = dt.timedelta(seconds=20)


def _abandonment(args: argparse.Namespace) -> tuple[dt.timedelta | None, float | None]:
    """``--patience`` and ``--answer-rate``, checked together."""
    patience = None
    if args.patience is not None:
        patience = seconds_delta(
            parse_seconds(args.patience, what="--patience"), what="--patience"
        )
        if patience <= dt.timedelta(0):
            raise CliError(
                _("--patience: must be more than 0, got {value}").format(
                    value=quote(args.patience)
                )
            )
    if args.answer_rate is None:
        return patience, None
    if patience is None:
        raise CliError(
            _(
                "--answer-rate: needs --patience: without it (Erlang C) nobody "
                "hangs up, so every contact is answered"
            )
        )
    return patience, parse_percent(
        args.answer_rate, what="--answer-rate", allow_zero=False
    )


def _shown(needed: int, given: int | None) -> list[int]:
    """The head counts the table shows: two below to three above the one chosen.

    And the fewest that meet the target (with the one below it) when --agents is
    far from it.
    """
    agents = needed if given is None else given
    shown = set(range(max(1, agents - 2), agents + 4))
    if needed:
        shown |= set(range(max(1, needed - 1), needed + 1))
    return sorted(shown)


def _meets(
    row: dict[str, Any], target_share: float | None, answer_target: float | None
) -> bool:
    return (target_share is None or row["service_level"] >= target_share) and (
        answer_target is None or row["answer_rate"] >= answer_target
    )


class _Model:
    """The figures of a head count, by Erlang C or (with a patience) Erlang A."""

    def __init__(  # noqa: PLR0917 -- the queue's six facts
        self,
        traffic: float,
        volume: float,
        period: dt.timedelta,
        aht: dt.timedelta,
        answer: dt.timedelta,
        patience: dt.timedelta | None,
    ) -> None:
        self.traffic, self.volume, self.period = traffic, volume, period
        self.aht, self.answer, self.patience = aht, answer, patience

    def row(self, n: int) -> dict[str, Any]:
        if self.patience is None:
            return _row(n, self.traffic, self.aht, self.answer)
        m = erlang_a(
            agents=n,
            volume=self.volume,
            period=self.period,
            aht=self.aht,
            patience=self.patience,
            target_answer=self.answer,
        )
        return {
            "agents": n,
            "service_level": m.service_level,
            "answer_rate": m.answer_rate,
            "abandon_rate": m.abandon_rate,
            "asa": duration_to_iso(m.asa),
            "asa_seconds": m.asa / dt.timedelta(seconds=1),
            "occupancy": m.occupancy,
            "waiting_probability": m.waiting_probability,
        }


# More agents than the model plans for (its limit on traffic) is a typing slip.
_MOST_AGENTS = 1_000_000
# A handling time longer than a day is not a contact's handling time: when the
# model refuses the traffic, blame --aht for it, else --volume.
_LONGEST_PLAUSIBLE_AHT = dt.timedelta(days=1)


def _model_error(args: argparse.Namespace, aht: dt.timedelta) -> CliError:
    """The model's refusal (too much traffic), blamed on the option most likely mistyped."""
    volume, aht_text = quote(args.volume.strip()), quote(args.aht.strip())
    beyond = _(
        "needs over {count} agents busy at once, beyond what this model plans for"
    ).format(count=f"{_MOST_AGENTS:,}")
    if aht > _LONGEST_PLAUSIBLE_AHT:
        return CliError(
            _(
                "--aht: {aht_text} per contact is longer than a day; with --volume {volume} it {beyond}"
            ).format(aht_text=aht_text, volume=volume, beyond=beyond)
        )
    return CliError(
        _(
            "--volume: {volume} at --aht {aht_text} {beyond}; check the volume, or plan each site or interval separately"
        ).format(volume=volume, aht_text=aht_text, beyond=beyond)
    )


def _number(value: float) -> str:
    """``8`` for 8.0, ``7.5`` for 7.5: no trailing zeros."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _row(
    n: int, traffic: float, aht: dt.timedelta, answer: dt.timedelta
) -> dict[str, Any]:
    keeps_up = n > traffic or traffic == 0
    asa = (
        average_speed_of_answer(agents=n, traffic=traffic, aht=aht)
        if keeps_up
        else None
    )
    return {
        "agents": n,
        "service_level": service_level(
            agents=n, traffic=traffic, aht=aht, target_answer=answer
        ),
        "answer_rate": None,  # Erlang C: nobody hangs up, whatever the wait
        "abandon_rate": None,
        "asa": None if asa is None else duration_to_iso(asa),
        "asa_seconds": None if asa is None else asa / dt.timedelta(seconds=1),
        "occupancy": min(1.0, traffic / n),
        "waiting_probability": erlang_c(n, traffic),
    }


def _percent(share: float) -> str:
    return percent(100 * share)


_MOST_DECIMALS = 6
_WIDTH = 100


def _level(share: float, target_share: float, target_text: str) -> str:
    """A service level with the decimals it takes to compare it with the target.

    One decimal usually does; more are shown when rounding would make a level below
    the target read as reaching it (99.98 %, not 100.0 %, against 99.99 %), or one
    that meets it read as below. Past six decimals the level is cut toward the side
    it is on.
    """
    value = 100 * share
    target = Decimal(target_text)
    below = share < target_share
    for places in range(1, _MOST_DECIMALS + 1):
        text = f"{value:.{places}f}"
        if (Decimal(text) < target) == below:
            return f"{text}{_SIGN()}"
    step = Decimal(1).scaleb(-_MOST_DECIMALS)
    if below:
        return f"{target - step}{_SIGN()}"
    return f"{target}{_SIGN()}"  # pragma: no cover - float noise at the sixth decimal


def _SIGN() -> str:  # noqa: N802 -- the percent sign as the run's language writes it
    return percent(0, 0).removeprefix("0")


def _asa(seconds: float | None) -> str:
    if seconds is None:
        return _("unbounded")
    return _("{seconds} s").format(seconds=f"{seconds:.1f}")


def _report(
    facts: dict[str, Any],
    *,
    volume: float,
    spread: str,
    aht: dt.timedelta,
    answer: dt.timedelta,
    patience: dt.timedelta | None = None,
) -> str:
    target_share = facts["target"]["service_level"]
    rate_target = facts["target"]["answer_rate"]
    sign = _SIGN()
    target_text = None if target_share is None else _number(100 * target_share)
    rate_text = None if rate_target is None else _number(100 * rate_target)
    if target_text is not None:
        heading = _(
            "Staffing for {volume} contacts {spread}, AHT {aht}, target {target} "
            "answered within {answer}"
        ).format(
            volume=_number(volume),
            spread=spread,
            aht=_duration(aht),
            target=f"{target_text}{sign}",
            answer=_duration(answer),
        )
    else:
        heading = _(
            "Staffing for {volume} contacts {spread}, AHT {aht}, target {target} "
            "answered"
        ).format(
            volume=_number(volume),
            spread=spread,
            aht=_duration(aht),
            target=f"{rate_text}{sign}",
        )
    lines = [
        # A terminal of 100 columns; "80 %" is never cut at its space.
        *(
            line.replace("\u00a0", " ")
            for line in wrap(heading.replace(" %", "\u00a0%"), _WIDTH)
        ),
        _("Traffic: {traffic} Erlangs").format(traffic=f"{facts['traffic']:.2f}"),
    ]
    erlang_a = patience is not None
    if patience is not None:
        lines.append(
            _("Callers hang up after {patience} on average (Erlang A)").format(
                patience=_duration(patience)
            )
        )
    agents = facts["agents"]
    if agents == 0:
        lines.append(_("No contacts, so no agents are needed."))
        return "\n".join(lines)
    chosen = next(r for r in facts["table"] if r["agents"] == agents)
    if facts["agents_given"]:
        lines.append(
            (
                _("Agents on the phones: {n} (given; meets the target)")
                if facts["meets_target"]
                else _("Agents on the phones: {n} (given; misses the target)")
            ).format(n=agents)
        )
        if facts["agents_needed"] != agents:
            lines.append(
                _("Fewest agents that meet the target: {n}").format(
                    n=facts["agents_needed"]
                )
            )
    else:
        lines.append(_("Agents needed on the phones: {n}").format(n=agents))
    lines.append(
        _("Scheduled agents with {shrinkage} shrinkage: {n}").format(
            shrinkage=f"{_number(100 * facts['shrinkage'])}{sign}",
            n=facts["scheduled_agents"],
        )
    )

    def answered(row: dict[str, Any]) -> str:
        if rate_target is None or rate_text is None:
            return _percent(row["answer_rate"])
        return _level(row["answer_rate"], rate_target, rate_text)

    if target_text is not None:
        lines.append(
            _("Service level: {level} answered within {answer}").format(
                level=_level(chosen["service_level"], target_share, target_text),
                answer=_duration(answer),
            )
        )
    if erlang_a:
        lines += [
            _("Answered: {share}").format(share=answered(chosen)),
            _("Hung up: {share}").format(share=_percent(chosen["abandon_rate"])),
        ]
    lines += [
        _("Average speed of answer: {asa}").format(asa=_asa(chosen["asa_seconds"])),
        _("Occupancy: {share}").format(share=_percent(chosen["occupancy"])),
        _("Probability of waiting: {share}").format(
            share=_percent(chosen["waiting_probability"])
        ),
        "",
    ]
    # Columns: agents, [service level], [answered], ASA, occupancy; then the mark.
    columns = [(_("agents"), 6, lambda r: str(r["agents"]))]
    if target_share is not None and target_text is not None:
        share, text = target_share, target_text
        columns.append(
            (
                _("service level"),
                13,
                lambda r: _level(r["service_level"], share, text),
            )
        )
    if erlang_a:
        columns.append((_("answered"), 8, answered))
    columns += [
        (_("ASA"), 10, lambda r: _asa(r["asa_seconds"])),
        (_("occupancy"), 9, lambda r: _percent(r["occupancy"])),
    ]
    rows: list[tuple[str, ...]] = [(*(c[0] for c in columns), "")]
    previous = None
    for row in facts["table"]:
        if previous is not None and row["agents"] != previous + 1:
            rows.append(("…", *([""] * len(columns))))
        previous = row["agents"]
        mark = "<-" if row["agents"] == agents else ""
        if row["agents"] == facts["agents_needed"] != agents:
            mark = _("fewest that meet the target")
        rows.append((*(c[2](row) for c in columns), mark))
    widths = [
        max(least, *(cells(r[i]) for r in rows))
        for i, (_name, least, _cell) in enumerate(columns)
    ]
    for r in rows:
        line = "  ".join(pad(c, w, right=True) for c, w in zip(r, widths, strict=False))
        lines.append(f"{line}  {r[-1]}" if r[-1] else line.rstrip())
    return "\n".join(lines)


def _duration(value: dt.timedelta) -> str:
    """``6 min``, ``20 s``, ``5 min 30 s``, ``1 h``: the way people say it."""
    seconds = value / dt.timedelta(seconds=1)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(_("{n} h").format(n=_number(hours)))
    if minutes:
        parts.append(_("{n} min").format(n=_number(minutes)))
    if secs or not parts:
        parts.append(_("{n} s").format(n=_number(secs)))
    return ("" if chinese() else " ").join(parts)
