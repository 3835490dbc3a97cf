"""Schemathesis hooks for .ci/fuzz (loaded through SCHEMATHESIS_HOOKS=tests.fuzz.hooks).

Every generated request goes out as one of the demo logins, or anonymously. The choice is a
checksum of the request itself, so one operation is exercised by many roles and a failure
reproduces with the same seed. Small ids in paths are folded onto the ids the demo has, so
detail endpoints and their actions meet real objects rather than 404 after 404."""

import json
import os
import zlib
from urllib.parse import urlencode

import schemathesis

with open(os.environ["LINLI_FUZZ_TOKENS"], encoding="utf-8") as tokens_file:
    TOKENS = json.load(tokens_file)
ROLES = [*sorted(TOKENS), None]


def role_of(case) -> str | None:
    fingerprint = repr((case.operation.label, case.path_parameters, case.query, case.body))
    return ROLES[zlib.crc32(fingerprint.encode("utf-8", "surrogatepass")) % len(ROLES)]


@schemathesis.auth(refresh_interval=None)
class RoleToken:
    def get(self, case, context):
        return role_of(case)

    def set(self, case, role, context):
        case.headers = case.headers or {}
        case.headers.pop("Authorization", None)
        if role is not None:
            case.headers["Authorization"] = f"Token {TOKENS[role]}"


# The demo's tables hold a few dozen to a few thousand rows, numbered from 1.
DEMO_IDS = 60


@schemathesis.hook
def map_path_parameters(context, path_parameters):
    if not path_parameters:
        return path_parameters
    return {name: value % DEMO_IDS + 1 if type(value) is int and 0 <= value < 10**6 else value
            for name, value in path_parameters.items()}


@schemathesis.hook
def filter_query(context, query):
    """gunicorn refuses a request line over 4094 bytes with its own 414 before Django sees it
    (as nginx would): not the API's answer, so not generated."""
    return not query or len(urlencode(query, doseq=True)) < 3500


@schemathesis.hook
def before_call(context, case, kwargs):
    """Signing out deletes the caller's token, and a new password every token of that user
    (DESIGN §5 v1.1): sent as they are, they would leave the roles without their tokens for the
    rest of the run. Logout goes out anonymously and a user's update without a password; what
    they do is tested in tests/security/test_accounts.py."""
    path = case.operation.path
    if path.endswith("/auth/logout/") and case.headers:
        case.headers.pop("Authorization", None)
    elif path.startswith("/api/v1/users/{") and isinstance(case.body, dict):
        case.body.pop("password", None)
