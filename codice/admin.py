"""Admin for the code. A published or superseded version and its content are shown read-only;
state changes (new draft, publish, decide a proposal) go through codice.services, and nothing
here publishes."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from codice.models import (
    Amendment,
    Article,
    Chapter,
    CodeEvent,
    CodeVersion,
    DecalogoEntry,
    Meeting,
    VersionLocked,
)
from codice.services import can_manage_codice, codeversion_create_draft, codeversion_record_edit


def _is_frozen(version: CodeVersion | None) -> bool:
    return version is not None and version.pk is not None and not version.is_draft


class RefuseFrozenMixin:
    """Turn a VersionLocked raised while saving (a version published while the form was open)
    into a 403 instead of a 500. The admin's own transaction has already been rolled back."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc


# --- forms ------------------------------------------------------------------------------------


class CodeVersionForm(forms.ModelForm):
    class Meta:
        model = CodeVersion
        fields = ["number", "title", "change_summary"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            # The one-draft constraint names `status`, which the form leaves out, so the
            # model validation skips it: say it here rather than fail in the service.
            if CodeVersion.objects.drafts().exists():
                raise forms.ValidationError(
                    _("Esiste già una bozza in lavorazione."), code="draft_exists"
                )
        else:
            try:
                self.instance.assert_editable()
            except VersionLocked as exc:
                raise forms.ValidationError(exc.messages) from exc
        return cleaned


class VersionContentForm(forms.ModelForm):
    """Refuses, as a form error, content that belongs (or would belong) to a frozen version."""

    def clean(self):
        cleaned = super().clean()
        versions = []
        if cleaned.get("version") is not None:
            versions.append(cleaned["version"])
        # Set on a stored row, and on a new row of an inline by its formset.
        if self.instance.version_id is not None:
            versions += CodeVersion.objects.filter(pk=self.instance.version_id)
        for version in versions:
            try:
                version.assert_editable()
            except VersionLocked as exc:
                raise forms.ValidationError(exc.messages) from exc
        return cleaned


class ArticleForm(VersionContentForm):
    class Meta:
        model = Article
        fields = ["version", "chapter", "key", "number", "title", "body", "order"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        chapter = self.fields.get("chapter")
        if chapter is not None:
            if self.instance.pk is not None:
                chapter.queryset = Chapter.objects.filter(version_id=self.instance.version_id)
            else:
                chapter.queryset = Chapter.objects.filter(
                    version__status=CodeVersion.Status.DRAFT
                ).select_related("version")


# --- version content --------------------------------------------------------------------------


class FrozenContentInline:
    """An inline on the version page: editable for a draft, read-only (no add) once frozen."""

    form = VersionContentForm
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return not _is_frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return not _is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not _is_frozen(obj) and super().has_delete_permission(request, obj)


class ChapterInline(FrozenContentInline, admin.TabularInline):
    model = Chapter
    fields = ["number", "title", "order"]


class ArticleInline(admin.TabularInline):
    """An index of the version's articles; each is edited on its own page (the body is long)."""

    model = Article
    fields = ["number", "key", "title", "chapter", "order"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    verbose_name_plural = _("articoli (si modificano dalla pagina di ciascun articolo)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("chapter", "version")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DecalogoEntryInline(FrozenContentInline, admin.StackedInline):
    model = DecalogoEntry
    fields = ["audience", "title", "body", "order"]


class VersionContentAdmin(RefuseFrozenMixin, admin.ModelAdmin):
    """Chapters, articles and decalogo entries: only a draft's rows can be added or changed."""

    form = VersionContentForm
    list_select_related = ["version"]

    def get_readonly_fields(self, request, obj=None):
        # Content never moves between versions.
        return ["version"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = CodeVersion.objects.drafts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version")

    def has_add_permission(self, request) -> bool:
        # Content is added only to the draft; without one there is nothing to add to.
        return super().has_add_permission(request) and CodeVersion.objects.drafts().exists()

    def has_change_permission(self, request, obj=None) -> bool:
        return (obj is None or not _is_frozen(obj.version)) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or not _is_frozen(obj.version)) and super().has_delete_permission(
            request, obj
        )

    def log_addition(self, request, obj, message):
        codeversion_record_edit(version=obj.version, by=request.user, note=_note("+", obj))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        codeversion_record_edit(version=obj.version, by=request.user, note=_note("~", obj))
        return super().log_change(request, obj, message)

    def delete_model(self, request, obj):
        version = obj.version
        super().delete_model(request, obj)
        codeversion_record_edit(version=version, by=request.user, note=_note("-", obj))

    def delete_queryset(self, request, queryset):
        rows = list(queryset.select_related("version"))
        super().delete_queryset(request, queryset)
        for obj in rows:
            codeversion_record_edit(version=obj.version, by=request.user, note=_note("-", obj))


def _note(sign: str, obj) -> str:
    return f"{sign} {obj._meta.verbose_name} «{obj}» ({_('amministrazione')})"


@admin.register(Chapter)
class ChapterAdmin(VersionContentAdmin):
    list_display = ["number", "title", "order", "version"]
    list_filter = ["version"]
    search_fields = ["number", "title"]
    ordering = ["-version__created_at", "order", "id"]


@admin.register(Article)
class ArticleAdmin(VersionContentAdmin):
    form = ArticleForm
    list_display = ["number", "title", "key", "chapter", "version"]
    list_filter = ["version"]
    list_select_related = ["version", "chapter"]
    search_fields = ["key", "number", "title", "body"]
    ordering = ["-version__created_at", "chapter__order", "order", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("chapter")


@admin.register(DecalogoEntry)
class DecalogoEntryAdmin(VersionContentAdmin):
    list_display = ["title", "audience", "order", "version"]
    list_filter = ["version", "audience"]
    search_fields = ["title", "body"]
    ordering = ["-version__created_at", "audience", "order", "id"]


# --- versions ---------------------------------------------------------------------------------


@admin.register(CodeVersion)
class CodeVersionAdmin(RefuseFrozenMixin, admin.ModelAdmin):
    form = CodeVersionForm
    list_display = ["number", "title", "status", "effective_date", "published_at"]
    list_filter = ["status"]
    search_fields = ["number", "title", "change_summary"]
    fields = [
        "number",
        "title",
        "change_summary",
        "status",
        "effective_date",
        "based_on",
        "created_at",
        "created_by",
        "published_at",
        "published_by",
    ]
    # State and its stamps change only through codice.services (publishing is on the portal).
    readonly_fields = [
        "status",
        "effective_date",
        "based_on",
        "created_at",
        "created_by",
        "published_at",
        "published_by",
    ]
    inlines = [ChapterInline, ArticleInline, DecalogoEntryInline]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["number", "title", "change_summary"]
        return super().get_fields(request, obj)

    def get_inlines(self, request, obj):
        # A new draft is a copy of the current version: its content appears once it exists.
        return self.inlines if obj is not None else []

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("based_on", "created_by", "published_by")
        )

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and can_manage_codice(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return not _is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not _is_frozen(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new draft is made by the service: a full copy of the current version plus its event.
        draft = codeversion_create_draft(
            by=request.user,
            number=obj.number,
            title=obj.title,
            change_summary=obj.change_summary,
        )
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(draft, field.attname))
        obj._state.adding = False
        obj._state.db = draft._state.db

    def log_change(self, request, obj, message):
        codeversion_record_edit(version=obj, by=request.user, note=str(_("Modifica dall'admin")))
        return super().log_change(request, obj, message)


# --- working table and history ----------------------------------------------------------------


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "place"]
    date_hierarchy = "date"
    search_fields = ["place", "agenda", "minutes", "participants_oic", "participants_assocontact"]
    readonly_fields = ["created_at", "created_by"]

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Amendment)
class AmendmentAdmin(RefuseFrozenMixin, admin.ModelAdmin):
    """Proposals are made and decided on the working-table pages (codice.services); here an
    open proposal on the draft can only have its wording corrected."""

    list_display = ["article_key", "proposer", "version", "status", "meeting", "created_at"]
    list_filter = ["status", "version", "meeting"]
    list_select_related = ["version", "meeting"]
    search_fields = ["article_key", "proposer", "proposed_text", "rationale"]
    fields = [
        "version",
        "article_key",
        "proposer",
        "proposed_text",
        "rationale",
        "status",
        "meeting",
        "previous_text",
        "decision_note",
        "decided_at",
        "decided_by",
        "created_at",
        "created_by",
    ]
    readonly_fields = [
        "version",
        "article_key",
        "status",
        "meeting",
        "previous_text",
        "decision_note",
        "decided_at",
        "decided_by",
        "created_at",
        "created_by",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and (obj.status != Amendment.Status.OPEN or _is_frozen(obj.version)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CodeEvent)
class CodeEventAdmin(admin.ModelAdmin):
    """The append-only history: readable, never written from here."""

    list_display = ["at", "version", "action", "actor", "from_status", "to_status"]
    list_filter = ["action", "version"]
    list_select_related = ["version", "actor"]
    search_fields = ["note", "actor__email"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
