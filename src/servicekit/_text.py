r"""Text matching for rule conditions: caseless forms, whole words, a linear-time regex.

Python's ``re`` backtracks, so a pattern such as ``(a+)+$`` or even ``.*.*.*x`` can
take minutes on a short text. A rule table is data a team edits, so its patterns
are untrusted: this module compiles a pattern (read by the standard library's own
parser, so the syntax is exactly ``re``'s) into a Thompson automaton and searches it
one character at a time, remembering the sets of states it has met (a lazy DFA);
while nothing is under way it jumps to the next character a match may begin with.
The time is linear in the text's length times the automaton's size, whatever the
pattern; constructs no automaton can express (backreferences, lookarounds, atomic
groups, possessive quantifiers, conditionals, inline flags) are refused when the
pattern is compiled. Single characters are still tested by ``re`` itself, so a
class, ``\w`` or a case-insensitive letter means exactly what it means in ``re``.
A pattern with few ways to match at a place (no unbounded repeat; at most 4,096
ways times the longest match) cannot make ``re`` backtrack for long, so ``re``, in
C, searches those: the common keyword alternations and fixed formats.

This module must never hand ``re`` a whole text with a pattern that has unbounded
ways to match.
"""

from __future__ import annotations

import bisect
import re
import re._constants as sre  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]
import unicodedata
from typing import TYPE_CHECKING, Any, Final

from servicekit._boundary import quote, said
from servicekit.errors import InvalidConditionError, UnsupportedPatternError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "MAX_PATTERN_LENGTH",
    "MAX_PATTERN_STATES",
    "Pattern",
    "caseless",
    "compile_pattern",
    "find_word",
]

#: The longest pattern accepted, in characters.
MAX_PATTERN_LENGTH: Final = 500
#: The largest automaton accepted (a counted repeat ``x{n}`` holds n copies of x).
MAX_PATTERN_STATES: Final = 1000
# Groups nested deeper than this are refused (the parser and the compiler recurse).
_MAX_NESTING: Final = 32
# Transitions remembered per pattern; past this, steps are computed afresh (still
# linear, only slower), so a stream of unseen texts cannot grow memory without bound.
_CACHE_LIMIT: Final = 20_000

# Code points of scripts written without spaces between words: Han (with its
# radicals, numerals and iteration marks), Hiragana, Katakana, Thai, Lao, Myanmar
# and Khmer, as sorted [first, last] ranges.
_UNSPACED_RANGES: Final = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x303B),  # kana repeat marks, 〻
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # halfwidth Katakana
    (0x20000, 0x323AF),  # CJK extensions B-H, compatibility supplement
)
_UNSPACED_STARTS: Final = tuple(first for first, _ in _UNSPACED_RANGES)


def caseless(text: str) -> str:
    """The form two texts share when they differ only in case, width or composition.

    Unicode's compatibility caseless matching, composed: NFKC, case folding, NFKC
    again. ``"ＶＩＰ"`` (full width), ``"Vip"`` and ``"vip"`` share ``"vip"``;
    ``"Straße"`` and ``"STRASSE"`` share ``"strasse"``.

    Examples:
        >>> from servicekit._text import caseless
        >>> caseless("ＶＩＰ 退款 Straße")
        'vip 退款 strasse'
    """
    once = unicodedata.normalize("NFKC", text)
    if once.isascii():
        return once.lower()
    return unicodedata.normalize("NFKC", once.casefold())


def is_unspaced(ch: str) -> bool:
    """Whether ``ch`` belongs to a script written without spaces between words."""
    code = ord(ch)
    i = bisect.bisect_right(_UNSPACED_STARTS, code) - 1
    return i >= 0 and code <= _UNSPACED_RANGES[i][1]


def _is_word(ch: str) -> bool:
    # re's \w for str patterns: alphanumeric (Unicode) or the underscore.
    return ch.isalnum() or ch == "_"


