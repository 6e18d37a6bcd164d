"""The API's one parser for bodies: JSON, nested at most ``MASKLOOP_JSON_MAX_DEPTH`` deep.

Python's decoder raises ``RecursionError`` on deep nesting (about a thousand levels), which no
handler expects; here it is a 400 like any other malformed body. Anything but JSON (a form, say)
is refused with 415 instead of being read with a form's rules, where an absent checkbox means
false. Views that take files declare their own parsers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (a scalar: 0), without recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level + 1)
        stack.extend((child, level + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        limit = settings.MASKLOOP_JSON_MAX_DEPTH
        too_deep = f"The JSON is nested more than {limit} levels deep."
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(too_deep, code="too_deep") from None
        if depth(data) > limit:
            raise ParseError(too_deep, code="too_deep")
        return data
