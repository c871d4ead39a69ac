"""The building blocks of the demo's HTML page: formatting, tables and SVG primitives.

Everything here returns XHTML-safe text: ``esc`` escapes (and replaces the characters
XML 1.0 forbids, so the page always parses), numbers are formatted as in the text
report, and the SVG helpers draw on linear ``Scale`` objects in pixel coordinates with one
decimal. The charts (``_html_charts``) and sections (``_html_sections``) are built from
these; the page itself is assembled by ``_report_html.render_html``.
"""

from __future__ import annotations

import html
import math
import re
from datetime import datetime
from typing import TYPE_CHECKING

from servicekit.cli._format import decimals
from servicekit.cli._i18n import _, chinese

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from servicekit.scoring import Estimate

SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"

# Characters XML 1.0 does not allow, even escaped: replaced so the page always parses.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

COLOURS = {
    "top": "#1a7f37",
    "bottom": "#c62828",
    "ranked": "#1f5fbf",
    "unranked": "#8a8f98",
}
INK = "#24292f"
GRID = "#d8dee4"
BAR = "#4f7fc4"
BAR_LIGHT = "#b9cdea"

WIDTH = 760
ROW = 22

CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC",
       "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
       "WenQuanYi Micro Hei", sans-serif;
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


def esc(value: object) -> str:
    """Escape ``value`` for XML text or a quoted attribute."""
    return html.escape(_NOT_XML.sub("\ufffd", str(value)), quote=True)


def finite(value: float | None) -> float | None:
    """``value`` as a finite float, or ``None`` (for anything else, NaN included)."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def num(value: float | None, digits: int = 1) -> str:
    """A number with ``digits`` decimals (``n/a`` if it is not a finite number)."""
    number = finite(value)
    if number is None:
        return _("n/a")
    text = f"{number:.{digits}f}"
    if float(text) == 0:  # no "-0.0"
        text = f"{0.0:.{digits}f}"
    return text


def pct(value: float | None) -> str:
    """A percentage (already 0–100) with one decimal: ``82.1 %``."""
    text = num(value)
    return text if text == _("n/a") else f"{text}{unit()}"


def unit() -> str:
    """The percent sign as the locale writes it after a number (`` %`` or ``%``)."""
    return "%" if chinese() else " %"


def frac_pct(value: float | None) -> str:
    """A fraction 0–1 as a percentage with one decimal."""
    number = finite(value)
    return _("n/a") if number is None else pct(number * 100)


def share(part: float | None, whole: float | None) -> str:
    """``part`` as a percentage of ``whole`` (``n/a`` when ``whole`` is not positive)."""
    numerator, denominator = finite(part), finite(whole)
    if numerator is None or denominator is None or denominator <= 0:
        return _("n/a")
    return pct(100 * numerator / denominator)


def interval(est: Estimate, digits: int = 1) -> str:
    """An estimate with its interval: ``82.1 (79.4–84.6)``.

    More decimals where one would show a bound (0, ±100) the estimate is not at.
    """
    numbers = (est.value, est.low, est.high)
    digits = decimals(numbers, digits)
    value, low, high = (num(x, digits) for x in numbers)
    return f"{value} ({low}–{high})"


def when(instant: str | None) -> str:
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
    return f'<time datetime="{esc(text)}">{esc(shown)}</time>'


def count(value: float) -> str:
    """A whole number with thousands separators, as in the text: ``12,845``.

    Examples:
        >>> count(12845), count(2.5), count("x")
        ('12,845', '2.5', 'x')
    """
    number = finite(value)
    if number is None or number != int(number):
        return str(value)
    return f"{int(number):,}"


def confidence(est: Estimate | None) -> str:
    """The confidence level of ``est`` as ``95 %`` (95 % when there is none)."""
    level = 0.95 if est is None else est.confidence
    return f"{level * 100:g}{unit()}"


# --- HTML building blocks -------------------------------------------------------------


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    row_classes: Sequence[str] | None = None,
    caption: str | None = None,
) -> str:
    """A table of pre-escaped cells; ``numeric`` columns align right. Empty → "none"."""
    if not rows:
        return f'<p class="none">{esc(_("none"))}</p>'
    numeric_set = set(numeric)

    def cls(index: int) -> str:
        return ' class="num"' if index in numeric_set else ""

    head = "".join(
        f'<th scope="col"{cls(i)}>{cell}</th>' for i, cell in enumerate(headers)
    )
    body = []
    for index, row in enumerate(rows):
        row_class = row_classes[index] if row_classes is not None else ""
        attr = f' class="{esc(row_class)}"' if row_class else ""
        cells = "".join(f"<td{cls(i)}>{cell}</td>" for i, cell in enumerate(row))
        body.append(f"<tr{attr}>{cells}</tr>")
    cap = f"<caption>{caption}</caption>" if caption else ""
    return (
        f'<div class="table"><table>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def section(section_id: str, title: str, body: Sequence[str]) -> str:
    inner = "\n".join(body)
    return f'<section id="{section_id}">\n<h2>{esc(title)}</h2>\n{inner}\n</section>'


def figure(svg: str, caption: str) -> str:
    return (
        f'<figure>\n<div class="chart">{svg}</div>\n'
        f"<figcaption>{esc(caption)}</figcaption>\n</figure>"
    )


# --- SVG building blocks --------------------------------------------------------------


def px(value: float) -> str:
    """A pixel coordinate with one decimal (no ``-0.0``)."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def element(name: str, attrs: Mapping[str, object], content: str | None = None) -> str:
    """An SVG element; float attributes are pixel coordinates, the rest is escaped."""
    parts = []
    for key, raw in attrs.items():
        value = px(raw) if isinstance(raw, float) else esc(raw)
        parts.append(f' {key}="{value}"')
    joined = "".join(parts)
    if content is None:
        return f"<{name}{joined}/>"
    return f"<{name}{joined}>{content}</{name}>"


