"""The command line in Simplified Chinese: ``--lang zh-CN`` or the environment."""

import io
import json
import re

import pytest
from wcwidth import wcswidth

from servicekit.cli import main
from servicekit.cli._app import _lang_in
from servicekit.cli._i18n import _, duration, instant, locale_from, percent, speaking

DEMO = ("demo", "--volume", "60", "--jobs", "1")
STAFFING = ("staffing", "--volume", "10/h", "--aht", "5m", "--target", "80/20s")


def _run(*args: str, environ: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), out=out, err=err, environ=environ or {})
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def chinese_demo() -> str:
    status, out, err = _run("--lang", "zh-CN", *DEMO)
    assert (status, err) == (0, "")
    return out


# Words a Chinese report may show in Latin letters: units, codes, proper names.
ALLOWED = {
    "servicekit",  # the program
    "SLA",  # beside its Chinese name, 服务等级协议（SLA）
    "sla",  # servicekit.sla.presets
    "presets",
    "SERVICE_STANDARD",  # a Python name
    "NPS",
    "CSAT",
    "Erlang",  # Erlang C, a proper name
    "C",
    "Holm",  # a statistician
    "T",  # request ids T202501-…, REQ-…, customer ids C01-…
    "REQ",
}


def test_the_chinese_demo_report_has_no_untranslated_english_word(chinese_demo):
    words = set(re.findall(r"[A-Za-z_]+", chinese_demo))
    assert words <= ALLOWED, sorted(words - ALLOWED)
    # and it is Chinese: each section's title, the cities, the numbers' forms
    for title in ("服务等级协议（SLA）达成率", "城市满意度指数", "排班建议", "需求"):
        assert f"== {title} ==" in chinese_demo
    assert "北京" in chinese_demo
    assert "乌鲁木齐" in chinese_demo
    assert "2025年1月31日 23:59" in chinese_demo
    assert re.search(r"\d+\.\d%", chinese_demo)
    assert re.search(r"\d+小时\d\d分钟", chinese_demo)


def test_the_chinese_demo_report_fits_in_100_columns(chinese_demo):
    assert max(wcswidth(line) for line in chinese_demo.splitlines()) <= 100


def test_the_language_comes_from_the_environment_when_not_given(chinese_demo):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        assert _run(*DEMO, environ={name: "zh_CN.UTF-8"})[1] == chinese_demo
    # LC_ALL wins over LANG, as gettext reads them; --lang wins over both
    assert _run(*DEMO, environ={"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN"})[1] != (
        chinese_demo
    )
    assert (
        _run("--lang", "zh-CN", *DEMO, environ={"LC_ALL": "en_US.UTF-8"})[1]
        == chinese_demo
    )


def test_english_is_what_it_was_whatever_spells_it():
    english = _run(*DEMO)[1]
    assert _run("--lang", "en", *DEMO)[1] == english
    assert _run(*DEMO, environ={"LANG": "C"})[1] == english
    assert "== SLA compliance ==" in english


def test_an_unknown_locale_is_english_with_one_warning_naming_the_locales():
    status, out, err = _run("--lang", "fr_FR", *STAFFING)
    assert status == 0
    assert out.startswith("Staffing for")
    assert err.count("\n") == 1
    assert "fr_FR" in err
    assert "en, zh-CN" in err


def test_an_unknown_locale_from_the_environment_warns_once_too():
    status, _, err = _run(*STAFFING, environ={"LANG": "de_DE.UTF-8"})
    assert status == 0
    assert err.count("servicekit: warning:") == 1


def test_errors_are_in_chinese():
    status, _, err = _run("--lang", "zh-CN", "demo", "--jobs", "-1")
    assert status == 2
    assert err.startswith("servicekit：错误：")


def test_help_is_in_chinese():
    status, out, _ = _run("--lang=zh-CN", "--help")
    assert status == 0
    assert out.startswith("用法：")
    assert "选项" in out
    assert "显示本帮助信息并退出" in out
    status, out, _ = _run("--lang", "zh-CN", "demo", "--help")
    assert "用内置的一个月数据" in out or "模拟一个全国性" in out
    assert "模拟数据的随机种子（默认7）" in out


