from django.contrib import admin

from linli.core.admin import AuditedAdmin, ReadOnlyAdmin

from .models import BusinessCalendar, Category, DailyReview, Open311Key, ServiceRequest, SlaPolicy, Team


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ("name", "community", "active", "position")
    list_filter = ("active",)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedAdmin):
    list_display = ("community", "kind", "priority", "accept_minutes", "resolve_hours", "calendar")
    list_filter = ("kind", "priority")


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(AuditedAdmin):
    list_display = ("name", "community", "weekdays", "opens_at", "closes_at")


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ("name", "community")


# Requests change only through the services (their history and SLA depend on it), reviews and
# keys are records: the admin shows them.
@admin.register(ServiceRequest)
class ServiceRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "community", "kind", "title", "status", "priority", "created_at", "resolve_by")
    list_filter = ("status", "kind", "channel")
    search_fields = ("title", "location")


@admin.register(DailyReview)
class DailyReviewAdmin(ReadOnlyAdmin):
    list_display = ("community", "date", "kept_at")


@admin.register(Open311Key)
class Open311KeyAdmin(ReadOnlyAdmin):
    list_display = ("name", "active", "created_at", "last_used_at")
