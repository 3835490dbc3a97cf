"""Writes of the service desk (DESIGN §5, §6), one module per concern; the names are gathered here.
Keeping the daily review (日清日审) is in `review.py`, with its computation."""

from .common import (
    CAPABILITIES,
    FOLLOW_UP_KINDS,
    WORK_ROLES,
    auto_close_days,
    company_staff,
    is_requester,
    request_url,
)
from .configuration import (
    DEFAULT_CATEGORIES,
    calendar_create,
    calendar_update,
    categories_ensure,
    category_create,
    category_update,
    sla_policy_create,
    sla_policy_update,
    team_create,
    team_update,
)
from .filing import (
    PHOTOS_PER_REQUEST,
    REPEAT_WINDOW,
    request_create,
    request_photo_add,
    request_update,
)
from .inbox import inbox_mark_all_read, inbox_mark_read
from .lifecycle import (
    REOPEN_WINDOW,
    request_accept,
    request_assign,
    request_confirm,
    request_grab,
    request_hold,
    request_note,
    request_reopen,
    request_resolve,
    request_resume,
    request_return,
    request_round_robin,
    request_start,
    request_transfer,
    request_urge,
    request_visit,
)
from .open311_keys import open311_key_create, open311_key_hash, open311_key_revoke
from .scheduled import requests_auto_close, sla_scan

__all__ = [
    "CAPABILITIES", "DEFAULT_CATEGORIES", "FOLLOW_UP_KINDS", "PHOTOS_PER_REQUEST", "REOPEN_WINDOW", "REPEAT_WINDOW",
    "WORK_ROLES", "auto_close_days", "calendar_create", "calendar_update", "categories_ensure", "category_create",
    "category_update", "company_staff", "inbox_mark_all_read", "inbox_mark_read", "is_requester",
    "open311_key_create", "open311_key_hash", "open311_key_revoke", "request_accept", "request_assign",
    "request_confirm", "request_create", "request_grab", "request_hold", "request_note", "request_photo_add",
    "request_reopen", "request_resolve", "request_resume", "request_return", "request_round_robin", "request_start",
    "request_transfer", "request_update", "request_urge", "request_url", "request_visit", "requests_auto_close",
    "sla_policy_create", "sla_policy_update", "sla_scan", "team_create", "team_update",
]