def test_help_in_english_is_unchanged_in_its_words():
    _, out, _ = _run("--help")
    assert out.startswith("usage: servicekit")
    assert "show this help message and exit" in out
    assert "--lang LOCALE" in out


def test_the_chinese_json_keeps_its_keys_and_says_its_sentences_in_chinese():
    english = json.loads(_run(*DEMO, "--json")[1])
    chinese = json.loads(_run("--lang", "zh-CN", *DEMO, "--json")[1])
    assert chinese.keys() == english.keys()
    assert chinese["cities"]["measure"].startswith("满意度指数")
    reasons = chinese["alerts"]["follow_up"]["examples"][0]["reasons"]
    assert all("评分" in r for r in reasons)


def test_numbers_dates_and_durations_in_each_locale():
    assert (percent(12.5), duration(5400), instant("2025-01-24T17:40:00+08:00")) == (
        "12.5 %",
        "1 h 30 min",
        "2025-01-24T17:40:00+08:00",
    )
    with speaking("zh-CN"):
        assert percent(12.5) == "12.5%"
        assert duration(5400) == "1小时30分钟"
        assert duration(45) == "45秒"
        assert duration(187_200) == "2天04小时"
        assert duration(float("nan")) == _("n/a") == "不适用"
        assert instant("2025-01-24T17:40:00+08:00") == "2025年1月24日 17:40"


def test_the_first_variable_set_names_the_locale():
    assert locale_from({"LC_ALL": "", "LC_MESSAGES": "zh_CN", "LANG": "en"}) == "zh_CN"


def test_due_in_chinese_names_days_holidays_and_make_up_days_in_chinese():
    status, out, _ = _run(
        "--lang",
        "zh-CN",
        "due",
        "--tz",
        "Asia/Shanghai",
        "--country",
        "CN",
        "--start",
        "2025-01-27T17:00",
        "--within",
        "2h",
    )
    assert status == 0
    assert out.startswith("截止时间：周三 2025-02-05 10:00 +08:00（Asia/Shanghai）")
    assert "法定节假日，春节" in out
    assert "周六 2025-02-01 – 周日 2025-02-02：周末" in out
    _, out, _ = _run(
        "--lang", "zh-CN", "due", "--tz", "Asia/Shanghai", "--country", "CN",
        "--start", "2025-01-24T17:40", "--within", "4h",
    )  # fmt: skip
    assert "周日 2025-01-26是调休上班日，计为营业" in out


def test_staffing_in_chinese_keeps_its_columns_aligned():
    status, out, _ = _run(
        "--lang", "zh-CN", "staffing", "--volume", "1200/day", "--aht", "6m",
        "--target", "80/20s",
    )  # fmt: skip
    assert status == 0
    assert out.startswith("排班测算：来访量1200每天")
    assert "服务水平：80.4%在20秒内接起" in out
    table = out.split("\n\n")[1].splitlines()
    ends = {wcswidth(line.removesuffix("  <-")) for line in table}
    assert len(ends) == 1, table


def test_sla_in_chinese_names_states_as_the_glossary_does():
    status, out, _ = _run(
        "--lang", "zh-CN", "sla", "examples/cli/events.jsonl",
        "--policies", "examples/cli/policies.json", "--now", "2025-01-31T18:00+08:00",
    )  # fmt: skip
    assert status == 0
    assert out.startswith("服务等级协议（SLA）截至2025-01-31 18:00 +08:00")
    assert "首次响应  已超时" in out
    assert "5个工单，2个超时（T-1003、T-1004）" in out


def test_score_in_chinese():
    status, out, _ = _run(
        "--lang", "zh-CN", "score", "examples/cli/responses.csv", "--by", "city",
        "--period", "month",
    )  # fmt: skip
    assert status == 0
    assert out.startswith("按city和month统计净推荐值（分）：")
    assert "样本太少，不排名" in out
    assert "名次：1 + 两两检验（Holm 校正）" in out


