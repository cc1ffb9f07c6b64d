"""Reports in the admin: read-only. Their states change only on the committee's pages, which
lock the row and write the history; the admin is for looking things up."""

from django.contrib import admin

from certification.models import Report, ReportEvent


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "from_status", "to_status", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "organization",
        "category",
        "status",
        "outcome",
        "created_at",
        "answer_due",
    )
    list_filter = ("status", "outcome", "category")
    search_fields = ("organization__legal_name", "organization__partita_iva", "calling_number")
    list_select_related = ("organization",)
    date_hierarchy = "created_at"
    inlines = [ReportEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Report._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Viewing is allowed through has_view_permission; nothing is saved from here.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
