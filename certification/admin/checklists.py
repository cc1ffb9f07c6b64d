"""Admin for the checklists. Like the code's content, a published or superseded version's
checklist is read-only here (and refused by the models and the database anyway); a draft's
rows can be corrected, each change written to the version's history. The committee's own
pages (certification.views.checklists) are the usual way to edit a checklist."""

from __future__ import annotations

from django.contrib import admin

from certification.models import ChecklistItem, ChecklistSection, ChecklistTemplate, ScaleLevel
from codice.admin import VersionContentAdmin, VersionContentForm
from codice.models import CodeVersion


class ChecklistItemForm(VersionContentForm):
    class Meta:
        model = ChecklistItem
        fields = [
            "version",
            "section",
            "code",
            "question",
            "guidance",
            "article_keys",
            "weight",
            "blocking",
            "allows_na",
            "evidence_hint",
            "order",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        section = self.fields.get("section")
        if section is not None:
            if self.instance.pk is not None:
                section.queryset = ChecklistSection.objects.filter(
                    version_id=self.instance.version_id
                )
            else:
                section.queryset = ChecklistSection.objects.filter(
                    version__status=CodeVersion.Status.DRAFT
                ).select_related("version")


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(VersionContentAdmin):
    list_display = ["version", "pass_threshold"]
    ordering = ["-version__created_at"]


@admin.register(ScaleLevel)
class ScaleLevelAdmin(VersionContentAdmin):
    list_display = ["points", "label", "version"]
    list_filter = ["version"]
    ordering = ["-version__created_at", "points"]


@admin.register(ChecklistSection)
class ChecklistSectionAdmin(VersionContentAdmin):
    list_display = ["code", "title", "minimum_percent", "order", "version"]
    list_filter = ["version"]
    search_fields = ["code", "title"]
    ordering = ["-version__created_at", "order", "id"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(VersionContentAdmin):
    form = ChecklistItemForm
    list_display = [
        "code",
        "short_question",
        "section",
        "weight",
        "blocking",
        "allows_na",
        "version",
    ]
    list_filter = ["version", "blocking", "allows_na"]
    list_select_related = ["version", "section"]
    search_fields = ["code", "question", "guidance"]
    ordering = ["-version__created_at", "section__order", "order", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section")

    @admin.display(description=ChecklistItem._meta.get_field("question").verbose_name)
    def short_question(self, obj: ChecklistItem) -> str:
        return obj.question if len(obj.question) <= 80 else f"{obj.question[:79]}…"