def _boundary(before: str, after: str) -> bool:
    """Whether a word may end between two adjacent characters."""
    return (
        not (_is_word(before) and _is_word(after))
        or is_unspaced(before)
        or is_unspaced(after)
    )


def find_word(text: str, word: str) -> bool:
    r"""Whether ``word`` occurs in ``text`` as a whole word.

    An occurrence is whole when each end lies on a word boundary: the start or end
    of the text, a character that is not a word character (``\w`` in ``re``:
    letters, digits, ``_``), or a character of a script written without spaces
    (Chinese, Japanese kana, Thai…). Such a script has no boundaries to look for
    without a dictionary, so each of its characters is a word of its own there:
    ``故障`` is a word of ``系统故障了``, while ``fund`` is not a word of ``refund``.

    Examples:
        >>> from servicekit._text import find_word
        >>> find_word("a refund, please", "refund"), find_word("refunds", "refund")
        (True, False)
        >>> (
        ...     find_word("我们的系统故障了", "系统故障"),
        ...     find_word("申请refund退款", "refund"),
        ... )
        (True, True)
    """
    n = len(word)
    start = text.find(word)
    while start >= 0:
        end = start + n
        if (start == 0 or _boundary(text[start - 1], word[0])) and (
            end == len(text) or _boundary(word[-1], text[end])
        ):
            return True
        start = text.find(word, start + 1)
    return False


# ----------------------------------------------------------------------- the regex

# Kinds of automaton state.
_CHAR: Final = 0  # consumes one character the predicate accepts, then goes to out
_SPLIT: Final = 1  # goes to out and to alt without consuming
_ASSERT: Final = 2  # goes to out if the assertion holds at this position
_MATCH: Final = 3

# The "kernel" standing for "the pattern has matched": no state has a negative id.
_MATCHED: Final = frozenset({-1})

# Context bits for assertions, computed at each position (only for patterns with one).
_AT_START: Final = 1  # position 0
_PREV_WORD: Final = 2  # the previous character is a word character
_LAST: Final = 4  # the next character is the last one

_CATEGORIES: Final = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}
_REFUSED: Final = {
    sre.GROUPREF: "a backreference (\\1, (?P=name))",
    sre.GROUPREF_EXISTS: "a conditional group ((?(1)…|…))",
    sre.ASSERT: "a lookahead or lookbehind ((?=…), (?<=…))",
    sre.ASSERT_NOT: "a negative lookahead or lookbehind ((?!…), (?<!…))",
    sre.ATOMIC_GROUP: "an atomic group ((?>…))",
    sre.POSSESSIVE_REPEAT: "a possessive quantifier (*+, ++, ?+)",
}
# Each refused construct's message code (its English is _REFUSED's phrase).
_REFUSED_CODES: Final = {
    sre.GROUPREF: "pattern.construct.backreference",
    sre.GROUPREF_EXISTS: "pattern.construct.conditional",
    sre.ASSERT: "pattern.construct.lookaround",
    sre.ASSERT_NOT: "pattern.construct.negative_lookaround",
    sre.ATOMIC_GROUP: "pattern.construct.atomic_group",
    sre.POSSESSIVE_REPEAT: "pattern.construct.possessive",
}


def _char_source(op: Any, av: Any) -> str:
    """The ``re`` source of one single-character item of a parsed pattern."""
    if op is sre.LITERAL:
        return re.escape(chr(av))
    if op is sre.NOT_LITERAL:
        return f"[^{re.escape(chr(av))}]"
    if op is sre.ANY:
        return "."
    parts: list[str] = []
    for item_op, item_av in av:
        if item_op is sre.NEGATE:
            parts.insert(0, "^")
        elif item_op is sre.LITERAL:
            parts.append(re.escape(chr(item_av)))
        elif item_op is sre.RANGE:
            parts.append(f"{re.escape(chr(item_av[0]))}-{re.escape(chr(item_av[1]))}")
        else:
            parts.append(_CATEGORIES[item_av])
    return f"[{''.join(parts)}]"


