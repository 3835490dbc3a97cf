"""The API's JSON parser (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES): a body nested deeper than
MAX_DEPTH is a 400 `parse_error` before it is decoded. Python's decoder recurses once per level,
so a body of 1,000 "[" (even on the anonymous /api/v1/auth/token/) raised a RecursionError, a 500."""

import codecs
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

# The deepest body the API takes is a few levels (a list of objects inside an object); this
# leaves room for any client and stays far below Python's recursion limit.
MAX_DEPTH = 32
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in JSON text (brackets inside strings do not count)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def too_deep() -> ParseError:
    return ParseError(_("JSON 嵌套过深：最多 %(depth)s 层。") % {"depth": MAX_DEPTH})


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except (LookupError, UnicodeError):
            raise ParseError(_("请求正文不是有效的 JSON：编码无法识别。")) from None
        if nesting_depth(text) > MAX_DEPTH:
            raise too_deep()
        try:
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise ParseError(_("请求正文不是有效的 JSON：%(error)s") % {"error": exc}) from None
