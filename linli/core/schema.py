"""drf-spectacular hooks (SPECTACULAR_SETTINGS) that make the OpenAPI schema say what the API
really answers, so that clients, and the schema fuzz of .ci/fuzz, can rely on it:

- an operation a viewset routes but always refuses with 405 is left out;
- every operation documents the errors it can answer, in the one error shape of
  linli.core.api_errors ({"detail", "code", "fields"});
- times are "HH:MM[:SS[.ffffff]]" without an offset, which is not OpenAPI's `format: time`
  (RFC 3339 full-time, offset required), so they are described by a pattern instead;
- a scoped reference field (linli.core.api.scoped) is an integer id: its choices depend on the
  actor, so drf-spectacular cannot find its model. The extension registers on import, which the
  hooks in SPECTACULAR_SETTINGS guarantee before any field is mapped."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes

ERROR_SCHEMA = {
    "type": "object",
    "description": _("错误：detail 是给人看的说明，code 是给程序判断的代码，fields 按字段列出输入错误。"),
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {}},
    },
    "required": ["detail", "code", "fields"],
}
ERROR_DESCRIPTIONS = {
    "400": _("输入有误（fields 列出各字段的问题）"),
    "401": _("未登录或令牌无效"),
    "403": _("当前角色无权进行此操作"),
    "404": _("对象不存在，或不在当前用户的可见范围内"),
    "409": _("与当前状态冲突（重复、已处理、仍被引用等）"),
    "429": _("请求过于频繁，请稍后再试"),
}
TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"
WRITE_METHODS = {"post", "put", "patch", "delete"}


class ScopedReferenceField(OpenApiSerializerFieldExtension):
    target_class = "linli.core.api.ScopedPrimaryKeyRelatedField"

    def map_serializer_field(self, auto_schema, direction):
        return build_basic_type(OpenApiTypes.INT)


def _refuses_with_405(callback, method: str) -> bool:
    from .api import ServiceViewSet

    cls = getattr(callback, "cls", None)
    action = getattr(callback, "actions", {}).get(method.lower())
    if cls is None or not issubclass(cls, ServiceViewSet):
        return False
    if action == "create":
        return cls.create_service is None and cls.create is ServiceViewSet.create
    if action in ("update", "partial_update"):
        return cls.update_service is None and cls.update is ServiceViewSet.update
    return False


def drop_refused_operations(endpoints):
    """PREPROCESSING_HOOKS: leave out the writes a ServiceViewSet has no service for."""
    return [(path, regex, method, callback) for path, regex, method, callback in endpoints
            if not _refuses_with_405(callback, method)]


def _error_codes(path: str, method: str, operation: dict, callback) -> list[str]:
    query = [p for p in operation.get("parameters", []) if p.get("in") == "query"]
    codes = ["403"]
    if method in WRITE_METHODS or query or "requestBody" in operation:
        codes.append("400")
    if {} not in operation.get("security", [{}]):
        codes.append("401")
    # Any object named (in the path, a filter or the body) may be out of the actor's scope: 404,
    # as may a page past the end of a list.
    if "{" in path or query or "requestBody" in operation:
        codes.append("404")
    if method in WRITE_METHODS:
        codes.append("409")
    if getattr(getattr(callback, "cls", None), "throttle_classes", None):
        codes.append("429")
    return sorted(codes)


def _use_time_pattern(node):
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            del node["format"]
            node["pattern"] = TIME_PATTERN
        for value in node.values():
            _use_time_pattern(value)
    elif isinstance(node, list):
        for value in node:
            _use_time_pattern(value)


def document_errors(result, generator, request, public):
    """POSTPROCESSING_HOOKS: the error responses of every operation, and times as patterns."""
    callbacks = {(path, method.lower()): callback for path, _regex, method, callback in generator.endpoints}
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in _error_codes(path, method, operation, callbacks.get((path, method))):
                responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code], "content": error})
    _use_time_pattern(result)
    return result
