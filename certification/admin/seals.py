"""Seals in the admin: to look, not to change. A seal's status and certificate change only
through certification.services.seals (row lock, history row, certificate queued), so the
admin shows seals, their history and their certificate files read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from certification.admin.applications import ReadOnlyInline
from certification.models import CertificateFile, Seal, SealEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SealEventInline(ReadOnlyInline):
    model = SealEvent
    fields = ("at", "actor", "from_status", "to_status", "public_reason", "reason")
    readonly_fields = fields
    verbose_name_plural = _("storico")


class CertificateFileInline(ReadOnlyInline):
    model = CertificateFile
    fields = ("version", "rendered_at", "render_ms", "size", "sha256", "path")
    readonly_fields = fields


@admin.register(Seal)
class SealAdmin(ReadOnlyAdmin):
    list_display = ("number", "organization", "status", "valid_from", "valid_until", "pdf_status")
    list_filter = ("status", "pdf_status", "year", "code_version")
    list_select_related = ("organization",)
    search_fields = ("number", "organization__legal_name", "organization__partita_iva")
    ordering = ("-year", "-sequence")
    inlines = [SealEventInline, CertificateFileInline]


@admin.register(SealEvent)
class SealEventAdmin(ReadOnlyAdmin):
    list_display = ("seal", "at", "from_status", "to_status", "public_reason", "actor")
    list_filter = ("to_status", "public_reason")
    list_select_related = ("seal", "actor")
    search_fields = ("seal__number", "reason")
    ordering = ("-at", "-id")


@admin.register(CertificateFile)
class CertificateFileAdmin(ReadOnlyAdmin):
    list_display = ("seal", "version", "rendered_at", "render_ms", "size", "sha256")
    list_select_related = ("seal",)
    search_fields = ("seal__number", "sha256")
    ordering = ("-rendered_at", "-id")
