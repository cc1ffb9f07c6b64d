from django.contrib import admin

from certification.models import Audit, AuditScore


class AuditScoreInline(admin.TabularInline):
    model = AuditScore
    extra = 0
    can_delete = False
    fields = ["item", "points", "not_applicable", "comment", "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    """Read-only: audits change only through the portal's services."""

    list_display = ["application", "auditor", "role", "status", "due_date", "completed_at"]
    list_filter = ["role", "status"]
    search_fields = ["application__organization__legal_name", "auditor__email"]
    inlines = [AuditScoreInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
