"""For every test, doctest and documentation example: the command line starts English.

The command line reads its language from the environment (LC_ALL, LC_MESSAGES,
LANG), and the examples in src/, docs/ and README.md call it too, so this lives at
the root, where pytest applies it to all of them.
"""

from collections.abc import Iterator

import pytest

from servicekit.cli._i18n import ENVIRONMENT


@pytest.fixture(autouse=True, scope="session")
def _english_environment() -> Iterator[None]:
    """A developer's ``LANG=zh_CN.UTF-8`` must not change what the tests read.

    For the whole session, so that session- and module-scoped fixtures (a demo run
    once for many tests) start English too; a test may still set its own.
    ``C.UTF-8``, not nothing: the holidays package names holidays in the language
    the environment names, and in a country's own language when it names none.
    """
    with pytest.MonkeyPatch.context() as patch:
        for name in ENVIRONMENT:
            patch.delenv(name, raising=False)
        patch.setenv("LANG", "C.UTF-8")
        yield
