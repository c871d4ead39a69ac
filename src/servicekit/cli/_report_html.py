"""Render the ``servicekit demo`` report as one self-contained HTML page.

:func:`render_html` turns the JSON-native report dict into a single HTML5 page written
in XHTML syntax, so that it also parses as XML: an inline ``<style>``, hand-built
inline ``<svg>`` charts, tables for everything else. There is no JavaScript and no
reference to anything outside the page (no fonts, images, style sheets or links other
than ``#section`` anchors). The output is deterministic: the same report always gives
the same bytes (nothing reads the clock or iterates an unordered collection).

Charts are drawn from plain SVG primitives (``<line>``, ``<rect>``, ``<circle>``,
``<path>``, ``<text>``) on linear scales; every chart carries ``role="img"``, an
``aria-label`` and a ``<title>``. Each chart's height grows with its number of rows,
so the page reads the same for one city or forty.

Durations, identifiers turned into words, and counts with thousands separators are
written as in the text report (``servicekit.cli._report_text``). At phone width, charts
keep their size and scroll sideways inside their figure (their labels stay legible), and
every table scrolls sideways inside its own wrapper.
"""

from __future__ import annotations

import html
import math
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from servicekit.cli._format import decimals
from servicekit.cli._report_text import human, humane, wait

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["render_html"]

SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"

# Characters XML 1.0 does not allow, even escaped: replaced so the page always parses.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_COLOURS = {
    "top": "#1a7f37",
    "bottom": "#c62828",
    "ranked": "#1f5fbf",
    "unranked": "#8a8f98",
}
_INK = "#24292f"
_GRID = "#d8dee4"
_BAR = "#4f7fc4"
_BAR_LIGHT = "#b9cdea"

_WIDTH = 760
_ROW = 22

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #24292f; background: #ffffff; margin: 0 auto; max-width: 64rem;
       padding: 1rem 1.5rem 3rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #d8dee4;
     padding-bottom: 0.2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #d8dee4; padding: 0.25rem 0.6rem; text-align: left;
         vertical-align: top; }
