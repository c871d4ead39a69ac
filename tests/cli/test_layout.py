"""Terminal layout measured in cells, not characters (issue 16).

A Chinese character takes two terminal cells. Padding by ``len`` put every column
after a Chinese segment name two cells per character too far left; these tests keep
columns aligned and lines within 100 cells whatever script the data is in.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from cli.cli_run import run_main
from servicekit.cli._format import aligned, cells, pad, wrap


def brute_cells(text: str) -> int:
    """Cells by the definition: East Asian Wide and Fullwidth take two, others one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# Printable text in the scripts our users' data is in: Latin, CJK ideographs,
# fullwidth forms (no combining marks or emoji, whose widths terminals disagree on).
words = st.text(
    st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
    ),
    max_size=12,
).map(str.strip)


@given(words)
def test_cells_count_wide_characters_twice(text):
    assert cells(text) == brute_cells(text)


@given(words, st.integers(0, 30), st.booleans())
def test_pad_reaches_the_width_in_cells(text, width, right):
    padded = pad(text, width, right=right)
    assert padded.strip(" ") == text.strip(" ") or not text.strip(" ")
    assert brute_cells(padded) == max(width, brute_cells(text))


@given(st.lists(st.tuples(words, words, words), min_size=1, max_size=6))
def test_every_column_starts_at_the_same_cell_in_every_row(rows):
    header = ("segment", "n", "value")
    lines = aligned([header, *rows], right={1})
    widths = [max(brute_cells(r[i]) for r in [header, *rows]) for i in range(3)]
    for row, line in zip([header, *rows], lines, strict=True):
        # Rebuild each line from the brute-force widths: it must be the same text.
        expected = [
            row[0] + " " * (widths[0] - brute_cells(row[0])),
            " " * (widths[1] - brute_cells(row[1])) + row[1],
            row[2] + " " * (widths[2] - brute_cells(row[2])),
        ]
        assert line == "  ".join(expected).rstrip()


def test_chinese_city_names_line_up_with_latin_ones():
    """The bug: 呼和浩特 padded as 4 characters pushed its numbers 4 cells right."""
    lines = aligned(
        [("city", "n", "NPS"), ("呼和浩特", "120", "41.5"), ("Lhasa", "7", "-3.0")],
        right={1, 2},
    )
    assert lines == [
        "city        n   NPS",
        "呼和浩特  120  41.5",
        "Lhasa       7  -3.0",
    ]
    assert len({brute_cells(line) for line in lines}) == 1


@given(st.lists(words, min_size=1, max_size=40).map(" ".join), st.integers(8, 100))
def test_wrapped_lines_fit_and_keep_every_character(text, width):
    lines = wrap(text, width)
    assert all(brute_cells(line) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())


def test_chinese_prose_wraps_between_characters():
    """Chinese has no spaces: a sentence longer than the line must still wrap."""
    sentence = "呼和浩特市客户服务中心在春节期间的平均响应时间明显变长" * 5
    lines = wrap(sentence, 100)
    assert len(lines) == 3
    assert all(brute_cells(line) <= 100 for line in lines)


def test_score_table_aligns_chinese_segments(tmp_path):
    data = tmp_path / "responses.csv"
    rows = ["city,nps"] + [f"呼和浩特,{i % 11}" for i in range(30)]
    rows += [f"Lhasa,{(3 * i) % 11}" for i in range(30)]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = run_main("score", str(data), "--by", "city")
    assert r.status == 0, r.err
    table = [
        line
        for line in r.out.splitlines()
        if line.startswith(("segment", "呼和浩特", "Lhasa"))
    ]
    assert len(table) == 3
    # The n column is right-aligned: its last digit sits at the same cell everywhere.
    n_ends = {brute_cells(re.match(r".*?\S\s{2,}\S+", line)[0]) for line in table}
    assert len(n_ends) == 1, table


@given(
    st.lists(
        st.sampled_from(
            [
                "服务",
                "标准",
                "（",
                "）",
                "，",
                "。",
                "SERVICE_STANDARD",
                "sla",
                " ",
                "48.5%",
            ]
        ),
        min_size=1,
        max_size=60,
    ).map("".join),
    st.integers(20, 100),
)
def test_mixed_chinese_lines_fit_and_keep_every_character(text, width):
    lines = wrap(text, width)
    assert all(brute_cells(line) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())


def test_an_identifier_in_chinese_prose_is_not_cut():
    """The bug: the demo's header broke servicekit.sla.presets.SERVICE_STANDARD in two."""
    sentence = (
        "区间为95%置信区间；服务等级协议（SLA）目标为中国工作日历上的服务标准"
        "（servicekit.sla.presets.SERVICE_STANDARD）。"
    )
    lines = wrap(sentence, 100)
    assert any("servicekit.sla.presets.SERVICE_STANDARD" in line for line in lines)


def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one():
    sentence = "客户（高价值）在春节前一天来电，问题已解决。" * 8
    for width in range(20, 101):
        lines = wrap(sentence, width)
        assert all(brute_cells(line) <= width for line in lines)
        assert not any(line[:1] in {"，", "。", "）"} for line in lines)
        assert not any(line.endswith("（") for line in lines)
