"""The demo page as a reader sees it: laid out by a real browser (issue 16).

Headless Chromium (Debian's ``chromium`` package, which ``.ci/run`` installs) loads the
page at a desktop width (1,280 px) and a phone width (390 px), with the sample's cities
in English and in Chinese; a script appended to a copy of the page measures the laid-
out DOM. The bugs these prevent: wide tables and charts pushing the whole page past the
screen on a phone, and chart labels scaled down to 4-5 px to fit it.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess

import pytest

from cli.demo_report_sample import CITIES, sample_report
from servicekit.cli._demo_sections import DemoReport
from servicekit.cli._i18n import speaking
from servicekit.cli._report_html import render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no browser: install Debian's chromium package (.ci/run does)",
)

# Chinese names for the sample's cities (as a Chinese team's export would give them).
CHINESE = {
    "Shanghai": "上海", "Beijing": "北京", "Guangzhou": "广州", "Shenzhen": "深圳",
    "Chengdu": "成都", "Chongqing": "重庆", "Hangzhou": "杭州", "Wuhan": "武汉",
    "Xi'an": "西安", "Nanjing": "南京", "Tianjin": "天津", "Suzhou": "苏州",
    "Zhengzhou": "郑州", "Changsha": "长沙", "Dongguan": "东莞", "Shenyang": "沈阳",
    "Qingdao": "青岛", "Hefei": "合肥", "Foshan": "佛山", "Ningbo": "宁波",
    "Kunming": "昆明", "Jinan": "济南", "Xiamen": "厦门", "Fuzhou": "福州",
    "Harbin": "哈尔滨", "Dalian": "大连", "Nanning": "南宁", "Changchun": "长春",
    "Shijiazhuang": "石家庄", "Guiyang": "贵阳", "Ürümqi": "乌鲁木齐", "Lhasa": "拉萨",
}  # fmt: skip
assert set(CHINESE) == set(CITIES)


# Runs after the page is parsed: measures the layout and appends it as JSON.
MEASURE = """<script>
(function () {
  var labels = Array.prototype.map.call(
    document.querySelectorAll("svg text"),
    function (t) { return t.getBoundingClientRect().height; });
  var main = document.querySelector("main").getBoundingClientRect();
  var out = {
    viewport: document.documentElement.clientWidth,
    page: document.documentElement.scrollWidth,
    main_left: main.left, main_right: main.right,
    labels: labels.filter(function (h) { return h > 0; }),
    label_count: labels.length
  };
  var pre = document.createElement("pre");
  pre.id = "measured";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def chinese_report() -> DemoReport:
    text = json.dumps(sample_report(), ensure_ascii=False)
    for english, chinese in CHINESE.items():
        text = text.replace(f'"{english}"', f'"{chinese}"')
    return DemoReport.from_dict(json.loads(text))


def browse(page: str, width: int, tmp_path, name: str) -> dict:
    """Lay ``page`` out at ``width`` px; a screenshot is left beside it for a human."""
    path = tmp_path / f"{name}.html"
    path.write_text(page.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--window-size={width},2000",
    ]
    assert CHROMIUM is not None
    dom = subprocess.run(  # noqa: S603 -- our own page, a fixed browser
        [CHROMIUM, *flags, "--dump-dom", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    shot = tmp_path / f"{name}.png"
    subprocess.run(  # noqa: S603
        [CHROMIUM, *flags, f"--screenshot={shot}", path.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">I", header[16:20])[0] == width
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.DOTALL)
    assert found, dom[-500:]
    return json.loads(found[1].replace("&quot;", '"'))


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    with speaking("zh-CN"):
        in_chinese = render_html(DemoReport.from_dict(sample_report()))
    return {
        "english": render_html(DemoReport.from_dict(sample_report())),
        "chinese": render_html(chinese_report()),
        # the whole page in Chinese (servicekit --lang zh-CN demo --html)
        "zh-CN": in_chinese,
    }


def test_the_page_in_chinese_says_so(pages):
    assert '<html xmlns="http://www.w3.org/1999/xhtml" lang="zh-CN">' in pages["zh-CN"]
    assert "北京" in pages["zh-CN"]
    assert "服务等级协议" in pages["zh-CN"]


def test_the_chinese_sample_really_is_chinese(pages):
    assert "乌鲁木齐" in pages["chinese"]
    assert "Ürümqi" not in pages["chinese"]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["english", "chinese", "zh-CN"])
def test_page_fits_the_screen_and_labels_stay_legible(pages, language, width, tmp_path):
    m = browse(pages[language], width, tmp_path, f"{language}-{width}")
    # Nothing pushes the page sideways: wide tables and charts scroll in their boxes.
    assert m["page"] <= m["viewport"], m
    assert m["main_left"] >= 0, m
    assert m["main_right"] <= m["viewport"], m
    # Every chart label is drawn at least 10 px tall, at either width.
    assert m["label_count"] > 20
    assert len(m["labels"]) == m["label_count"]
    assert min(m["labels"]) >= 10, sorted(m["labels"])[:5]