class _Builder:
    """Compiles a parsed pattern into automaton state arrays, continuation first."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self.flags = flags
        self.kind: list[int] = []
        self.out: list[int] = []
        self.alt: list[int] = []
        self.test: list[Callable[[str], object]] = []
        self.anchor: list[Any] = []
        self.source: list[str] = []
        self.tests: dict[str, Callable[[str], object]] = {}

    def new(self, kind: int, out: int = -1, alt: int = -1) -> int:
        if len(self.kind) >= MAX_PATTERN_STATES:
            msg = (
                f"the pattern {quote(self.pattern)} needs more than "
                f"{MAX_PATTERN_STATES} automaton states (a counted repeat x{{n}} holds "
                "n copies of x); use smaller counts or a shorter pattern"
            )
            said_as = said(
                "error.pattern.too_many_states",
                pattern=quote(self.pattern),
                limit=str(MAX_PATTERN_STATES),
            )
            raise UnsupportedPatternError(msg, message=said_as)
        self.kind.append(kind)
        self.out.append(out)
        self.alt.append(alt)
        # Only _CHAR states test characters; the others hold a test that never passes.
        self.test.append("".__eq__)
        self.anchor.append(None)
        self.source.append("")
        return len(self.kind) - 1

    def char(self, op: Any, av: Any, nxt: int) -> int:
        source = _char_source(op, av)
        if op is sre.LITERAL and not self.flags:
            test: Callable[[str], object] = chr(av).__eq__
        else:
            found = self.tests.get(source)
            if found is None:
                found = self.tests[source] = re.compile(source, self.flags).fullmatch
            test = found
        state = self.new(_CHAR, nxt)
        self.test[state] = test
        self.source[state] = source
        return state

    def sequence(self, items: Any, nxt: int, depth: int) -> int:
        for item in reversed(list(items)):
            nxt = self.item(item, nxt, depth)
        return nxt

    def item(self, item: Any, nxt: int, depth: int) -> int:
        op, av = item
        if op in {sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN}:
            return self.char(op, av, nxt)
        if op is sre.AT:
            state = self.new(_ASSERT, nxt)
            self.anchor[state] = av
            return state
        if depth >= _MAX_NESTING:
            msg = (
                f"the pattern {quote(self.pattern)} nests groups or repeats more than "
                f"{_MAX_NESTING} deep; flatten it"
            )
            said_as = said(
                "error.pattern.nests_too_deep",
                pattern=quote(self.pattern),
                limit=str(_MAX_NESTING),
            )
            raise UnsupportedPatternError(msg, message=said_as)
        if op is sre.BRANCH:
            starts = [self.sequence(branch, nxt, depth + 1) for branch in av[1]]
            state = starts[-1]
            for start in reversed(starts[:-1]):
                state = self.new(_SPLIT, start, state)
            return state
        if op is sre.SUBPATTERN:
            return self.sequence(av[3], nxt, depth + 1)
        if op in {sre.MAX_REPEAT, sre.MIN_REPEAT}:
            low, high, body = av
            tail = nxt
            if high is sre.MAXREPEAT:
                loop = self.new(_SPLIT, -1, nxt)
                self.out[loop] = self.sequence(body, loop, depth + 1)
                tail = loop
            else:
                for _ in range(high - low):
                    tail = self.new(_SPLIT, self.sequence(body, tail, depth + 1), nxt)
            for _ in range(low):
                tail = self.sequence(body, tail, depth + 1)
            return tail
        what = _REFUSED.get(op, f"the construct {op}")
        msg = (
            f"the pattern {quote(self.pattern)} uses {what}, which no linear-time "
            "matcher can follow; rewrite it without (or split the rule in two)"
        )
        construct = _REFUSED_CODES.get(op)
        said_as = said(
            "error.pattern.not_linear",
            pattern=quote(self.pattern),
            what=said(construct)
            if construct is not None
            else said("pattern.construct.other", op=str(op)),
        )
        raise UnsupportedPatternError(msg, message=said_as)


class _State:
    """A state of the lazy DFA: a kernel (automaton states) and the moves found so far."""

    __slots__ = ("kernel", "moves")

    def __init__(self, kernel: frozenset[int], contexts: int) -> None:
        self.kernel = kernel
        # Per assertion context, character -> the next state.
        self.moves: list[dict[str, _State]] = [{} for _ in range(contexts)]


class Pattern:
    """A compiled regular expression that searches in time linear in the text.

    Build one with [`compile_pattern`][]; ``search(text)`` says whether the pattern
    matches anywhere in ``text``, exactly as ``re.search(...) is not None`` would.
    Pickled, it is compiled again from its source.
    """

    __slots__ = (
        "_alt",
        "_anchor",
        "_anchored",
        "_bounded",
        "_initial",
        "_kind",
        "_matched",
        "_out",
        "_size",
        "_skip",
        "_start",
        "_states",
        "_test",
        "casefold",
        "source",
    )

    def __init__(self, source: str, *, casefold: bool) -> None:
        self.source = source
        self.casefold = casefold
        parsed = _parse(source)
        builder = _Builder(source, re.IGNORECASE if casefold else 0)
        match = builder.new(_MATCH)
        self._start = builder.sequence(parsed, match, 0)
        self._kind = builder.kind
        self._out = builder.out
        self._alt = builder.alt
        self._test = builder.test
        self._anchor = builder.anchor
        self._anchored = any(a is not None for a in builder.anchor)
        # A pattern with few ways to match at a position cannot make re backtrack
        # for long: re, in C, runs it in time linear in the text.
        self._bounded = (
            re.compile(source, builder.flags)
            if _ways(parsed) * (_widest(parsed) + 1) <= _BOUNDED_WORK
            else None
        )
        contexts = 8 if self._anchored else 1
        # Where a match may begin: the characters the start state can consume. In the
        # start state, re (one class, in C) skips to the next of them.
        self._skip: re.Pattern[str] | None = None
        first = None if self._anchored else self._closure(frozenset(), None, 0)
        if first is not None:
            starts = sorted({builder.source[i] for i in first})
            self._skip = re.compile("|".join(starts), builder.flags)
        self._initial = _State(frozenset(), contexts)
        self._matched = _State(_MATCHED, 0)
        # The DFA met so far, by kernel, and how many moves it remembers.
        self._states: dict[frozenset[int], _State] = {frozenset(): self._initial}
        self._size = 0

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickle, (self.source, self.casefold))

    def __repr__(self) -> str:
        return f"Pattern({self.source!r}, casefold={self.casefold})"

    def _holds(self, anchor: Any, context: int, nxt: str | None) -> bool:
        if anchor is sre.AT_BEGINNING or anchor is sre.AT_BEGINNING_STRING:
            return bool(context & _AT_START)
        if anchor is sre.AT_END_STRING:
            return nxt is None
        if anchor is sre.AT_END:
            return nxt is None or (nxt == "\n" and bool(context & _LAST))
        # \b and \B: never on an empty text, as in re.
        if nxt is None and context & _AT_START:
            return False
        prev_word = bool(context & _PREV_WORD)
        next_word = nxt is not None and _is_word(nxt)
        return (prev_word != next_word) == (anchor is sre.AT_BOUNDARY)

    def _closure(
        self, kernel: frozenset[int], ch: str | None, context: int
    ) -> list[int] | None:
        """The character states reached without consuming, or None at a match.

        From ``kernel`` and the start, before ``ch`` (None: the end).
        """
        kind, out, alt = self._kind, self._out, self._alt
        seen: set[int] = set()
        stack = [self._start, *kernel]
        consuming: list[int] = []
        while stack:
            state = stack.pop()
            if state in seen:
                continue
            seen.add(state)
            k = kind[state]
            if k == _CHAR:
                consuming.append(state)
            elif k == _SPLIT:
                stack.append(alt[state])
                stack.append(out[state])
            elif k == _ASSERT:
                if self._holds(self._anchor[state], context, ch):
                    stack.append(out[state])
            else:
                return None
        return consuming

    def _step(
        self, kernel: frozenset[int], ch: str | None, context: int
    ) -> frozenset[int]:
        """The kernel after ``ch`` (None: the end), or ``_MATCHED`` if a match ends here."""
        consuming = self._closure(kernel, ch, context)
        if consuming is None:
            return _MATCHED
        if ch is None:
            return frozenset()
        out, test = self._out, self._test
        return frozenset(out[state] for state in consuming if test[state](ch))

    def search(self, text: str) -> bool:
        r"""Whether the pattern matches somewhere in ``text`` (``re.search``'s answer).

        Examples:
            >>> from servicekit._text import compile_pattern
            >>> p = compile_pattern(r"(a+)+$", casefold=False)
            >>> p.search("a" * 10_000 + "b"), p.search("baaa")
            (False, True)
        """
        if self._bounded is not None:
            return self._bounded.search(text) is not None
        return self.search_automaton(text)

    def search_automaton(self, text: str) -> bool:
        """[`search`][], always by the automaton (the reference ``re`` is checked by)."""
        matched = self._matched
        move = self._move
        state = self._initial
        if not self._anchored:
            skip = self._skip
            initial = state
            i, end = 0, len(text)
            while i < end:
                if state is initial and skip is not None:
                    # Nothing is under way: jump to where a match may begin.
                    begins = skip.search(text, i)
                    if begins is None:
                        break
                    i = begins.start()
                ch = text[i]
                nxt = state.moves[0].get(ch)
                if nxt is None:
                    nxt = move(state, ch, 0)
                if nxt is matched:
                    return True
                state = nxt
                i += 1
            return self._step(state.kernel, None, 0) is _MATCHED
        context = _AT_START
        for ch in text[:-1]:
            nxt = state.moves[context].get(ch)
            if nxt is None:
                nxt = move(state, ch, context)
            if nxt is matched:
                return True
            state = nxt
            context = _PREV_WORD if ch.isalnum() or ch == "_" else 0
        if text:
            ch = text[-1]
            state = move(state, ch, context | _LAST)
            if state is matched:
                return True
            context = _PREV_WORD if _is_word(ch) else 0
        return self._step(state.kernel, None, context) is _MATCHED

    def _move(self, state: _State, ch: str, context: int) -> _State:
        """The state after ``ch``, found by a step and remembered while room is left."""
        kernel = self._step(state.kernel, ch, context)
        if kernel is _MATCHED:
            nxt = self._matched
        else:
            found = self._states.get(kernel)
            if found is None:
                found = _State(kernel, len(state.moves))
                if self._size < _CACHE_LIMIT:
                    self._states[kernel] = found
            nxt = found
        if self._size < _CACHE_LIMIT:
            state.moves[context][ch] = nxt
            self._size += 1
        return nxt


# At most this many (ways to match) x (longest match + 1) and re runs the pattern.
_BOUNDED_WORK: Final = 4096
_UNBOUNDED: Final = _BOUNDED_WORK + 1


def _ways(items: Any) -> int:
    """How many paths through the pattern a backtracking matcher may try at one place.

    Saturates at ``_UNBOUNDED`` (an unbounded repeat, or too many).
    """
    total = 1
    for op, av in items:
        if op is sre.BRANCH:
            ways = min(sum(_ways(branch) for branch in av[1]), _UNBOUNDED)
        elif op is sre.SUBPATTERN:
            ways = _ways(av[3])
        elif op in {sre.MAX_REPEAT, sre.MIN_REPEAT}:
            low, high, body = av
            if high is sre.MAXREPEAT:
                return _UNBOUNDED
            each = _ways(body)
            ways = 0
            for count in range(low, high + 1):
                ways = min(ways + each**count, _UNBOUNDED)
                if ways >= _UNBOUNDED:
                    break
        else:
            ways = 1
        total = min(total * ways, _UNBOUNDED)
    return total


def _widest(items: Any) -> int:
    """The most characters one match may hold (called on bounded patterns only)."""
    width = 0
    for op, av in items:
        if op is sre.BRANCH:
            width += max(_widest(branch) for branch in av[1])
        elif op is sre.SUBPATTERN:
            width += _widest(av[3])
        elif op in {sre.MAX_REPEAT, sre.MIN_REPEAT}:
            width += min(av[1], _UNBOUNDED) * _widest(av[2])
        elif op is not sre.AT:
            width += 1
    return width


def _unpickle(source: str, casefold: bool) -> Pattern:
    return Pattern(source, casefold=casefold)


def _parse(source: object) -> Any:
    if not isinstance(source, str):
        msg = f"a pattern must be text (a regular expression); got {quote(source)}"
        said_as = said("error.pattern.not_text", source=quote(source))
        raise InvalidConditionError(msg, message=said_as)
    if not source:
        msg = "an empty pattern matches every text; use Always() for that"
        said_as = said("error.pattern.empty")
        raise InvalidConditionError(msg, message=said_as)
    if len(source) > MAX_PATTERN_LENGTH:
        msg = (
            f"a pattern may hold at most {MAX_PATTERN_LENGTH} characters; this one has "
            f"{len(source)}: split the rule into several conditions (AnyOf)"
        )
        said_as = said(
            "error.pattern.too_long",
            limit=str(MAX_PATTERN_LENGTH),
            length=str(len(source)),
        )
        raise UnsupportedPatternError(msg, message=said_as)
    try:
        parsed = sre_parse.parse(source)
    except re.error as e:
        msg = f"{quote(source)} is not a regular expression: {e}"
        said_as = said("error.pattern.invalid", source=quote(source), reason=str(e))
        raise InvalidConditionError(msg, message=said_as) from None
    except RecursionError:
        msg = f"the pattern {quote(source)} nests groups too deeply; flatten it"
        said_as = said("error.pattern.groups_too_deep", source=quote(source))
        raise UnsupportedPatternError(msg, message=said_as) from None
    if parsed.state.flags & ~re.UNICODE:
        msg = (
            f"the pattern {quote(source)} sets inline flags ((?i), (?m), (?s), (?x)…), "
            "which rules do not take; for case-insensitive matching give casefold=True"
        )
        said_as = said("error.pattern.inline_flags", source=quote(source))
        raise UnsupportedPatternError(msg, message=said_as)
    return parsed


def compile_pattern(source: str, *, casefold: bool) -> Pattern:
    r"""Compile ``source`` (``re`` syntax) into a [`Pattern`][] that cannot hang.

    Args:
        source: the regular expression; at most ``MAX_PATTERN_LENGTH`` characters.
        casefold: match as ``re.IGNORECASE`` does.

    Raises:
        InvalidConditionError: ``source`` is not text, empty, or not a regular
            expression.
        UnsupportedPatternError: ``source`` uses a construct no automaton follows
            (backreferences, lookarounds, atomic groups, possessive quantifiers,
            conditionals, inline flags) or is too large.

    Examples:
        >>> from servicekit._text import compile_pattern
        >>> compile_pattern(r"退款|refund", casefold=True).search("Refund please")
        True
        >>> compile_pattern("(?P<x>a)(?P=x)", casefold=False)
        Traceback (most recent call last):
        ...
        servicekit.errors.UnsupportedPatternError: the pattern '(?P<x>a)(?P=x)' uses a backreference...
    """
    return Pattern(source, casefold=casefold)
