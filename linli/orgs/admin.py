from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from linli.core.admin import AuditedAdmin

from .models import Membership, Organization, User


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Linli", {"fields": ("display_name", "phone")}),)
    list_display = ("username", "display_name", "phone", "is_active", "is_superuser")
    search_fields = ("username", "display_name", "phone")


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
