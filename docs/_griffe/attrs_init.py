"""A Griffe extension: give attrs classes the constructor signature attrs writes.

attrs generates ``__init__`` when the class is created, so Griffe's static reading of
``src/`` sees no parameters and the API reference showed every value class without a
signature. griffe-fieldz (also enabled) adds each field's type and default to the
documented parameters, but not a signature; this extension adds the signature, built
from ``attrs.fields`` of the imported class (keyword-only, defaults as written, the
annotations from the source). Only the documentation build uses it.
"""

from __future__ import annotations

from typing import Any

import attrs
import griffe

_KIND = {
    True: griffe.ParameterKind.keyword_only,
    False: griffe.ParameterKind.positional_or_keyword,
}


def _default(field: attrs.Attribute) -> str | None:  # type: ignore[type-arg]
    if field.default is attrs.NOTHING:
        return None
    if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
        factory = field.default.factory  # type: ignore[attr-defined]
        return f"{getattr(factory, '__name__', 'factory')}()"
    return repr(field.default)


class AttrsInit(griffe.Extension):
    """Add an ``__init__`` with the attrs fields' parameters to each attrs class."""

    def on_class_members(self, *, node: Any, cls: griffe.Class, **_: Any) -> None:
        if isinstance(node, griffe.ObjectNode) or "__init__" in cls.members:
            return
        try:
            runtime = griffe.dynamic_import(cls.path)
        except ImportError:
            return
        if not (isinstance(runtime, type) and attrs.has(runtime)):
            return
        params = [griffe.Parameter("self", kind=griffe.ParameterKind.positional_only)]
        for field in attrs.fields(runtime):
            if not field.init:
                continue
            member = cls.members.get(field.name)
            annotation = getattr(member, "annotation", None)
            params.append(
                griffe.Parameter(
                    field.alias or field.name,
                    annotation=annotation,
                    kind=_KIND[bool(field.kw_only)],
                    default=_default(field),
                )
            )
        init = griffe.Function(
            "__init__", parameters=griffe.Parameters(*params), returns="None"
        )
        cls.set_member("__init__", init)