def svg_text(x: float, y: float, text: str, **attrs: object) -> str:
    """A ``<text>`` element; keyword ``anchor``/``size``/``cls`` map to attributes."""
    attributes: dict[str, object] = {"x": x, "y": y}
    if "anchor" in attrs:
        attributes["text-anchor"] = attrs.pop("anchor")
    attributes["font-size"] = attrs.pop("size", 11)
    if "cls" in attrs:
        attributes["class"] = attrs.pop("cls")
    attributes.update(attrs)
    return element("text", attributes, esc(text))


def svg_root(chart_id: str, label: str, height: float, body: Sequence[str]) -> str:
    """The outer ``<svg>``: namespace, viewBox, accessible name and ``<title>``."""
    head = (
        f'<svg xmlns="{SVG_NS}" id="{esc(chart_id)}" role="img" '
        f'aria-label="{esc(label)}" width="{WIDTH}" height="{px(height)}" '
        f'viewBox="0 0 {WIDTH} {px(height)}">'
    )
    return "\n".join([head, f"<title>{esc(label)}</title>", *body, "</svg>"])


class Scale:
    """A linear map from ``[lo, hi]`` onto pixels ``[x0, x1]``, clamped to the range."""

    def __init__(self, lo: float, hi: float, x0: float, x1: float) -> None:
        self.lo, self.hi, self.x0, self.x1 = lo, hi, x0, x1

    def __call__(self, value: float | None) -> float:
        number = finite(value)
        if number is None:
            number = self.lo
        number = min(max(number, self.lo), self.hi)
        return self.x0 + (number - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0)


def x_axis(
    scale: Scale,
    ticks: Sequence[float],
    top: float,
    bottom: float,
    fmt: Callable[[float], str],
) -> list[str]:
    """Vertical grid lines at ``ticks`` with labels under ``bottom``."""
    out = ['<g class="axis">']
    for tick in ticks:
        x = scale(tick)
        out.append(
            element(
                "line",
                {"x1": x, "x2": x, "y1": top, "y2": bottom, "stroke": GRID},
            )
        )
        out.append(svg_text(x, bottom + 14.0, fmt(tick), anchor="middle", size=10))
    out.append("</g>")
    return out


def shorten(name: str, limit: int = 24) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def none_text(x: float, y: float) -> str:
    return svg_text(x, y, _("none"), cls="none", fill=COLOURS["unranked"])
