"""A mixin for values that carry their reasons as messages (decisions, alerts).

Such a value keeps its reasons as ``messages`` (each a
[`Message`][servicekit.messages.Message], or a plain text a user gave) and shows them
as ``reasons``, the English sentences it has always had, and as ``reasons_in(locale)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from servicekit.messages._render import render

if TYPE_CHECKING:
    from servicekit.messages._message import Message

__all__ = ["Explained"]


class Explained:
    """The reasons of a value, as text in any locale (see the module docstring)."""

    __slots__ = ()
    messages: tuple[Message | str, ...]

    @property
    def reasons(self) -> tuple[str, ...]:
        """The reasons in English, one sentence each, in order."""
        return tuple(map(str, self.messages))

    def reasons_in(self, locale: str | None) -> list[str]:
        """The reasons in ``locale`` (``"zh-CN"``; see [`render`][servicekit.messages.render])."""
        return render(self.messages, locale)
