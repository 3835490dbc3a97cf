"""The one error hierarchy. Services raise these; the API renders them as
{"detail", "code", "fields"} and the web views show `message` to the user."""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.utils.translation import gettext_lazy as _


class LinliError(Exception):
    status = 400
    code = "error"
    default_message = _("请求无法完成。")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.message))


class ValidationFailed(LinliError):
    status = 400
    code = "invalid"
    default_message = _("输入有误，请检查后重试。")


class NotFound(LinliError):
    """Also what an out-of-scope object looks like: never confirm that it exists."""

    status = 404
    code = "not_found"
    default_message = _("未找到。")


class PermissionDenied(LinliError):
    status = 403
    code = "permission_denied"
    default_message = _("您没有执行此操作的权限。")


class Conflict(LinliError):
    status = 409
    code = "conflict"
    default_message = _("与现有数据冲突。")


class DatabaseUnavailable(LinliError):
    """The database cannot be reached (down, restarting, out of connections): nothing the
    client did wrong, and worth trying again shortly (with `Retry-After`)."""

    status = 503
    code = "database_unavailable"
    default_message = _("数据库暂时无法连接，请稍后重试。")


class RequestTooLarge(LinliError):
    status = 413
    code = "request_too_large"
    default_message = _("请求内容过大。")


class ServerError(LinliError):
    """What the API says of an error of ours (handler500): the details stay in the log."""

    status = 500
    code = "server_error"
    default_message = _("服务器出错，请稍后重试；问题已记录。")


class NulInQuery(SuspiciousOperation):
    """A NUL character in these query parameters (linli.core.middleware.NulInQueryMiddleware)."""

    def __init__(self, names):
        self.names = names
        super().__init__(f"NUL in the query parameters {', '.join(names)}")


def refused_request(exception) -> LinliError:
    """Django's SuspiciousOperation for a request, as an error of the API: a body beyond
    DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, anything else (too many fields or files, a NUL) a 400."""
    if isinstance(exception, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exception, NulInQuery):
        message = _("查询参数中不能含有空字符（NUL）。")
        return ValidationFailed(message, fields={name: [str(message)] for name in exception.names})
    return LinliError(_("请求无效。"), code="bad_request")
