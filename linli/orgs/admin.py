import copy
from functools import partial

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from linli.core.admin import AuditedAdmin
from linli.core.tenancy import actor_for

from .models import Membership, Organization, User
from .services import user_password_change


class ServicePasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password page, saved by the service: audited, and the user's API tokens and
    other sessions end as after any password change (DESIGN §5 v1.1)."""

    def __init__(self, user, *args, actor, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.actor = actor

    def save(self, commit=True):
        password = self.cleaned_data["password1"] if self.cleaned_data["set_usable_password"] else None
        return user_password_change(actor=self.actor, user=self.user, password=password)


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Linli", {"fields": ("display_name", "phone")}),)
    list_display = ("username", "display_name", "phone", "is_active", "is_superuser")
    search_fields = ("username", "display_name", "phone")

    def user_change_password(self, request, id, form_url=""):
        # Django's page builds and saves the form itself; a copy of this admin for the one request
        # hands the form its actor (the shared admin instance must not hold a request's state).
        page = copy.copy(self)
        page.change_password_form = partial(ServicePasswordChangeForm, actor=actor_for(request.user))
        return BaseUserAdmin.user_change_password(page, request, id, form_url)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user", "community")


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ("name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "organization", "role", "community", "active")
    list_filter = ("role", "active")
    raw_id_fields = ("user", "organization", "community")
