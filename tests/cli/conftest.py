"""The command line reads its language from the environment: tests start English."""

import pytest

from servicekit.cli._i18n import ENVIRONMENT


@pytest.fixture(autouse=True)
def _english_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's ``LANG=zh_CN.UTF-8`` must not change what the tests read.

    ``C.UTF-8``, not nothing: the holidays package names holidays in the language
    the environment names, and in a country's own language when it names none.
    """
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
