"""Public pages of the code: current and past versions, decalogo, what changed, PDF."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from codice.diff import compare_versions
from codice.models import Article, Chapter, CodeVersion, DecalogoEntry
from codice.pdf import render_code_pdf
from codice.services import can_manage_codice

# --- access helpers -----------------------------------------------------------------------


def _public_versions() -> QuerySet[CodeVersion]:
    """Published and superseded versions, newest first (numbers do not sort as text)."""
    return CodeVersion.objects.public().order_by("-published_at", "-id")


def _get_version_for_user(request: HttpRequest, number: str) -> CodeVersion:
    """A public version, or any version (drafts too) for the committee; else 404."""
    versions = (
        CodeVersion.objects.all()
        if can_manage_codice(request.user)
        else CodeVersion.objects.public()
    )
    version = versions.filter(number=number).first()
    if version is None:
        raise Http404(_("Versione del codice non trovata."))
    return version


def _get_current_or_404() -> CodeVersion:
    version = CodeVersion.objects.current()
    if version is None:
        raise Http404(_("Il codice non è ancora pubblicato."))
    return version


def _chapters_with_articles(version: CodeVersion) -> list[Chapter]:
    """Chapters in order, each with its articles prefetched: two queries however long the code."""
    return list(
        version.chapters.order_by("order", "id").prefetch_related(
            Prefetch("articles", queryset=Article.objects.order_by("order", "id"))
        )
    )


def _previous_public(version: CodeVersion) -> CodeVersion | None:
    """The public version published just before this one (for a draft: the current one)."""
    versions = _public_versions().exclude(pk=version.pk)
    if version.published_at is not None:
        versions = versions.filter(published_at__lt=version.published_at)
    return versions.first()


DECALOGO_HEADINGS = {
    DecalogoEntry.Audience.CONSUMERS: _("Per i consumatori"),
    DecalogoEntry.Audience.COMPANIES: _("Per le aziende"),
}


def _decalogo_groups(version: CodeVersion) -> list[dict]:
    entries = list(version.decalogo.order_by("order", "id"))
    return [
        {
            "audience": audience.value,
            "heading": DECALOGO_HEADINGS[audience],
            "entries": [e for e in entries if e.audience == audience],
        }
        for audience in DecalogoEntry.Audience
    ]


# --- the code -----------------------------------------------------------------------------


def _render_version(request: HttpRequest, version: CodeVersion, *, is_current_page: bool):
    current = version if version.is_current else CodeVersion.objects.current()
    previous = None if version.is_draft else _previous_public(version)
    return render(
        request,
        "codice/public/version.html",
        {
            "version": version,
            "chapters": _chapters_with_articles(version),
            "current": current,
            "previous": previous,
            "is_current_page": is_current_page,
        },
    )


@require_safe
def current(request: HttpRequest) -> HttpResponse:
    version = CodeVersion.objects.current()
    if version is None:
        return render(request, "codice/public/not_published.html")
    return _render_version(request, version, is_current_page=True)


@require_safe
def version_detail(request: HttpRequest, number: str) -> HttpResponse:
    version = _get_version_for_user(request, number)
    return _render_version(request, version, is_current_page=False)


@require_safe
def versions(request: HttpRequest) -> HttpResponse:
    return render(request, "codice/public/versions.html", {"versions": list(_public_versions())})


# --- decalogo -----------------------------------------------------------------------------


def _render_decalogo(request: HttpRequest, version: CodeVersion, *, is_current_page: bool):
    current = version if version.is_current else CodeVersion.objects.current()
    return render(
        request,
        "codice/public/decalogo.html",
        {
            "version": version,
            "groups": _decalogo_groups(version),
            "current": current,
            "is_current_page": is_current_page,
        },
    )


@require_safe
def decalogo(request: HttpRequest) -> HttpResponse:
    version = CodeVersion.objects.current()
    if version is None:
        return render(request, "codice/public/not_published.html", {"decalogo": True})
    return _render_decalogo(request, version, is_current_page=True)


@require_safe
def decalogo_version(request: HttpRequest, number: str) -> HttpResponse:
    version = _get_version_for_user(request, number)
    return _render_decalogo(request, version, is_current_page=False)


# --- what changed -------------------------------------------------------------------------


class CompareForm(forms.Form):
    da = forms.ChoiceField(label=_("Dalla versione"))
    a = forms.ChoiceField(label=_("Alla versione"))

    def __init__(self, *args, versions: list[CodeVersion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(v.number, f"{v.number} – {v.title}") for v in versions]
        for name in ("da", "a"):
            field = self.fields[name]
            field.choices = choices
            field.error_messages = {
                "required": _("Scegli una versione."),
                "invalid_choice": _(
                    "La versione «%(value)s» non esiste o non è pubblicata: scegline una "
                    "dall'elenco."
                ),
            }
            field.widget.attrs["class"] = "form-select"

    def clean(self) -> dict:
        data = super().clean()
        if data.get("da") and data.get("da") == data.get("a"):
            raise ValidationError(
                _("Hai scelto la stessa versione due volte: scegli due versioni diverse."),
                code="same_version",
            )
        return data


def _with_comparison_content(*versions: CodeVersion) -> None:
    prefetch_related_objects(
        list(versions),
        Prefetch(
            "articles",
            queryset=Article.objects.select_related("chapter").order_by(
                "chapter__order", "chapter_id", "order", "id"
            ),
        ),
        Prefetch("decalogo", queryset=DecalogoEntry.objects.order_by("audience", "order", "id")),
    )


@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    versions = list(_public_versions())
    if "da" in request.GET or "a" in request.GET:
        data = request.GET
    elif len(versions) >= 2:
        # By default: what the current version changed compared with the one before.
        data = {"da": versions[1].number, "a": versions[0].number}
    else:
        data = None
    form = CompareForm(data, versions=versions)
    old = new = comparison = None
    if form.is_valid():
        by_number = {v.number: v for v in versions}
        old, new = by_number[form.cleaned_data["da"]], by_number[form.cleaned_data["a"]]
        _with_comparison_content(old, new)
        comparison = compare_versions(old, new)
    return render(
        request,
        "codice/public/compare.html",
        {
            "form": form,
            "versions": versions,
            "old": old,
            "new": new,
            "comparison": comparison,
        },
    )


# --- PDF ----------------------------------------------------------------------------------


def _pdf_response(version: CodeVersion) -> HttpResponse:
    suffix = "-bozza" if version.is_draft else ""
    response = HttpResponse(render_code_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"codice-{version.number}{suffix}.pdf"
    )
    if version.is_draft:
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def pdf_current(request: HttpRequest) -> HttpResponse:
    return _pdf_response(_get_current_or_404())


@require_safe
def pdf(request: HttpRequest, number: str) -> HttpResponse:
    return _pdf_response(_get_version_for_user(request, number))
