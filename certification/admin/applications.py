"""Applications in the admin: to look, not to change. A status changes only through the
services (with its history row and e-mails), so the admin shows everything read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from certification.models import (
    Application,
    ApplicationEvent,
    CallingNumber,
    Declaration,
    EvidenceFile,
    SelfAssessmentAnswer,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = ApplicationEvent
    fields = ("at", "actor", "from_status", "to_status", "note")
    readonly_fields = fields
    verbose_name_plural = _("storico")


class AnswerInline(ReadOnlyInline):
    model = SelfAssessmentAnswer
    fields = ("item", "answer", "comment", "updated_by", "updated_at")
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = EvidenceFile
    fields = ("item", "document_kind", "original_name", "content_type", "size", "uploaded_by")
    readonly_fields = fields


class DeclarationInline(ReadOnlyInline):
    model = Declaration
    fields = ("kind", "accepted_by", "accepted_at")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("id", "organization", "kind", "status", "code_version", "created_at")
    list_filter = ("status", "kind", "code_version")
    list_select_related = ("organization", "code_version")
    search_fields = ("organization__legal_name", "organization__partita_iva")
    ordering = ("-created_at", "-id")
    readonly_fields = (
        "organization",
        "kind",
        "code_version",
        "status",
        "previous",
        "created_at",
        "created_by",
        "submitted_at",
        "updated_at",
    )
    fields = readonly_fields
    inlines = [EventInline, AnswerInline, EvidenceInline, DeclarationInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CallingNumber)
class CallingNumberAdmin(admin.ModelAdmin):
    list_display = ("number", "organization", "declared_at", "withdrawn_at")
    list_filter = (("withdrawn_at", admin.EmptyFieldListFilter),)
    list_select_related = ("organization",)
    search_fields = ("number", "organization__legal_name")
    readonly_fields = (
        "organization",
        "application",
        "number",
        "declared_at",
        "declared_by",
        "withdrawn_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
