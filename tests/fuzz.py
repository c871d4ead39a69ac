"""Mutated JSON documents for the ``from_dict`` fuzz tests of every package.

``junk(near_misses)`` draws values a field should refuse (wrong JSON types, huge and
non-finite numbers, a huge string, nesting past ``MAX_DEPTH``, and the package's own
near misses); ``mutated(documents, junk)`` takes a stored document and replaces,
removes or adds to one to three of its nodes.
"""

import copy
from collections.abc import Iterable
from typing import Any

from hypothesis import strategies as st

from servicekit._boundary import MAX_DEPTH

_STEPS = 8  # paths deeper than this are not walked into


def deep(levels: int) -> Any:
    """A list nested ``levels`` deep."""
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


def junk(near_misses: Iterable[Any]) -> st.SearchStrategy[Any]:
    """Values a field should refuse, with a package's own near misses."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=12),
        st.just("x" * 100_000),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.just(deep(MAX_DEPTH + 3)),
        st.sampled_from(list(near_misses)),
    )


def _paths(
    node: Any, skip: frozenset[str], path: tuple[Any, ...] = ()
) -> list[tuple[Any, ...]]:
    """Every path into a document (itself included), not below ``skip`` keys."""
    out = [path]
    if len(path) > _STEPS or (path and path[-1] in skip):
        return out
    if isinstance(node, dict):
        for key, child in node.items():
            out += _paths(child, skip, (*path, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            out += _paths(child, skip, (*path, i))
    return out


@st.composite
def mutated(
    draw: st.DrawFn,
    documents: st.SearchStrategy[Any],
    junk: st.SearchStrategy[Any],
    skip: frozenset[str] = frozenset(),
) -> Any:
    """A stored document with one to three nodes replaced, removed or added to.

    Keys in ``skip`` hold another package's value, which its own tests fuzz: they are
    replaced whole but not walked into.
    """
    doc = copy.deepcopy(draw(documents))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(doc, skip)))
        # A copy: a later mutation must never reach into a strategy's shared value.
        value = copy.deepcopy(draw(junk))
        if not path:
            doc = value
            continue
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        action = draw(st.sampled_from(["replace", "remove", "add a key"]))
        if action == "replace":
            parent[last] = value
        elif action == "remove":
            del parent[last]
        elif isinstance(parent[last], dict):
            parent[last][draw(st.text(max_size=6))] = value
        else:
            parent[last] = [parent[last], value]
    return doc
