"""The demo page's four inline SVG charts, drawn from ``_html_parts``' primitives.

The city index with its intervals, SLA compliance, the queue-wait histogram and each
city's median and 90th-percentile wait. Every chart carries ``role="img"``, an
``aria-label`` and a ``<title>``; its height grows with its number of rows.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from servicekit.cli import _html_parts as h
from servicekit.cli._i18n import _, percent
from servicekit.cli._i18n import city as city_name
from servicekit.cli._report_text import human, wait

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from servicekit.cli._demo_sections import Cities, CityRow, CityWaits, Sla, WaitBand

# --- chart 1: city index with intervals -----------------------------------------------


def city_kind(row: CityRow) -> str:
    if not row.rankable:
        return "unranked"
    if row.top:
        return "top"
    if row.bottom:
        return "bottom"
    return "ranked"


def _index_domain(rows: Sequence[CityRow]) -> tuple[float, float]:
    """A zoomed 0–100 axis: outward to multiples of 10, at least 10 wide."""
    # An Estimate is finite by construction: no value needs filtering out.
    values = [
        number
        for row in rows
        for number in (row.index.low, row.index.high, row.index.value, row.shrunk.value)
    ]
    if not values:
        return 0.0, 100.0
    lo = max(0.0, min(100.0, math.floor(min(values) / 10) * 10.0))
    hi = min(100.0, max(0.0, math.ceil(max(values) / 10) * 10.0))
    if hi - lo < 10:
        lo = max(0.0, min(lo, hi - 10))
        hi = lo + 10
    return lo, hi


def city_markers(cities: Cities) -> dict[str, str]:
    min_n, top, bottom = cities.min_n, cities.top, cities.bottom
    return {
        "top": _("top {n}").format(n=len(top)) if top else _("top"),
        "bottom": _("bottom {n}").format(n=len(bottom)) if bottom else _("bottom"),
        "unranked": _("n<{n}, not ranked").format(n=min_n),
        "ranked": "",
    }


def city_index_chart(cities: Cities) -> str:
    rows = list(cities.rows)  # the table's order: one order for the reader
    markers = city_markers(cities)
    lo, hi = _index_domain(rows)
    x0, x1 = 180.0, h.WIDTH - 150.0
    scale = h.Scale(lo, hi, x0, x1)
    top = 64.0
    n_rows = max(len(rows), 1)
    bottom = top + n_rows * h.ROW
    height = bottom + 40.0
    level = h.confidence(rows[0].index if rows else None)
    label = _(
        "Satisfaction index of {n} cities, {level} intervals, table order"
    ).format(n=len(rows), level=level)
    body: list[str] = [
        h.svg_text(10.0, 18.0, label, size=13, **{"font-weight": "bold"})
    ]
    body.extend(_city_legend(markers, level))
    step = 5 if hi - lo <= 30 else 10
    ticks = [float(t) for t in range(int(lo), int(hi) + 1, step)]
    body.extend(h.x_axis(scale, ticks, top - 4, bottom, lambda t: f"{t:g}"))
    if not rows:
        body.append(h.none_text(x0, top + 15))
    for i, row in enumerate(rows):
        kind = city_kind(row)
        colour = h.COLOURS[kind]
        cy = top + i * h.ROW + h.ROW / 2
        index, shrunk = row.index, row.shrunk
        city = str(row.city)
        xl, xv, xh = scale(index.low), scale(index.value), scale(index.high)
        xs = scale(shrunk.value)
        tip = _("{city}: index {index}, shrunk {shrunk}, n={n}, rank {rank}").format(
            city=city_name(city),
            index=h.interval(index),
            shrunk=h.num(shrunk.value),
            n=row.n,
            rank=row.rank or "–",
        )
        body.append(f'<g class="city-row {kind}" data-city="{h.esc(city)}">')
        body.append(f"<title>{h.esc(tip)}</title>")
        if i % 2 == 0:
            body.append(
                h.element(
                    "rect",
                    {
                        "x": 0.0,
                        "y": cy - h.ROW / 2,
                        "width": float(h.WIDTH),
                        "height": float(h.ROW),
                        "fill": "#f6f8fa",
                        "fill-opacity": "0.6",
                    },
                )
            )
        body.append(
            h.svg_text(
                x0 - 10, cy + 4, h.shorten(city_name(city)), anchor="end", fill=h.INK
            )
        )
        line = {"stroke": colour, "stroke-width": "2"}
        body.append(
            h.element(
                "line",
                {"class": "whisker", "x1": xl, "x2": xh, "y1": cy, "y2": cy} | line,
            )
        )
        body.extend(
            h.element(
                "line",
                {"class": "cap", "x1": x, "x2": x, "y1": cy - 4, "y2": cy + 4} | line,
            )
            for x in (xl, xh)
        )
        fill = "#ffffff" if kind == "unranked" else colour
        body.append(
            h.element(
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
            h.element(
                "path",
                {
                    "class": "shrunk",
                    "d": f"M{h.px(xs)} {h.px(cy - 3.5)}L{h.px(xs + 3.5)} {h.px(cy)}"
                    f"L{h.px(xs)} {h.px(cy + 3.5)}L{h.px(xs - 3.5)} {h.px(cy)}Z",
                    "fill": h.INK,
                },
            )
        )
        if markers[kind]:
            body.append(
                h.svg_text(
                    x1 + 12, cy + 4, markers[kind], cls="marker", fill=colour, size=10
                )
            )
        body.append("</g>")
    return h.svg_root("chart-city-index", label, height, body)


def _city_legend(markers: Mapping[str, str], level: str) -> list[str]:
    out = ['<g class="legend">']
    y = 40.0
    x = 10.0
    for kind, text in (
        ("top", markers["top"]),
        ("bottom", markers["bottom"]),
        ("ranked", _("other cities")),
        ("unranked", markers["unranked"]),
    ):
        colour = h.COLOURS[kind]
        fill = "#ffffff" if kind == "unranked" else colour
        out.append(
            h.element(
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
        out.append(h.svg_text(x + 14, y, text, fill=colour))
        x += 30.0 + 6.5 * len(text)
    out.append(
        h.element(
            "path",
            {
                "d": f"M{h.px(x + 5)} {h.px(y - 7.5)}L{h.px(x + 8.5)} {h.px(y - 4)}"
                f"L{h.px(x + 5)} {h.px(y - 0.5)}L{h.px(x + 1.5)} {h.px(y - 4)}Z",
                "fill": h.INK,
            },
        )
    )
    out.append(h.svg_text(x + 14, y, _("shrunk (empirical Bayes)"), fill=h.INK))
    x += 175.0
    out.append(
        h.element(
            "line", {"x1": x, "x2": x + 24, "y1": y - 4, "y2": y - 4, "stroke": h.INK}
        )
    )
    out.append(
        h.svg_text(x + 30, y, _("{level} interval").format(level=level), fill=h.INK)
    )
    out.append("</g>")
    return out


# --- chart 2: SLA compliance ----------------------------------------------------------


def sla_chart(sla: Sla) -> str:
    groups = [
        (
            _("By metric"),
            [(human(r.metric), r.compliance) for r in sla.by_metric],
        ),
        (
            _("By priority"),
            [(human(r.priority), r.compliance) for r in sla.by_priority],
        ),
    ]
    x0, x1 = 150.0, h.WIDTH - 170.0
    scale = h.Scale(0.0, 100.0, x0, x1)
    top = 34.0
    n_lines = sum(1 + max(len(rows), 1) for _group, rows in groups)
    bottom = top + n_lines * h.ROW
    height = bottom + 40.0
    label = _("SLA compliance in percent with intervals, by metric and by priority")
    body: list[str] = [
        h.svg_text(10.0, 18.0, label, size=13, **{"font-weight": "bold"})
    ]
    ticks = [float(t) for t in range(0, 101, 10)]
    body.extend(h.x_axis(scale, ticks, top, bottom, lambda t: percent(t, 0)))
    y = top
    for group, rows in groups:
        body.append(f'<g class="group" data-group="{h.esc(group)}">')
        body.append(
            h.svg_text(
                10.0, y + 15, group, cls="group-label", **{"font-weight": "bold"}
            )
        )
        y += h.ROW
        if not rows:
            body.append(h.none_text(x0, y + 15))
            y += h.ROW
        for name, est in rows:
            cy = y + h.ROW / 2
            xv = scale(est.value)
            body.append(f'<g class="sla-row" data-name="{h.esc(name)}">')
            body.append(
                f"<title>{h.esc(f'{group}, {name}: {h.interval(est)}{h.unit()}')}</title>"
            )
            body.append(h.svg_text(x0 - 10, cy + 4, name, anchor="end", fill=h.INK))
            body.append(
                h.element(
                    "rect",
                    {
                        "class": "bar",
                        "x": x0,
                        "y": cy - 6,
                        "width": xv - x0,
                        "height": 12.0,
                        "fill": h.BAR,
                    },
                )
            )
            xl, xh = scale(est.low), scale(est.high)
            body.append(
                h.element(
                    "line",
                    {
                        "class": "whisker",
                        "x1": xl,
                        "x2": xh,
                        "y1": cy,
                        "y2": cy,
                        "stroke": h.INK,
                        "stroke-width": "1.5",
                    },
                )
            )
            body.append(h.svg_text(x1 + 10, cy + 4, h.interval(est), fill=h.INK))
            body.append("</g>")
            y += h.ROW
        body.append("</g>")
    return h.svg_root("chart-sla-compliance", label, height, body)


# --- chart 3: queue wait histogram ----------------------------------------------------


def histogram_chart(histogram: Sequence[WaitBand]) -> str:
    x0, x1 = 40.0, h.WIDTH - 20.0
    top, plot_h = 50.0, 200.0
    base = top + plot_h
    height = base + 50.0
    label = _("Queue waiting times: number of routed tickets per waiting-time band")
    body: list[str] = [
        h.svg_text(10.0, 18.0, label, size=13, **{"font-weight": "bold"})
    ]
    body.append(
        h.element("line", {"x1": x0, "x2": x1, "y1": base, "y2": base, "stroke": h.INK})
    )
    if not histogram:
        body.append(h.none_text(x0 + 10, base - 10))
    counts = [max(0, b.count) for b in histogram]
    biggest = max(counts, default=0)
    slot = (x1 - x0) / max(len(histogram), 1)
    width = slot * 0.8
    for i, (band, count) in enumerate(zip(histogram, counts, strict=True)):
        bar_h = plot_h * count / biggest if biggest else 0.0
        x = x0 + i * slot + (slot - width) / 2
        centre = x + width / 2
        band_label = str(band.label)
        body.append(f'<g class="band" data-label="{h.esc(band_label)}">')
        tip = _("{band}: {n} tickets").format(band=band_label, n=f"{count:,}")
        body.append(f"<title>{h.esc(tip)}</title>")
        body.append(
            h.element(
                "rect",
                {
                    "class": "bar",
                    "x": x,
                    "y": base - bar_h,
                    "width": width,
                    "height": bar_h,
                    "fill": h.BAR,
                    "data-count": count,
                },
            )
        )
        body.append(
            h.svg_text(
                centre, base - bar_h - 5, f"{count:,}", anchor="middle", cls="count"
            )
        )
        body.append(
            h.svg_text(
                centre, base + 16, band_label, anchor="middle", cls="label", size=10
            )
        )
        body.append("</g>")
    return h.svg_root("chart-queue-waits", label, height, body)


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


def city_waits_chart(by_city: Sequence[CityWaits]) -> str:
    rows = sorted(
        by_city,
        key=lambda r: (-(h.finite(r.p90_wait_seconds) or 0.0), str(r.city)),
    )
    x0, x1 = 180.0, h.WIDTH - 215.0
    top = 54.0
    n_rows = max(len(rows), 1)
    bottom = top + n_rows * h.ROW
    height = bottom + 40.0
    waits = [
        number
        for row in rows
        for number in (
            h.finite(row.median_wait_seconds),
            h.finite(row.p90_wait_seconds),
        )
        if number is not None
    ]
    ticks = _wait_ticks(max([*waits, 1.0]))
    scale = h.Scale(0.0, ticks[-1], x0, x1)
    label = _("Waiting time per city: median and 90th percentile, sorted by p90")
    body: list[str] = [
        h.svg_text(10.0, 18.0, label, size=13, **{"font-weight": "bold"})
    ]
    body.append('<g class="legend">')
    body.append(
        h.element(
            "rect",
            {"x": 10.0, "y": 30.0, "width": 14.0, "height": 10.0, "fill": h.BAR_LIGHT},
        )
    )
    body.append(h.svg_text(30.0, 39.0, "p90 wait", fill=h.INK))
    body.append(
        h.element(
            "rect", {"x": 110.0, "y": 32.0, "width": 14.0, "height": 6.0, "fill": h.BAR}
        )
    )
    body.append(h.svg_text(130.0, 39.0, _("median wait"), fill=h.INK))
    body.append("</g>")
    body.extend(h.x_axis(scale, ticks, top - 4, bottom, wait))
    if not rows:
        body.append(h.none_text(x0, top + 15))
    for i, row in enumerate(rows):
        cy = top + i * h.ROW + h.ROW / 2
        city = str(row.city)
        median, p90 = row.median_wait_seconds, row.p90_wait_seconds
        tip = _(
            "{city}: median {median}, p90 {p90}, {tickets} tickets, {agents} agents"
        ).format(
            city=city_name(city),
            median=wait(median),
            p90=wait(p90),
            tickets=row.tickets,
            agents=row.agents,
        )
        body.append(f'<g class="city-row" data-city="{h.esc(city)}">')
        body.append(f"<title>{h.esc(tip)}</title>")
        body.append(
            h.svg_text(
                x0 - 10, cy + 4, h.shorten(city_name(city)), anchor="end", fill=h.INK
            )
        )
        body.append(
            h.element(
                "rect",
                {
                    "class": "bar-p90",
                    "x": x0,
                    "y": cy - 7,
                    "width": scale(p90) - x0,
                    "height": 14.0,
                    "fill": h.BAR_LIGHT,
                },
            )
        )
        body.append(
            h.element(
                "rect",
                {
                    "class": "bar-median",
                    "x": x0,
                    "y": cy - 3,
                    "width": scale(median) - x0,
                    "height": 6.0,
                    "fill": h.BAR,
                },
            )
        )
        body.append(
            h.svg_text(
                x1 + 10,
                cy + 4,
                _("median {median} · p90 {p90}").format(
                    median=wait(median), p90=wait(p90)
                ),
                fill=h.INK,
                size=10,
            )
        )
        body.append("</g>")
    return h.svg_root("chart-city-waits", label, height, body)