th { background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.top td:first-child { border-left: 4px solid #1a7f37; }
tr.bottom td:first-child { border-left: 4px solid #c62828; }
tr.unranked td { color: #6e7781; }
.mark { font-size: 0.8rem; font-weight: 600; padding: 0 0.3rem; border-radius: 0.2rem; }
.mark.top { color: #1a7f37; }
.mark.bottom { color: #c62828; }
.mark.unranked { color: #6e7781; }
.none { color: #6e7781; font-style: italic; }
.figures { display: flex; flex-wrap: wrap; gap: 0.6rem; padding: 0; list-style: none; }
.figures li { border: 1px solid #d8dee4; border-radius: 0.4rem; padding: 0.4rem 0.8rem; }
.figures b { display: block; font-size: 1.2rem; }
figure { margin: 1rem 0; }
figcaption { font-size: 0.85rem; color: #57606a; }
svg { font-family: inherit; }
.chart, .table { overflow-x: auto; -webkit-overflow-scrolling: touch; max-width: 100%; }
.chart svg { display: block; max-width: none; }
footer { margin-top: 3rem; font-size: 0.8rem; color: #6e7781; }
"""


# --- text and number formatting -------------------------------------------------------


def _e(value: object) -> str:
    """Escape ``value`` for XML text or a quoted attribute."""
    return html.escape(_NOT_XML.sub("\ufffd", str(value)), quote=True)


def _finite(value: Any) -> float | None:
    """``value`` as a finite float, or ``None``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _num(value: Any, digits: int = 1) -> str:
    """A number with ``digits`` decimals (``n/a`` if it is not a finite number)."""
    number = _finite(value)
    if number is None:
        return "n/a"
    text = f"{number:.{digits}f}"
    if float(text) == 0:  # no "-0.0"
        text = f"{0.0:.{digits}f}"
    return text


def _pct(value: Any) -> str:
    """A percentage (already 0–100) with one decimal: ``82.1 %``."""
    text = _num(value)
    return text if text == "n/a" else f"{text} %"


def _frac_pct(value: Any) -> str:
    """A fraction 0–1 as a percentage with one decimal."""
    number = _finite(value)
    return "n/a" if number is None else _pct(number * 100)


def _share(part: Any, whole: Any) -> str:
    """``part`` as a percentage of ``whole`` (``n/a`` when ``whole`` is not positive)."""
    numerator, denominator = _finite(part), _finite(whole)
    if numerator is None or denominator is None or denominator <= 0:
        return "n/a"
    return _pct(100 * numerator / denominator)


def _interval(est: Mapping[str, Any], digits: int = 1) -> str:
    """An estimate with its interval: ``82.1 (79.4–84.6)``.

    More decimals where one would show a bound (0, ±100) the estimate is not at.
    """
    numbers = [_finite(est[key]) for key in ("value", "low", "high")]
    digits = decimals((x for x in numbers if x is not None), digits)
    value, low, high = (_num(est[key], digits) for key in ("value", "low", "high"))
    return f"{value} ({low}–{high})"


def _when(instant: Any) -> str:
    """An ISO-8601 instant as a ``<time>`` element showing date, time and offset."""
    text = str(instant)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        shown = text
    else:
        shown = parsed.strftime("%Y-%m-%d %H:%M")
        offset = parsed.strftime("%z")
        if offset:
            shown += f" {offset[:3]}:{offset[3:5]}"
    return f'<time datetime="{_e(text)}">{_e(shown)}</time>'


def _human(name: Any) -> str:
    """``first_response`` → ``first response``; ``send_sheet`` → a phrase."""
    return human(name)


def _count(value: Any) -> str:
    """A whole number with thousands separators, as in the text: ``12,845``.

    Examples:
        >>> _count(12845), _count(2.5), _count("x")
        ('12,845', '2.5', 'x')
    """
    number = _finite(value)
    if number is None or number != int(number):
        return str(value)
    return f"{int(number):,}"


def _confidence(est: Mapping[str, Any] | None) -> str:
    """The confidence level of ``est`` as ``95 %`` (95 % when unknown)."""
    level = _finite(est.get("confidence")) if est is not None else None
    if level is None or not 0 < level < 1:
        level = 0.95
    return f"{level * 100:g} %"


# --- HTML building blocks -------------------------------------------------------------


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    row_classes: Sequence[str] | None = None,
    caption: str | None = None,
) -> str:
    """A table of pre-escaped cells; ``numeric`` columns align right. Empty → "none"."""
    if not rows:
        return '<p class="none">none</p>'
    numeric_set = set(numeric)

    def cls(index: int) -> str:
        return ' class="num"' if index in numeric_set else ""

    head = "".join(
        f'<th scope="col"{cls(i)}>{cell}</th>' for i, cell in enumerate(headers)
    )
    body = []
    for index, row in enumerate(rows):
        row_class = row_classes[index] if row_classes is not None else ""
        attr = f' class="{_e(row_class)}"' if row_class else ""
        cells = "".join(f"<td{cls(i)}>{cell}</td>" for i, cell in enumerate(row))
        body.append(f"<tr{attr}>{cells}</tr>")
    cap = f"<caption>{caption}</caption>" if caption else ""
    return (
        f'<div class="table"><table>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def _section(section_id: str, title: str, body: Sequence[str]) -> str:
    inner = "\n".join(body)
    return f'<section id="{section_id}">\n<h2>{_e(title)}</h2>\n{inner}\n</section>'


def _figure(svg: str, caption: str) -> str:
    return (
        f'<figure>\n<div class="chart">{svg}</div>\n'
        f"<figcaption>{_e(caption)}</figcaption>\n</figure>"
    )


# --- SVG building blocks --------------------------------------------------------------


def _f(value: float) -> str:
    """A pixel coordinate with one decimal (no ``-0.0``)."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _el(name: str, attrs: Mapping[str, object], content: str | None = None) -> str:
    """An SVG element; float attributes are pixel coordinates, the rest is escaped."""
    parts = []
    for key, raw in attrs.items():
        value = _f(raw) if isinstance(raw, float) else _e(raw)
        parts.append(f' {key}="{value}"')
    joined = "".join(parts)
    if content is None:
        return f"<{name}{joined}/>"
    return f"<{name}{joined}>{content}</{name}>"


def _text(x: float, y: float, text: str, **attrs: object) -> str:
    """A ``<text>`` element; keyword ``anchor``/``size``/``cls`` map to attributes."""
    attributes: dict[str, object] = {"x": x, "y": y}
    if "anchor" in attrs:
        attributes["text-anchor"] = attrs.pop("anchor")
    attributes["font-size"] = attrs.pop("size", 11)
    if "cls" in attrs:
        attributes["class"] = attrs.pop("cls")
    attributes.update(attrs)
    return _el("text", attributes, _e(text))


def _svg(chart_id: str, label: str, height: float, body: Sequence[str]) -> str:
    """The outer ``<svg>``: namespace, viewBox, accessible name and ``<title>``."""
    head = (
        f'<svg xmlns="{SVG_NS}" id="{_e(chart_id)}" role="img" '
        f'aria-label="{_e(label)}" width="{_WIDTH}" height="{_f(height)}" '
        f'viewBox="0 0 {_WIDTH} {_f(height)}">'
    )
    return "\n".join([head, f"<title>{_e(label)}</title>", *body, "</svg>"])


class _Scale:
    """A linear map from ``[lo, hi]`` onto pixels ``[x0, x1]``, clamped to the range."""

    def __init__(self, lo: float, hi: float, x0: float, x1: float) -> None:
        self.lo, self.hi, self.x0, self.x1 = lo, hi, x0, x1

    def __call__(self, value: Any) -> float:
        number = _finite(value)
        if number is None:
            number = self.lo
        number = min(max(number, self.lo), self.hi)
        return self.x0 + (number - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0)


def _x_axis(
    scale: _Scale, ticks: Sequence[float], top: float, bottom: float, fmt: Any
) -> list[str]:
    """Vertical grid lines at ``ticks`` with labels under ``bottom``."""
    out = ['<g class="axis">']
    for tick in ticks:
        x = scale(tick)
        out.append(
            _el(
                "line",
                {"x1": x, "x2": x, "y1": top, "y2": bottom, "stroke": _GRID},
            )
        )
        out.append(_text(x, bottom + 14.0, fmt(tick), anchor="middle", size=10))
    out.append("</g>")
    return out


def _shorten(name: str, limit: int = 24) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _none_text(x: float, y: float) -> str:
    return _text(x, y, "none", cls="none", fill=_COLOURS["unranked"])


# --- chart 1: city index with intervals -----------------------------------------------


def _city_kind(row: Mapping[str, Any]) -> str:
    if not row.get("rankable", True):
        return "unranked"
    if row.get("top"):
        return "top"
    if row.get("bottom"):
        return "bottom"
    return "ranked"


def _index_domain(rows: Sequence[Mapping[str, Any]]) -> tuple[float, float]:
    """A zoomed 0–100 axis: outward to multiples of 10, at least 10 wide."""
    values = [
        number
        for row in rows
        for number in (
            _finite(row["index"]["low"]),
            _finite(row["index"]["high"]),
            _finite(row["index"]["value"]),
            _finite(row["shrunk"]["value"]),
        )
        if number is not None
    ]
    if not values:
        return 0.0, 100.0
    lo = max(0.0, min(100.0, math.floor(min(values) / 10) * 10.0))
    hi = min(100.0, max(0.0, math.ceil(max(values) / 10) * 10.0))
    if hi - lo < 10:
        lo = max(0.0, min(lo, hi - 10))
        hi = lo + 10
    return lo, hi


def _city_markers(cities: Mapping[str, Any]) -> dict[str, str]:
    min_n = cities.get("min_n", 30)
    top, bottom = cities.get("top", []), cities.get("bottom", [])
    return {
        "top": f"top {len(top)}" if top else "top",
        "bottom": f"bottom {len(bottom)}" if bottom else "bottom",
        "unranked": f"n<{min_n}, not ranked",
        "ranked": "",
    }


def _city_index_chart(cities: Mapping[str, Any]) -> str:
    rows = list(cities["rows"])  # the table's order: one order for the reader
    markers = _city_markers(cities)
    lo, hi = _index_domain(rows)
    x0, x1 = 180.0, _WIDTH - 150.0
    scale = _Scale(lo, hi, x0, x1)
    top = 64.0
    n_rows = max(len(rows), 1)
    bottom = top + n_rows * _ROW
    height = bottom + 40.0
    level = _confidence(rows[0]["index"] if rows else None)
    label = f"Satisfaction index of {len(rows)} cities, {level} intervals, table order"
    body: list[str] = [_text(10.0, 18.0, label, size=13, **{"font-weight": "bold"})]
    body.extend(_city_legend(markers, level))
    step = 5 if hi - lo <= 30 else 10
    ticks = [float(t) for t in range(int(lo), int(hi) + 1, step)]
    body.extend(_x_axis(scale, ticks, top - 4, bottom, lambda t: f"{t:g}"))
    if not rows:
        body.append(_none_text(x0, top + 15))
    for i, row in enumerate(rows):
        kind = _city_kind(row)
        colour = _COLOURS[kind]
        cy = top + i * _ROW + _ROW / 2
        index, shrunk = row["index"], row["shrunk"]
        city = str(row["city"])
        xl, xv, xh = scale(index["low"]), scale(index["value"]), scale(index["high"])
        xs = scale(shrunk["value"])
        tip = (
            f"{city}: index {_interval(index)}, shrunk {_num(shrunk['value'])}, "
            f"n={row['n']}, rank {row.get('rank') or '–'}"
        )
        body.append(f'<g class="city-row {kind}" data-city="{_e(city)}">')
        body.append(f"<title>{_e(tip)}</title>")
        if i % 2 == 0:
            body.append(
                _el(
                    "rect",
                    {
                        "x": 0.0,
                        "y": cy - _ROW / 2,
                        "width": float(_WIDTH),
                        "height": float(_ROW),
                        "fill": "#f6f8fa",
                        "fill-opacity": "0.6",
                    },
                )
            )
        body.append(_text(x0 - 10, cy + 4, _shorten(city), anchor="end", fill=_INK))
        line = {"stroke": colour, "stroke-width": "2"}
        body.append(
            _el(
                "line",
                {"class": "whisker", "x1": xl, "x2": xh, "y1": cy, "y2": cy} | line,
            )
        )
        body.extend(
            _el(
                "line",
                {"class": "cap", "x1": x, "x2": x, "y1": cy - 4, "y2": cy + 4} | line,
            )
            for x in (xl, xh)
        )
        fill = "#ffffff" if kind == "unranked" else colour
        body.append(
            _el(
                "circle",
                {
                    "class": "dot",
                    "cx": xv,
                    "cy": cy,
                    "r": "5",
                    "fill": fill,
                    "stroke": colour,
                    "stroke-width": "2",
                },
            )
        )
        body.append(
            _el(
                "path",
                {
                    "class": "shrunk",
                    "d": f"M{_f(xs)} {_f(cy - 3.5)}L{_f(xs + 3.5)} {_f(cy)}"
                    f"L{_f(xs)} {_f(cy + 3.5)}L{_f(xs - 3.5)} {_f(cy)}Z",
                    "fill": _INK,
                },
            )
        )
        if markers[kind]:
            body.append(
                _text(
                    x1 + 12, cy + 4, markers[kind], cls="marker", fill=colour, size=10
                )
            )
        body.append("</g>")
    return _svg("chart-city-index", label, height, body)


def _city_legend(markers: Mapping[str, str], level: str) -> list[str]:
    out = ['<g class="legend">']
    y = 40.0
    x = 10.0
    for kind, text in (
        ("top", markers["top"]),
        ("bottom", markers["bottom"]),
        ("ranked", "other cities"),
        ("unranked", markers["unranked"]),
    ):
        colour = _COLOURS[kind]
        fill = "#ffffff" if kind == "unranked" else colour
        out.append(
            _el(
                "circle",
                {
                    "class": "legend-dot",
                    "cx": x + 5,
                    "cy": y - 4,
                    "r": "5",
                    "fill": fill,
                    "stroke": colour,
                    "stroke-width": "2",
                },
            )
        )
        out.append(_text(x + 14, y, text, fill=colour))
        x += 30.0 + 6.5 * len(text)
    out.append(
        _el(
            "path",
            {
                "d": f"M{_f(x + 5)} {_f(y - 7.5)}L{_f(x + 8.5)} {_f(y - 4)}"
                f"L{_f(x + 5)} {_f(y - 0.5)}L{_f(x + 1.5)} {_f(y - 4)}Z",
                "fill": _INK,
            },
        )
    )
    out.append(_text(x + 14, y, "shrunk (empirical Bayes)", fill=_INK))
    x += 175.0
    out.append(
        _el("line", {"x1": x, "x2": x + 24, "y1": y - 4, "y2": y - 4, "stroke": _INK})
    )
    out.append(_text(x + 30, y, f"{level} interval", fill=_INK))
    out.append("</g>")
    return out


# --- chart 2: SLA compliance ----------------------------------------------------------


def _sla_chart(sla: Mapping[str, Any]) -> str:
    groups = [
        (
            "By metric",
            [(_human(r["metric"]), r["compliance"]) for r in sla["by_metric"]],
        ),
        (
            "By priority",
            [(_human(r["priority"]), r["compliance"]) for r in sla["by_priority"]],
        ),
    ]
    x0, x1 = 150.0, _WIDTH - 170.0
    scale = _Scale(0.0, 100.0, x0, x1)
    top = 34.0
    n_lines = sum(1 + max(len(rows), 1) for _, rows in groups)
    bottom = top + n_lines * _ROW
    height = bottom + 40.0
    label = "SLA compliance in percent with intervals, by metric and by priority"
    body: list[str] = [_text(10.0, 18.0, label, size=13, **{"font-weight": "bold"})]
    ticks = [float(t) for t in range(0, 101, 10)]
    body.extend(_x_axis(scale, ticks, top, bottom, lambda t: f"{t:g} %"))
    y = top
    for group, rows in groups:
        body.append(f'<g class="group" data-group="{_e(group)}">')
        body.append(
            _text(10.0, y + 15, group, cls="group-label", **{"font-weight": "bold"})
        )
        y += _ROW
        if not rows:
            body.append(_none_text(x0, y + 15))
            y += _ROW
        for name, est in rows:
            cy = y + _ROW / 2
            xv = scale(est["value"])
            body.append(f'<g class="sla-row" data-name="{_e(name)}">')
            body.append(f"<title>{_e(f'{group}, {name}: {_interval(est)} %')}</title>")
            body.append(_text(x0 - 10, cy + 4, name, anchor="end", fill=_INK))
            body.append(
                _el(
                    "rect",
                    {
                        "class": "bar",
                        "x": x0,
                        "y": cy - 6,
                        "width": xv - x0,
                        "height": 12.0,
                        "fill": _BAR,
                    },
                )
            )
            xl, xh = scale(est["low"]), scale(est["high"])
            body.append(
                _el(
                    "line",
                    {
                        "class": "whisker",
                        "x1": xl,
                        "x2": xh,
                        "y1": cy,
                        "y2": cy,
                        "stroke": _INK,
                        "stroke-width": "1.5",
                    },
                )
            )
            body.append(_text(x1 + 10, cy + 4, _interval(est), fill=_INK))
            body.append("</g>")
            y += _ROW
        body.append("</g>")
    return _svg("chart-sla-compliance", label, height, body)


# --- chart 3: queue wait histogram ----------------------------------------------------


def _histogram_chart(histogram: Sequence[Mapping[str, Any]]) -> str:
    x0, x1 = 40.0, _WIDTH - 20.0
    top, plot_h = 50.0, 200.0
    base = top + plot_h
    height = base + 50.0
    label = "Queue waiting times: number of routed tickets per waiting-time band"
    body: list[str] = [_text(10.0, 18.0, label, size=13, **{"font-weight": "bold"})]
    body.append(
        _el("line", {"x1": x0, "x2": x1, "y1": base, "y2": base, "stroke": _INK})
    )
    if not histogram:
        body.append(_none_text(x0 + 10, base - 10))
    counts = [max(0, int(_finite(b["count"]) or 0)) for b in histogram]
    biggest = max(counts, default=0)
    slot = (x1 - x0) / max(len(histogram), 1)
    width = slot * 0.8
    for i, (band, count) in enumerate(zip(histogram, counts, strict=True)):
        bar_h = plot_h * count / biggest if biggest else 0.0
        x = x0 + i * slot + (slot - width) / 2
        centre = x + width / 2
        band_label = str(band["label"])
        body.append(f'<g class="band" data-label="{_e(band_label)}">')
        body.append(f"<title>{_e(f'{band_label}: {count} tickets')}</title>")
        body.append(
            _el(
                "rect",
                {
                    "class": "bar",
                    "x": x,
                    "y": base - bar_h,
                    "width": width,
                    "height": bar_h,
                    "fill": _BAR,
                    "data-count": count,
                },
            )
        )
        body.append(
            _text(centre, base - bar_h - 5, str(count), anchor="middle", cls="count")
        )
        body.append(
            _text(centre, base + 16, band_label, anchor="middle", cls="label", size=10)
        )
        body.append("</g>")
    return _svg("chart-queue-waits", label, height, body)


# --- chart 4: median and p90 wait per city --------------------------------------------


_NICE_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)


def _wait_ticks(biggest: float) -> list[float]:
    """Tick positions in seconds covering ``[0, biggest]`` in at most six steps."""
    step = float(_NICE_STEPS[-1])
    for candidate in _NICE_STEPS:
        if biggest / candidate <= 6:
            step = float(candidate)
            break
    while biggest / step > 6:
        step *= 2
    count = max(1, math.ceil(biggest / step))
    return [step * k for k in range(count + 1)]


def _city_waits_chart(by_city: Sequence[Mapping[str, Any]]) -> str:
    rows = sorted(
        by_city,
        key=lambda r: (-(_finite(r["p90_wait_seconds"]) or 0.0), str(r["city"])),
    )
    x0, x1 = 180.0, _WIDTH - 215.0
    top = 54.0
    n_rows = max(len(rows), 1)
    bottom = top + n_rows * _ROW
    height = bottom + 40.0
    waits = [
        number
        for row in rows
        for number in (
            _finite(row["median_wait_seconds"]),
            _finite(row["p90_wait_seconds"]),
        )
        if number is not None
    ]
    ticks = _wait_ticks(max([*waits, 1.0]))
    scale = _Scale(0.0, ticks[-1], x0, x1)
    label = "Waiting time per city: median and 90th percentile, sorted by p90"
    body: list[str] = [_text(10.0, 18.0, label, size=13, **{"font-weight": "bold"})]
    body.append('<g class="legend">')
    body.append(
        _el(
            "rect",
            {"x": 10.0, "y": 30.0, "width": 14.0, "height": 10.0, "fill": _BAR_LIGHT},
        )
    )
    body.append(_text(30.0, 39.0, "p90 wait", fill=_INK))
    body.append(
        _el("rect", {"x": 110.0, "y": 32.0, "width": 14.0, "height": 6.0, "fill": _BAR})
    )
    body.append(_text(130.0, 39.0, "median wait", fill=_INK))
    body.append("</g>")
    body.extend(_x_axis(scale, ticks, top - 4, bottom, wait))
    if not rows:
        body.append(_none_text(x0, top + 15))
    for i, row in enumerate(rows):
        cy = top + i * _ROW + _ROW / 2
        city = str(row["city"])
        median, p90 = row["median_wait_seconds"], row["p90_wait_seconds"]
        tip = (
            f"{city}: median {wait(median)}, p90 {wait(p90)}, "
            f"{row['tickets']} tickets, {row['agents']} agents"
        )
        body.append(f'<g class="city-row" data-city="{_e(city)}">')
        body.append(f"<title>{_e(tip)}</title>")
        body.append(_text(x0 - 10, cy + 4, _shorten(city), anchor="end", fill=_INK))
        body.append(
            _el(
                "rect",
                {
                    "class": "bar-p90",
                    "x": x0,
                    "y": cy - 7,
                    "width": scale(p90) - x0,
                    "height": 14.0,
                    "fill": _BAR_LIGHT,
                },
            )
        )
        body.append(
            _el(
                "rect",
                {
                    "class": "bar-median",
                    "x": x0,
                    "y": cy - 3,
                    "width": scale(median) - x0,
                    "height": 6.0,
                    "fill": _BAR,
                },
            )
        )
        body.append(
            _text(
                x1 + 10,
                cy + 4,
                f"median {wait(median)} · p90 {wait(p90)}",
                fill=_INK,
                size=10,
            )
        )
        body.append("</g>")
    return _svg("chart-city-waits", label, height, body)


# --- sections -------------------------------------------------------------------------


def _header(report: Mapping[str, Any]) -> str:
    meta = report["meta"]
    month = meta["month"]
    facts = [
        ("Month", _e(month)),
        ("Time zone", _e(meta["timezone"])),
        ("Report time", _when(meta["now"])),
        ("Seed", _e(meta["seed"])),
        ("Days simulated", _e(meta["days"])),
        ("Cities", _e(meta["cities"])),
        ("Agents", f"{_e(meta['agents'])} ({_e(meta['part_time_agents'])} part-time)"),
        ("Requests", _e(_count(meta["requests"]))),
        ("Routed tickets", _e(_count(meta["routed"]))),
        ("Survey answers", _e(_count(meta["survey_answers"]))),
        ("Requirements", _e(meta["requirements"])),
    ]
    rows = "".join(f'<tr><th scope="row">{k}</th><td>{v}</td></tr>' for k, v in facts)
    figures = [
        ("NPS", _num(report["nps"]["estimate"]["value"])),
        ("CSAT top box", _pct(report["csat"]["top_box"]["value"])),
        ("First-contact resolution", _pct(report["fcr"]["estimate"]["value"])),
        ("SLA breaches", f"{_count(report['sla']['breaches']['tickets'])} tickets"),
    ]
    strip = "".join(f"<li>{_e(k)}<b>{_e(v)}</b></li>" for k, v in figures)
    links = [
        ("sla", "SLA"),
        ("routing", "Routing"),
        ("cities", "Cities"),
        ("nps", "NPS"),
        ("csat", "CSAT"),
        ("fcr", "FCR"),
        ("alerts", "Alerts"),
        ("requirements", "Requirements"),
        ("staffing", "Staffing"),
    ]
    nav = "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in links)
    return (
        f'<header id="summary">\n<h1>Customer service by the numbers: {_e(month)}</h1>\n'
        "<p>A simulated month of a national customer-service operation "
        "(<code>servicekit demo</code>).</p>\n"
        f'<ul class="figures">{strip}</ul>\n'
        f'<table class="meta"><tbody>{rows}</tbody></table>\n'
        f"<nav><ul>{nav}</ul></nav>\n</header>"
    )


def _sla_section(sla: Mapping[str, Any]) -> str:
    by_metric = _table(
        [
            "Metric",
            "Measured",
            "Met",
            "Breached",
            "Running",
            "Compliance, % (interval)",
        ],
        [
            [
                _e(_human(r["metric"])),
                _e(_count(r["measured"])),
                _e(_count(r["met"])),
                _e(_count(r["breached"])),
                _e(_count(r["running"])),
                _e(_interval(r["compliance"])),
            ]
            for r in sla["by_metric"]
        ],
        numeric=(1, 2, 3, 4, 5),
    )

    def by_key(key: str, title: str) -> str:
        return _table(
            [title, "Tickets", "Breached tickets", "Compliance, % (interval)"],
            [
                [
                    _e(_human(r[key])),
                    _e(_count(r["tickets"])),
                    _e(_count(r["breached_tickets"])),
                    _e(_interval(r["compliance"])),
                ]
                for r in sla[f"by_{key}"]
            ],
            numeric=(1, 2, 3),
        )

    breaches = sla["breaches"]
    worst = _table(
        ["Ticket", "City", "Policy", "Priority", "Metric", "Due", "Late by"],
        [
            [
                _e(w["ticket"]),
                _e(w["city"]),
                _e(_human(w["policy"])),
                _e(w["priority"]),
                _e(_human(w["metric"])),
                _when(w["due_at"]),
                _e(wait(w["late_by_seconds"])),
            ]
            for w in breaches["worst"]
        ],
        numeric=(6,),
    )
    return _section(
        "sla",
        "Service-level agreements",
        [
            _figure(
                _sla_chart(sla),
                "By metric, bars are the share of measured clocks met; by priority, "
                "the share of requests with no breached clock. Whiskers: the "
                "interval of each share.",
            ),
            "<h3>By metric</h3>",
            by_metric,
            "<h3>By priority</h3>",
            by_key("priority", "Priority"),
            "<h3>By policy</h3>",
            by_key("policy", "Policy"),
            "<h3>Breaches</h3>",
            (
                f"<p>{_e(_count(breaches['tickets']))} tickets breached "
                f"{_e(_count(breaches['metrics']))} clocks in total. The worst:</p>"
            ),
            worst,
        ],
    )


def _routing_section(routing: Mapping[str, Any]) -> str:
    routed = routing["routed"]
    outcomes = [
        ("Routed tickets", routing["routed"], None),
        ("Assigned to an agent", routing["assigned"], routed),
        ("Tickets from customers with a case owner", routing["owner_tickets"], None),
        ("… routed to their owner", routing["to_owner"], routing["owner_tickets"]),
        ("Tickets with a dedicated manager", routing["dedicated_tickets"], None),
        (
            "… routed to the dedicated manager",
            routing["to_dedicated_manager"],
            routing["dedicated_tickets"],
        ),
        ("Tickets needing a language", routing["language_tickets"], None),
        (
            "… matched to a speaker",
            routing["language_matched"],
            routing["language_tickets"],
        ),
        (
            "Assigned under an escalation step",
            routing["escalated"],
            routing["assigned"],
        ),
    ]
    outcome_table = _table(
        ["Outcome", "Tickets", "Share"],
        [
            [
                _e(name),
                _e(_count(count)),
                _e(_share(count, whole)) if whole is not None else "",
            ]
            for name, count, whole in outcomes
        ],
        numeric=(1, 2),
    )
    steps = routing["escalation_steps"]
    total_steps = sum(int(_finite(v) or 0) for v in steps.values())
    step_table = _table(
        ["Escalation step", "Tickets", "Share"],
        [[_e(k), _e(_count(v)), _e(_share(v, total_steps))] for k, v in steps.items()],
        numeric=(1, 2),
    )
    by_city = _table(
        ["City", "Tickets", "Agents", "Median wait", "p90 wait"],
        [
            [
                _e(r["city"]),
                _e(_count(r["tickets"])),
                _e(r["agents"]),
                _e(wait(r["median_wait_seconds"])),
                _e(wait(r["p90_wait_seconds"])),
            ]
            for r in routing["by_city"]
        ],
        numeric=(1, 2, 3, 4),
    )
    histogram = routing["wait_histogram"]
    total = sum(int(_finite(b["count"]) or 0) for b in histogram)
    hist_table = _table(
        ["Wait", "Tickets", "Share"],
        [
            [_e(b["label"]), _e(_count(b["count"])), _e(_share(b["count"], total))]
            for b in histogram
        ],
        numeric=(1, 2),
    )
    return _section(
        "routing",
        "Routing and queues",
        [
            "<h3>Outcomes</h3>",
            outcome_table,
            "<h3>Escalation steps</h3>",
            step_table,
            "<h3>Queue waiting times</h3>",
            _figure(
                _histogram_chart(histogram),
                "Number of tickets per waiting-time band (count above each bar).",
            ),
            hist_table,
            "<h3>Waiting time by city</h3>",
            _figure(
                _city_waits_chart(routing["by_city"]),
                "Light bar: 90th percentile wait; dark bar: median wait.",
            ),
            by_city,
        ],
    )


def _city_list(names: Sequence[Any]) -> str:
    return (
        ", ".join(_e(n) for n in names) if names else '<span class="none">none</span>'
    )


def _cities_section(cities: Mapping[str, Any]) -> str:
    # The report's order (ranked cities by rank, then the unranked), as in the text.
    rows = list(cities["rows"])
    markers = _city_markers(cities)
    level = _confidence(rows[0]["index"] if rows else None)
    min_n = cities.get("min_n", 30)
    kinds = [_city_kind(r) for r in rows]
    table = _table(
        [
            "City",
            "n",
            f"Index ({level} interval)",
            "Shrunk (interval)",
            "Rank",
            "Shrunk rank",
            "Mark",
        ],
        [
            [
                _e(r["city"]),
                _e(_count(r["n"])),
                _e(_interval(r["index"])),
                _e(_interval(r["shrunk"])),
                _e(r["rank"] if r.get("rank") is not None else "–"),
                _e(r["shrunk_rank"] if r.get("shrunk_rank") is not None else "–"),
                f'<span class="mark {kind}">{_e(markers[kind])}</span>'
                if markers[kind]
                else "",
            ]
            for r, kind in zip(rows, kinds, strict=True)
        ],
        numeric=(1, 2, 3, 4, 5),
        row_classes=kinds,
    )
    notes = "".join(f"<p>{_e(n)}</p>" for n in cities.get("notes", ()))
    top_k, bottom_k = cities.get("top_k", 5), cities.get("bottom_k", 3)
    honest = (
        "<p>A city is marked top (bottom) only when the pairwise tests, Holm-corrected, "
        "find it better (worse) than every ranked city outside the list; cities the "
        "tests do not tell apart share a rank. The lists can be shorter than "
        f"{_e(top_k)} and {_e(bottom_k)}, or empty. Cities with fewer than "
        f"{_e(min_n)} answers are not ranked at all.</p>\n"
        f"{notes}\n"
        f'<ul class="honest">'
        f"<li><b>Top:</b> {_city_list(cities['top'])}</li>"
        f"<li><b>Bottom:</b> {_city_list(cities['bottom'])}</li>"
        f"<li><b>Not ranked (n&lt;{_e(min_n)}):</b> {_city_list(cities['unranked'])}</li>"
        "</ul>"
    )
    return _section(
        "cities",
        "Cities: satisfaction index",
        [
            (
                f"<p>Measure: {_e(cities.get('measure', 'index'))}. Dots are each "
                "city's own estimate; diamonds the empirical-Bayes estimate shrunk "
                "towards the national mean, which tempers small samples.</p>"
            ),
            _figure(
                _city_index_chart(cities),
                "Cities in the table's order (the pairwise tests' ranks, then the "
                "shrunk index); whiskers show the interval of each index.",
            ),
            "<h3>Honest top and bottom</h3>",
            honest,
            "<h3>All cities</h3>",
            table,
        ],
    )


def _nps_section(nps: Mapping[str, Any]) -> str:
    est = nps["estimate"]
    counts = [nps["promoters"], nps["passives"], nps["detractors"]]
    total = sum(int(_finite(c) or 0) for c in counts)
    table = _table(
        ["Group", "Answers", "Share"],
        [
            [_e(name), _e(_count(count)), _e(_share(count, total))]
            for name, count in zip(
                ("Promoters (9–10)", "Passives (7–8)", "Detractors (0–6)"),
                counts,
                strict=True,
            )
        ],
        numeric=(1, 2),
    )
    return _section(
        "nps",
        "Net Promoter Score",
        [
            (
                f"<p>NPS <b>{_e(_interval(est))}</b> points ({_e(_confidence(est))} "
                f"interval, {_e(est['method'])}, n={_e(_count(est['n']))}).</p>"
            ),
            table,
        ],
    )


def _estimate_line(name: str, est: Mapping[str, Any], digits: int, unit: str) -> str:
    return (
        f"<li>{_e(name)}: <b>{_e(_interval(est, digits))}</b>{_e(unit)} "
        f"({_e(_confidence(est))} interval, {_e(est['method'])}, n={_e(_count(est['n']))})</li>"
    )


def _csat_fcr_sections(csat: Mapping[str, Any], fcr: Mapping[str, Any]) -> list[str]:
    return [
        _section(
            "csat",
            "Customer satisfaction (CSAT)",
            [
                "<ul>",
                _estimate_line("Top-box share", csat["top_box"], 1, " %"),
                _estimate_line("Mean rating", csat["mean"], 2, ""),
                "</ul>",
            ],
        ),
        _section(
            "fcr",
            "First-contact resolution (FCR)",
            [
                "<ul>",
                _estimate_line("Resolved at first contact", fcr["estimate"], 1, " %"),
                "</ul>",
            ],
        ),
    ]


def _alerts_section(alerts: Mapping[str, Any]) -> str:
    follow = alerts["follow_up"]
    examples = _table(
        ["Response", "City", "Reasons"],
        [
            [
                _e(x["response"]),
                _e(x["city"]),
                _e(humane("; ".join(map(str, x["reasons"])))),
            ]
            for x in follow["examples"]
        ],
    )
    risk = _table(
        ["Customer", "City", "Unresolved", "Reasons"],
        [
            [
                _e(x["customer"]),
                _e(x["city"]),
                _e(x["unresolved"]),
                _e(humane("; ".join(map(str, x["reasons"])))),
            ]
            for x in alerts["high_risk"]
        ],
        numeric=(2,),
    )
    return _section(
        "alerts",
        "Alerts",
        [
            "<h3>Survey answers needing a follow-up</h3>",
            f"<p>{_e(_count(follow['count']))} answers need a follow-up. Examples:</p>",
            examples,
            "<h3>High-risk customers</h3>",
            risk,
        ],
    )


def _requirements_section(requirements: Sequence[Mapping[str, Any]]) -> str:
    states: dict[str, int] = {}
    for req in requirements:
        states[str(req["state"])] = states.get(str(req["state"]), 0) + 1
    summary = (
        ", ".join(f"{_e(_human(s))}: {n}" for s, n in sorted(states.items()))
        if states
        else "none"
    )

    def breaches(req: Mapping[str, Any]) -> str:
        items = [
            f"<li>{_e(_human(b['kind']))}: {_e(_human(b['what']))} (due {_when(b['due_at'])}, "
            f"at {_when(b['at'])})</li>"
            for b in req["breaches"]
        ]
        return f"<ul>{''.join(items)}</ul>" if items else "none"

    def overdue(req: Mapping[str, Any]) -> str:
        items = [
            f"<li>{_e(_human(o['what']))}, owed by the {_e(o['party'])} (due {_when(o['due_at'])})</li>"
            for o in req["overdue"]
        ]
        return f"<ul>{''.join(items)}</ul>" if items else "none"

    table = _table(
        [
            "Requirement",
            "Customer",
            "City",
            "State",
            "Reworks",
            "Re-discussions",
            "Escalated",
            "Breaches",
            "Overdue",
        ],
        [
            [
                _e(r["id"]),
                _e(r["customer"]),
                _e(r["city"]),
                _e(_human(r["state"])),
                _e(r["rework_count"]),
                _e(r["rediscussion_count"]),
                "yes" if r["escalated"] else "no",
                breaches(r),
                overdue(r),
            ]
            for r in requirements
        ],
        numeric=(4, 5),
    )
    return _section(
        "requirements",
        "Requirements and acceptance",
        [f"<p>{len(requirements)} requirements by state: {summary}.</p>", table],
    )


def _staffing_section(staffing: Sequence[Mapping[str, Any]]) -> str:
    table = _table(
        [
            "City",
            "Busiest hour",
            "Calls / h",
            "AHT",
            "Agents on shift (typical day)",
            "Median wait",
            "Required agents",
            "Scheduled agents",
            "Service level, model of a typical day",
            "Answered within 30 s, measured this month",
            "p90 wait, measured",
            "Service level advised",
            "ASA advised",
            "Working days with nobody on shift then",
            "Waits > 15 min (ended by a step)",
        ],
        [
            [
                _e(s["city"]),
                _e(s["peak_hour"]),
                _e(_num(s["peak_volume_per_hour"], 2)),
                _e(wait(s["aht_seconds"])),
                _e(s["agents_on_shift"]),
                _e(wait(s["median_wait_seconds"])),
                _e(s["required_agents"]),
                _e(s["scheduled_agents"]),
                _e(_frac_pct(s["service_level_now"])),
                _e(_frac_pct(s.get("measured_service_level"))),
                _e(wait(s.get("p90_wait_seconds"))),
                _e(_frac_pct(s["service_level_advised"])),
                _e(wait(s["asa_seconds_advised"])),
                _e(f"{s.get('days_nobody_on_shift', 0)} of {s.get('working_days', 0)}"),
                _e(f"{s.get('long_waits', 0)} ({s.get('long_waits_relaxed', 0)})"),
            ]
            for s in staffing
        ],
        numeric=tuple(range(2, 15)),
    )
    return _section(
        "staffing",
        "Staffing advice",
        [
            (
                "<p>Erlang C for the phone line of the cities with the longest waits, "
                "at their busiest working-day hour: the agents needed for 80 % of "
                "calls answered within 30 s, and the agents to roster with 30 % "
                "shrinkage, against the agents on shift on a typical working day. "
                "The model's service level is Erlang C's for that typical day; beside "
                "it, what the month's calls at that hour really met, and the city's "
                "measured 90th-percentile wait. "
                "The last column counts the waits over 15 minutes that ended the "
                "moment an escalation step relaxed the skills or language required.</p>"
            ),
            table,
        ],
    )


# --- the page -------------------------------------------------------------------------


def render_html(report: Mapping[str, Any]) -> str:
    """Render the demo ``report`` as one self-contained, well-formed XHTML5 page.

    Args:
        report: The JSON-native report of ``servicekit demo`` (``meta``, ``sla``,
            ``routing``, ``cities``, ``nps``, ``csat``, ``fcr``, ``alerts``,
            ``requirements``, ``staffing``).

    Returns:
        The page, starting with ``<!DOCTYPE html>`` and ending with a newline.
    """
    meta = report["meta"]
    sections = [
        _sla_section(report["sla"]),
        _routing_section(report["routing"]),
        _cities_section(report["cities"]),
        _nps_section(report["nps"]),
        *_csat_fcr_sections(report["csat"], report["fcr"]),
        _alerts_section(report["alerts"]),
        _requirements_section(report["requirements"]),
        _staffing_section(report["staffing"]),
    ]
    parts = [
        "<!DOCTYPE html>",
        f'<html xmlns="{XHTML_NS}" lang="en">',
        "<head>",
        '<meta charset="utf-8"/>',
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        f"<title>servicekit demo report: {_e(meta['month'])}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        _header(report),
        "<main>",
        *sections,
        "</main>",
        (
            f"<footer><p>Generated by servicekit demo, seed {_e(meta['seed'])}, "
            f"month {_e(meta['month'])} ({_e(meta['timezone'])}). Intervals are "
            "confidence intervals at the level stated beside them.</p></footer>"
        ),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"
