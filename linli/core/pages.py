"""Page plumbing shared by every app, the twin of `core/api.py` for the HTML side.

A page is thin (DESIGN §3): `community_page` finds what it is about within the actor's scope,
a form parses input, a service does the work, and `run_service` / `service_post` / `form_save`
turn the service's LinliError into a message the user reads. The shell (`linli.web`) assembles
the menu from each app's `nav` module out of the `NavItem`s and `NavGroup`s defined here, so no
app needs to import the shell."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .errors import LinliError
from .tenancy import Actor, actor_for

# The community the user last opened: the header and the community links follow it.
COMMUNITY_SESSION_KEY = "linli_community_id"

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


@dataclass
class NavItem:
    label: str
    url: str
    names: tuple[str, ...]  # URL names under which this item is the current page
    active: bool = False


@dataclass
class NavGroup:
    title: str
    items: list[NavItem]


@dataclass
class OpenItem:
    """Something waiting for the person (a bill to pay, a vote to cast): apps offer these through
    `open_items(actor)` in their nav module, and the person's home lists them first."""
    label: str
    count: int
    url: str
    detail: str = ""


def remember_community(request, actor: Actor, community) -> None:
    """Remember the community as the current one, if the actor reads its registry (the shell
    shows only those as current)."""
    if not (actor.is_admin or community.pk in actor.registry_community_ids()):
        return
    if request.session.get(COMMUNITY_SESSION_KEY) != community.pk:
        request.session[COMMUNITY_SESSION_KEY] = community.pk


def remembered_community_id(request) -> int | None:
    return request.session.get(COMMUNITY_SESSION_KEY)


def community_page(request, community_id, *, selector, capability: str | None = None):
    """The actor and the community a page is about: a 404 when `selector(actor=…)` does not hold
    it (outside the actor's scope, DESIGN §4), a 403 without the capability the page needs."""
    actor = actor_for(request.user)
    community = get_object_or_404(selector(actor=actor), pk=community_id)
    if capability and not actor.can(capability, community):
        raise PermissionDenied
    remember_community(request, actor, community)
    return actor, community


def error_text(exc: LinliError) -> str:
    """One line for a message banner: the field messages when the error itself is generic."""
    details = [str(m) for field_messages in exc.fields.values() for m in field_messages]
    return " ".join(details) if details and exc.message == exc.default_message else str(exc.message)


def form_errors_text(form: forms.Form) -> str:
    """A form's errors as one banner line, each prefixed by its field's label."""
    return " ".join(f"{form.fields[name].label}：{error}" if name in form.fields else str(error)
                    for name, errors in form.errors.items() for error in errors)


def show_error(form: forms.Form, exc: LinliError) -> None:
    """Put a service error next to the fields it names, or above the form when it names none."""
    placed = False
    for field, field_messages in exc.fields.items():
        if field in form.fields:
            for message in field_messages:
                form.add_error(field, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def safe_next(request, fallback: str, field: str = "next") -> str:
    """The path the request names in `field`, if it is a path of this site; else `fallback`."""
    target = request.POST.get(field) or request.GET.get(field)
    # A path of this site only: redirect() takes a bare word ("99999") for the name of a view.
    if target and target.startswith("/") and url_has_allowed_host_and_scheme(
            target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def is_htmx_fragment(request) -> bool:
    # A history restore asks for the whole page even though it comes from htmx.
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def run_service(request, work, *, success: str) -> bool:
    """Run `work()` (a service call); flash `success`, or the service's refusal. True if it ran."""
    try:
        work()
    except LinliError as exc:
        messages.error(request, error_text(exc))
        return False
    messages.success(request, success)
    return True


def service_post(request, work, *, success: str, back: str, form: forms.Form | None = None):
    """A POSTed action: validate `form` if there is one, run the service (with the form's data
    when there is a form), flash the outcome and go back to `back`."""
    if form is None:
        run_service(request, work, success=success)
    elif not form.is_valid():
        messages.error(request, form_errors_text(form))
    else:
        run_service(request, lambda: work(form.cleaned_data), success=success)
    return redirect(back)


def form_save(request, form: forms.Form, work, *, success: str | None = None):
    """On a valid POST, run `work(cleaned_data)`; a refusal goes onto the form next to its
    fields. Returns what the service returned (True when that was None), or None when the form
    was not posted, not valid or refused."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = work(dict(form.cleaned_data))
    except LinliError as exc:
        show_error(form, exc)
        return None
    messages.success(request, success or _("已保存。"))
    return True if result is None else result


def form_page(request, form: forms.Form, *, title: str, back: str, **context):
    """A form in the shell's one-column form layout (`multipart`, `intro`, `object` optional)."""
    return render(request, "web/form_page.html", {"form": form, "title": title, "back": back, **context})
