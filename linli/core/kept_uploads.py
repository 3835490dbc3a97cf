"""Photos chosen on a form that was then refused, kept for the next try (issue 17): a browser
cannot put a file back into a file field, so a user whose repair request was refused for a
missing field would otherwise have to find and choose the photo again on a phone.

Each photo is checked as any upload is (uploads.check_photo, by its own bytes and size), written
to the default storage under a random name, and its token recorded in the user's session under
the form's scope. Only that session, signed in as the same user, can take it back; a kept file
lives KEEP_SECONDS and is removed by the next keep after that, whoever's it was. Nothing is
written to the database: a kept photo belongs to no record until the form is saved."""

import secrets
import time

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from .errors import ValidationFailed
from .uploads import check_photo

SESSION_KEY = "linli_kept_uploads"
FOLDER = "kept-uploads"
KEEP_SECONDS = 3600
MAX_KEPT = 9  # per form: as many as a repair request takes
NAME_LENGTH = 80


def _entries(request, scope: str) -> dict:
    """This session's kept files of `scope` that are still there, for the signed-in user."""
    entries = request.session.get(SESSION_KEY, {}).get(scope, {})
    now = time.time()
    return {token: entry for token, entry in entries.items()
            if entry["user"] == request.user.pk and now - entry["at"] < KEEP_SECONDS
            and default_storage.exists(f"{FOLDER}/{token}")}


def _save_entries(request, scope: str, entries: dict) -> None:
    kept = dict(request.session.get(SESSION_KEY, {}))
    if entries:
        kept[scope] = entries
    else:
        kept.pop(scope, None)
    request.session[SESSION_KEY] = kept


def _purge() -> None:
    """Remove every kept file past its time: they are not found from the sessions, which expire
    on their own schedule, so the folder is swept instead."""
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    now = time.time()
    for name in files:
        path = f"{FOLDER}/{name}"
        if now - default_storage.get_modified_time(path).timestamp() >= KEEP_SECONDS:
            default_storage.delete(path)


def kept(request, scope: str) -> list[dict]:
    """The photos kept for `scope` in this session: [{"token", "name"}], oldest first."""
    return [{"token": token, "name": entry["name"]}
            for token, entry in sorted(_entries(request, scope).items(), key=lambda item: item[1]["at"])]


def keep(request, scope: str, files) -> list[dict]:
    """Keep the acceptable photos among `files` (the others are refused on the form anyway);
    returns what is kept for `scope` now, the new ones included."""
    _purge()
    entries = _entries(request, scope)
    for file in files:
        if len(entries) >= MAX_KEPT:
            break
        try:
            content_type = check_photo(file)
        except ValidationFailed:
            continue
        token = secrets.token_urlsafe(16)
        file.seek(0)
        default_storage.save(f"{FOLDER}/{token}", ContentFile(file.read()))
        entries[token] = {"name": (file.name or "")[-NAME_LENGTH:], "content_type": content_type,
                          "at": time.time(), "user": request.user.pk}
    _save_entries(request, scope, entries)
    return kept(request, scope)


def take(request, scope: str, tokens) -> list[SimpleUploadedFile]:
    """The kept photos named by `tokens`, as uploaded files for a service to check and save;
    tokens that are not this session's (or have expired) are ignored."""
    entries = _entries(request, scope)
    files = []
    for token in tokens:
        entry = entries.get(token)
        if entry is not None:
            with default_storage.open(f"{FOLDER}/{token}", "rb") as stored:
                files.append(SimpleUploadedFile(entry["name"] or "photo", stored.read(), entry["content_type"]))
    return files


def discard(request, scope: str) -> None:
    """Once the form is saved: remove the files kept for it, used or not."""
    for token in _entries(request, scope):
        default_storage.delete(f"{FOLDER}/{token}")
    _save_entries(request, scope, {})
