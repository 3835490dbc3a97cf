from django.contrib import admin

from linli.core.admin import AuditedAdmin, ReadOnlyAdmin

from .models import (
    BindingRequest,
    Building,
    Community,
    ImportJob,
    Owner,
    Ownership,
    ParkingSpace,
    Premises,
    Resident,
    Unit,
    Zone,
)


@admin.register(Community)
class CommunityAdmin(AuditedAdmin):
    list_display = ("name", "code", "company", "residents_committee", "contract_end")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


@admin.register(Zone)
class ZoneAdmin(AuditedAdmin):
    list_display = ("name", "community", "parent", "kind", "closed_management")
    list_filter = ("community",)


@admin.register(Building)
class BuildingAdmin(AuditedAdmin):
    list_display = ("name", "community", "zone", "floors")
    list_filter = ("community",)
    search_fields = ("name",)


class OwnershipInline(admin.TabularInline):
    model = Ownership
    extra = 0
    raw_id_fields = ("owner",)


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("number", "building", "community", "area", "exclusive_area", "usage", "status")
    list_filter = ("community", "usage", "status", "low_income")
    search_fields = ("number", "building__name")
    raw_id_fields = ("building",)
    inlines = [OwnershipInline]


@admin.register(Owner)
class OwnerAdmin(AuditedAdmin):
    list_display = ("name", "community", "kind", "phone", "is_developer", "user")
    list_filter = ("community", "kind", "is_developer")
    search_fields = ("name", "phone")
    raw_id_fields = ("user",)


@admin.register(Resident)
class ResidentAdmin(AuditedAdmin):
    list_display = ("name", "unit", "relation", "phone")
    raw_id_fields = ("unit", "user")


@admin.register(ParkingSpace)
class ParkingSpaceAdmin(AuditedAdmin):
    list_display = ("code", "community", "unit", "plan", "plan_start")
    list_filter = ("community", "plan")
    raw_id_fields = ("unit",)


@admin.register(Premises)
class PremisesAdmin(AuditedAdmin):
    list_display = ("code", "name", "community", "area", "status")
    list_filter = ("community", "status")


@admin.register(BindingRequest)
class BindingRequestAdmin(ReadOnlyAdmin):
    list_display = ("id", "unit", "name", "status", "created_at")
    list_filter = ("status",)


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ("id", "community", "original_name", "status", "processed_rows", "total_rows", "created_at")
