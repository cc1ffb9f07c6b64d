from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from certification.forms.organizations import normalize_partita_iva
from certification.models import (
    Invitation,
    JoinRequest,
    OperationalSite,
    Organization,
    Provincia,
    Sector,
)
from certification.services.registry import refresh_search_text


class OrganizationAdminForm(forms.ModelForm):
    """The partita IVA as people type it (spaces, IT prefix), stored as the 11 digits the
    database requires, so the admin shows a message instead of failing on the constraint."""

    partita_iva = forms.CharField(label=_("partita IVA"), max_length=20)
    website = forms.URLField(label=_("sito web"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = [
            "legal_name",
            "partita_iva",
            "codice_fiscale",
            "pec",
            "street",
            "cap",
            "comune",
            "provincia",
            "website",
            "operators_count",
            "inbound",
            "outbound",
            "sectors",
            "assocontact_member",
        ]

    def clean_partita_iva(self) -> str:
        return normalize_partita_iva(self.cleaned_data["partita_iva"])


class OperationalSiteInline(admin.TabularInline):
    model = OperationalSite
    extra = 0
    min_num = 1
    autocomplete_fields = ("provincia",)
    fields = ("name", "street", "comune", "provincia", "seats")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationAdminForm
    inlines = [OperationalSiteInline]
    list_display = (
        "legal_name",
        "partita_iva",
        "comune",
        "provincia",
        "regione",
        "inbound",
        "outbound",
        "assocontact_member",
        "member_count",
    )
    list_filter = ("provincia__regione", "sectors", "inbound", "outbound", "assocontact_member")
    list_select_related = ("provincia",)
    search_fields = ("legal_name", "partita_iva", "codice_fiscale", "comune")
    autocomplete_fields = ("provincia",)
    filter_horizontal = ("sectors",)
    readonly_fields = ("created_at", "created_by", "members_list")
    fieldsets = (
        (None, {"fields": ("legal_name", "partita_iva", "codice_fiscale", "pec", "website")}),
        (_("Sede legale"), {"fields": ("street", "cap", "comune", "provincia")}),
        (
            _("Attività"),
            {
                "fields": (
                    "operators_count",
                    "inbound",
                    "outbound",
                    "sectors",
                    "assocontact_member",
                )
            },
        ),
        (_("Persone"), {"fields": ("members_list", "created_at", "created_by")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # After the sites inline is saved: the registry searches the sites' comuni too.
        refresh_search_text(form.instance)

    @admin.display(description=_("regione"), ordering="provincia__regione")
    def regione(self, obj: Organization) -> str:
        return obj.regione

    @admin.display(description=_("persone"), ordering="member_count")
    def member_count(self, obj: Organization) -> int:
        return obj.member_count

    @admin.display(description=_("persone dell'organizzazione"))
    def members_list(self, obj: Organization) -> str:
        if obj.pk is None:
            return "—"
        return ", ".join(str(u) for u in obj.members.order_by("email")) or "—"


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    ordering = ("order", "name")


@admin.register(Provincia)
class ProvinciaAdmin(admin.ModelAdmin):
    """The provinces are data loaded by a migration: listed, never changed here."""

    list_display = ("name", "sigla", "regione")
    list_filter = ("regione",)
    search_fields = ("name", "sigla")
    ordering = ("name",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "status", "created_at", "decided_by", "decided_at")
    list_filter = ("status",)
    list_select_related = ("user", "organization", "decided_by")
    search_fields = ("user__email", "organization__legal_name", "organization__partita_iva")
    readonly_fields = (
        "organization",
        "user",
        "message",
        "created_at",
        "status",
        "decided_by",
        "decided_at",
    )

    def has_add_permission(self, request) -> bool:
        # Requests are made and decided in the portal, where the requester joins in the same
        # step; here they are only looked at (or deleted).
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "organization",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
    )
    list_filter = ("accepted_at",)
    list_select_related = ("organization", "invited_by")
    search_fields = ("email", "organization__legal_name", "organization__partita_iva")
    readonly_fields = (
        "organization",
        "email",
        "invited_by",
        "created_at",
        "accepted_at",
        "accepted_by",
    )
    fields = (
        "organization",
        "email",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
    )

    def has_add_permission(self, request) -> bool:
        return False
