from django.contrib import admin
from django.db import transaction

from .audit import audit_record
from .models import AuditEvent, OutboxMessage


class AuditedAdmin(admin.ModelAdmin):
    """Platform admins' edits go into the audit chain like every other write."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"admin.{'change' if change else 'add'}",
                target=obj,
                community_id=getattr(obj, "community_id", None),
                data={"fields": sorted(form.changed_data)},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(actor=request.user, action="admin.delete", target=obj,
                         community_id=getattr(obj, "community_id", None), data={"repr": str(obj)})
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "actor_name", "action", "target_type", "target_id", "community_id")
    list_filter = ("action",)
    search_fields = ("action", "actor_name", "target_id")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "channel", "recipient", "provider")
