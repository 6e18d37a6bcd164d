"""The API's one parser for bodies: JSON, nested at most ``MASKLOOP_JSON_MAX_DEPTH`` deep, with
strings of at most ``MASKLOOP_JSON_MAX_STRING`` characters and lists and objects of at most
``MASKLOOP_JSON_MAX_ITEMS`` items (the body's size is bounded before: ``body_limit``).

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


def oversize(value: Any, *, max_depth: int, max_string: int, max_items: int) -> tuple[str, str] | None:
    """What in ``value`` passes a limit, as (code, detail); ``None`` when nothing does. Walks the
    value without recursion."""
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str):
            if len(item) > max_string:
                return "too_large", f"A string is longer than {max_string} characters."
            continue
        if isinstance(item, Mapping):
            children: list[Any] = [*item.keys(), *item.values()]
            size = len(item)
        elif isinstance(item, list):
            children, size = item, len(item)
        else:
            continue
        if level + 1 > max_depth:
            return "too_deep", f"The JSON is nested more than {max_depth} levels deep."
        if size > max_items:
            return "too_large", f"A list or object has more than {max_items} items."
        stack.extend((child, level + 1) for child in children)
    return None


class BoundedJSONParser(JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            detail = f"The JSON is nested more than {settings.MASKLOOP_JSON_MAX_DEPTH} levels deep."
            raise ParseError(detail, code="too_deep") from None
        problem = oversize(
            data,
            max_depth=settings.MASKLOOP_JSON_MAX_DEPTH,
            max_string=settings.MASKLOOP_JSON_MAX_STRING,
            max_items=settings.MASKLOOP_JSON_MAX_ITEMS,
        )
        if problem is not None:
            code, detail = problem
            raise ParseError(detail, code=code)
        return data
