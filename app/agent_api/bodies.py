"""The agent API's request bodies: a JSON object, or nothing; anything else is a 400.

Read once per request, before any view runs, so that no endpoint can meet a body that
fails later: nesting deep enough to exhaust the parser's recursion, a lone surrogate
(``"\\ud800"``), which parses but fails wherever it is encoded (Redis, the database, a log
line), or a NUL character, which PostgreSQL refuses in text. A body sent as another
content type is not read, as before.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Request

_BODY = "helpline.json_body"  # the parsed body in the request's WSGI environ


class BadBody(ValueError):
    """A body the API cannot read; the message says why."""


def read_body(request: Request) -> dict[str, Any]:
    """The request's JSON object ({} without one); ``BadBody`` if it cannot be used."""
    if _BODY not in request.environ:
        data = request.get_data(cache=True) if request.is_json else b""
        request.environ[_BODY] = json_object(data)
    body: dict[str, Any] = request.environ[_BODY]
    return body


def json_object(data: bytes) -> dict[str, Any]:
    """The JSON object in ``data`` ({} for none); ``BadBody`` for anything else."""
    if not data.strip():
        return {}
    try:
        value = json.loads(data, parse_constant=_refuse_constant)
        # Encoding it again finds a lone surrogate anywhere, in keys as in values.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise BadBody("the JSON body is nested too deeply") from None
    except UnicodeEncodeError:
        raise BadBody("the JSON body holds a lone surrogate, which is not text") from None
    except ValueError:  # malformed JSON, bytes that are not UTF-8, a huge integer
        raise BadBody("the body is not valid JSON") from None
    if not isinstance(value, dict):
        raise BadBody("the body must be a JSON object")
    if _holds_nul(value):  # PostgreSQL refuses a NUL in text: no field may hold one
        raise BadBody("the JSON body holds a NUL character (\\u0000), which is not text")
    return value


def _refuse_constant(name: str) -> Any:
    # NaN and Infinity are not JSON, though Python's parser accepts them.
    raise ValueError(f"{name} is not JSON")


def _holds_nul(value: Any) -> bool:
    """Whether a NUL character is in any key or string of ``value`` (walked without
    recursion: the parser has bounded its depth, but not to a small number)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