def test_input_errors_name_the_file_line_and_field_in_chinese(tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_text('{"ticket_id": "T-1", "at": "x", "kind": "created"}\n')
    status, _, err = _run(
        "--lang", "zh-CN", "sla", str(events), "--now", "2025-01-31T18:00+08:00"
    )  # fmt: skip
    assert status == 2
    assert err.startswith(f'servicekit：错误：{events}、第1行、字段 "at"：')
    status, _, err = _run(
        "--lang",
        "zh-CN",
        "staffing",
        "--volume",
        "10/h",
        "--aht",
        "5m",
        "--target",
        "80/20s",
        "--shrinkage",
        "1",
    )
    assert err == (
        "servicekit：错误：--shrinkage：单独的1既可能表示1%也可能表示100%；"
        "请写 1%（或写成小数如 0.15，或百分数如 15%）\n"
    )


def test_lang_after_a_double_dash_is_an_argument_not_the_option():
    assert _lang_in(["--lang=zh-CN", "demo"]) == "zh-CN"
    assert _lang_in(["demo", "--", "--lang", "zh-CN"]) is None
    assert _lang_in(["--lang"]) is None


def test_what_is_not_a_duration_reads_not_applicable_in_each_language():
    assert duration(None) == "n/a"
    with speaking("zh-CN"):
        assert duration(None) == duration(True) == "不适用"


ARGPARSE_MISTAKES = [
    (("staffing",), "缺少必填参数：--volume"),
    (("staffing", "--volume"), "参数 --volume：需要一个值"),
    (("nope",), "参数 COMMAND：无效的选择：'nope'（可选："),
    (("demo", "--bogus"), "无法识别的参数：--bogus"),
    (("demo", "--jobs", "x"), "参数 --jobs：无效的 int 值：'x'"),
]


@pytest.mark.parametrize(("args", "chinese"), ARGPARSE_MISTAKES)
def test_argparse_own_errors_are_said_in_chinese(args, chinese):
    """argparse's sentences come from a gettext domain with no Chinese catalog."""
    status, out, err = _run("--lang", "zh-CN", *args)
    assert status == 2
    assert out == ""
    assert chinese in err
    english = {"argument", "required", "expected", "invalid", "unrecognized", "choose"}
    assert not english & set(re.findall(r"[A-Za-z]+", err))


@pytest.mark.parametrize(("args", "_chinese"), ARGPARSE_MISTAKES)
def test_argparse_own_errors_in_english_are_argparse_words(args, _chinese):
    status, _out, err = _run("--lang", "en", *args)
    assert status == 2
    assert err.startswith("servicekit: error: ")
    assert not re.search(r"[\u4e00-\u9fff]", err)


def test_a_message_argparse_does_not_know_is_left_as_it_is():
    from servicekit.cli._app import _argparse_in_our_words  # noqa: PLC0415

    assert _argparse_in_our_words("argument --x: a future wording") == (
        "argument --x: a future wording"
    )
    assert _argparse_in_our_words("something new") == "something new"


DUE_PAST_2026 = (
    "due", "--tz", "Asia/Shanghai", "--country", "CN",
    "--start", "2026-12-30T10:00", "--business-days", "5",
)  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "servicekit: warning: holiday data for CN ends on 2026-12-31; "),
        ("zh-CN", "servicekit：警告：CN 的节假日数据截至 2026-12-31；"),
    ],
)
def test_a_deadline_past_the_announced_holidays_is_one_warning_in_our_words(lang, said):
    """The bug: a raw Python warning (file, line, source) on a CLI user's screen."""
    for extra in ((), ("--json",)):
        status, out, err = _run("--lang", lang, *DUE_PAST_2026, *extra)
        assert status == 0
        assert out
        assert err.count(said) == 1, err
        assert "HolidayDataWarning" not in err
        assert "2027" in err  # the first year the data does not cover


def test_a_deadline_within_the_announced_holidays_says_nothing():
    status, _out, err = _run(
        "due", "--tz", "Asia/Shanghai", "--country", "CN",
        "--start", "2026-03-02T10:00", "--business-days", "5",
    )  # fmt: skip
    assert status == 0
    assert err == ""
