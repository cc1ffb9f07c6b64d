"""Committee pages for a code version's checklist, at /gestione/codice/<pk>/lista-di-controllo/.

A draft's checklist is edited here; a published or superseded version's is shown read-only.
Every write goes through certification.services.checklists, which locks the version row,
checks it is still a draft and writes the history row in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from certification.forms.checklists import ItemForm, ScaleFormSet, SectionForm, ThresholdForm
from certification.models import ChecklistItem, ChecklistSection, ChecklistTemplate
from certification.services.checklists import (
    checklist_create,
    checklist_edit,
    checklist_set_scale,
    checklist_set_threshold,
)
from codice.models import CodeVersion, VersionLocked
from codice.services import can_manage_codice

FORM_TEMPLATE = "certification/checklists/form.html"
DELETE_TEMPLATE = "certification/checklists/confirm_delete.html"


# --- access --------------------------------------------------------------------------------


def manager_required(view: Callable) -> Callable:
    """Login first (redirect to the login page), then the committee's permission (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_manage_codice(request.user):
            raise PermissionDenied(_("Solo il comitato gestisce le liste di controllo."))
        return view(request, *args, **kwargs)

    return require_http_methods(["GET", "POST"])(login_required(wrapper))


def _get_version(pk: int) -> CodeVersion:
    return get_object_or_404(CodeVersion, pk=pk)


def _get_section(version: CodeVersion, section_pk: int) -> ChecklistSection:
    return get_object_or_404(ChecklistSection, pk=section_pk, version=version)


def _get_item(version: CodeVersion, item_pk: int) -> ChecklistItem:
    return get_object_or_404(
        ChecklistItem.objects.select_related("section"), pk=item_pk, version=version
    )


def _has_checklist(version: CodeVersion) -> bool:
    return ChecklistTemplate.objects.filter(version=version).exists()


# --- helpers -------------------------------------------------------------------------------


def _overview_url(version: CodeVersion, anchor: str = "") -> str:
    url = reverse("certification:checklist", args=[version.pk])
    return f"{url}#{anchor}" if anchor else url


def _crumbs(version: CodeVersion, *items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    base = [
        (_("Gestione codice"), reverse("codice_manage:versions")),
        (
            _("Versione %(number)s") % {"number": version.number},
            reverse("codice_manage:version", args=[version.pk]),
        ),
    ]
    if not items:
        return [*base, (_("Lista di controllo"), None)]
    return [*base, (_("Lista di controllo"), _overview_url(version)), *items]


def _refuse(request: HttpRequest, version: CodeVersion) -> HttpResponse | None:
    """Send the person back to the overview when this version's checklist cannot be edited."""
    if not version.is_draft:
        messages.error(request, VersionLocked(version).messages[0])
        return redirect(_overview_url(version))
    if not _has_checklist(version):
        messages.error(request, _("Questa versione non ha ancora una lista di controllo."))
        return redirect(_overview_url(version))
    return None


def _save(
    request: HttpRequest, version: CodeVersion, write: Callable[[], object], note: str
) -> bool:
    """Run one edit through the service; on refusal, tell the person and return False."""
    try:
        checklist_edit(version=version, by=request.user, note=note, write=write)
    except ValidationError as exc:
        # VersionLocked (published meanwhile) is a ValidationError too.
        messages.error(request, " ".join(exc.messages))
        return False
    except IntegrityError:
        # Two people saving the same code at once: the database keeps the first.
        messages.error(
            request,
            _("Il salvataggio non è riuscito perché i dati sono cambiati nel frattempo: riprova."),
        )
        return False
    return True


def _form_page(
    request: HttpRequest,
    *,
    version: CodeVersion,
    form,
    page_title: str,
    submit_label: str | None = None,
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        FORM_TEMPLATE,
        {
            "page_title": page_title,
            "intro": intro,
            "form": form,
            "submit_label": submit_label or _("Salva"),
            "cancel_url": _overview_url(version),
            "crumbs": _crumbs(version, (page_title, None)),
        },
    )


# --- overview ------------------------------------------------------------------------------


def _section_rows(version: CodeVersion) -> list[dict]:
    """Sections with their items, each item with the labels of the articles it verifies.
    Three queries whatever the size of the checklist."""
    sections = version.checklist_sections.prefetch_related(
        Prefetch("items", queryset=ChecklistItem.objects.order_by("order", "id"))
    )
    labels = {article.key: str(article) for article in version.articles.all()}
    rows = []
    for section in sections:
        items = [
            {
                "item": item,
                "articles": [labels[key] for key in item.article_keys if key in labels],
                "unknown_articles": [key for key in item.article_keys if key not in labels],
            }
            for item in section.items.all()
        ]
        rows.append(
            {
                "section": section,
                "items": items,
                "weight": sum((row["item"].weight for row in items), Decimal(0)),
            }
        )
    return rows


@manager_required
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(pk)
    template = ChecklistTemplate.objects.filter(version=version).first()
    levels = list(version.scale_levels.all()) if template else []
    rows = _section_rows(version) if template else []
    items = [row["item"] for section in rows for row in section["items"]]
    return render(
        request,
        "certification/checklists/overview.html",
        {
            "version": version,
            "template": template,
            "editable": version.is_draft and template is not None,
            "levels": levels,
            "sections": rows,
            "item_count": len(items),
            "total_weight": sum((item.weight for item in items), Decimal(0)),
            "blocking_count": sum(1 for item in items if item.blocking),
            "na_count": sum(1 for item in items if item.allows_na),
            "empty_sections": [row["section"] for row in rows if not row["items"]],
            "crumbs": _crumbs(version),
        },
    )


# --- the checklist itself: creation, threshold, scale ---------------------------------------


@manager_required
def create(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(pk)
    if not version.is_draft:
        messages.error(request, VersionLocked(version).messages[0])
        return redirect(_overview_url(version))
    if _has_checklist(version):
        messages.info(request, _("Questa versione ha già una lista di controllo."))
        return redirect(_overview_url(version))
    form = ThresholdForm(request.POST or None, initial={"pass_threshold": Decimal("70")})
    if request.method == "POST" and form.is_valid():
        try:
            checklist_create(
                version=version, by=request.user, pass_threshold=form.cleaned_data["pass_threshold"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(_overview_url(version))
        except IntegrityError:
            messages.error(request, _("La lista di controllo è stata creata nel frattempo."))
            return redirect(_overview_url(version))
        messages.success(request, _("Lista di controllo creata."))
        return redirect(_overview_url(version))
    return _form_page(
        request,
        version=version,
        form=form,
        page_title=_("Nuova lista di controllo per la versione %(number)s")
        % {"number": version.number},
        submit_label=_("Crea la lista di controllo"),
        intro=_(
            "La lista parte con la scala predefinita (0 Non conforme, 1 Parzialmente conforme, "
            "2 Conforme, 3 Eccellente), che potrai cambiare, e senza sezioni né voci."
        ),
    )


@manager_required
def threshold_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(pk)
    if refusal := _refuse(request, version):
        return refusal
    template = ChecklistTemplate.objects.get(version=version)
    form = ThresholdForm(request.POST or None, initial={"pass_threshold": template.pass_threshold})
    if request.method == "POST" and form.is_valid():
        try:
            checklist_set_threshold(
                version=version, by=request.user, pass_threshold=form.cleaned_data["pass_threshold"]
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Soglia di superamento aggiornata."))
            return redirect(_overview_url(version))
    return _form_page(
        request, version=version, form=form, page_title=_("Modifica la soglia di superamento")
    )


@manager_required
def scale_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(pk)
    if refusal := _refuse(request, version):
        return refusal
    initial = [
        {"points": level.points, "label": level.label} for level in version.scale_levels.all()
    ]
    formset = ScaleFormSet(request.POST or None, initial=initial, prefix="livelli")
    if request.method == "POST" and formset.is_valid():
        try:
            checklist_set_scale(version=version, by=request.user, levels=formset.levels())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except IntegrityError:
            messages.error(
                request,
                _(
                    "Il salvataggio non è riuscito perché i dati sono cambiati nel frattempo: "
                    "riprova."
                ),
            )
        else:
            messages.success(request, _("Scala dei livelli aggiornata."))
            return redirect(_overview_url(version, "scala"))
    page_title = _("Modifica la scala dei livelli")
    return render(
        request,
        "certification/checklists/scale.html",
        {
            "version": version,
            "formset": formset,
            "page_title": page_title,
            "cancel_url": _overview_url(version, "scala"),
            "crumbs": _crumbs(version, (page_title, None)),
        },
    )


# --- sections ------------------------------------------------------------------------------


@manager_required
def section_create(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(pk)
    if refusal := _refuse(request, version):
        return refusal
    next_order = version.checklist_sections.count() + 1
    form = SectionForm(request.POST or None, version=version, initial={"order": next_order})
    if request.method == "POST" and form.is_valid():
        note = _("Sezione %(code)s della lista di controllo aggiunta") % {
            "code": form.cleaned_data["code"]
        }
        if _save(request, version, form.save, note):
            messages.success(request, note)
            return redirect(_overview_url(version, f"sezione-{form.instance.pk}"))
    return _form_page(request, version=version, form=form, page_title=_("Nuova sezione"))


@manager_required
def section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    version = _get_version(pk)
    section = _get_section(version, section_pk)
    if refusal := _refuse(request, version):
        return refusal
    title = _("Modifica la sezione %(code)s") % {"code": section.code}
    form = SectionForm(request.POST or None, instance=section, version=version)
    if request.method == "POST" and form.is_valid():
        note = _("Sezione %(code)s della lista di controllo modificata") % {
            "code": form.cleaned_data["code"]
        }
        if _save(request, version, form.save, note):
            messages.success(request, note)
            return redirect(_overview_url(version, f"sezione-{section.pk}"))
    return _form_page(request, version=version, form=form, page_title=title)


@manager_required
def section_delete(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    version = _get_version(pk)
    section = _get_section(version, section_pk)
    if refusal := _refuse(request, version):
        return refusal
    note = _("Sezione %(code)s della lista di controllo eliminata") % {"code": section.code}
    if request.method == "POST":
        if _save(request, version, section.delete, note):
            messages.success(request, note)
        return redirect(_overview_url(version))
    items = [str(item) for item in section.items.order_by("order", "id")]
    page_title = _("Elimina la sezione %(code)s") % {"code": section.code}
    return render(
        request,
        DELETE_TEMPLATE,
        {
            "page_title": page_title,
            "question": _("Vuoi eliminare la sezione «%(section)s» dalla lista di controllo?")
            % {"section": section},
            "consequences_intro": _("Con la sezione vengono eliminate anche le sue voci:")
            if items
            else "",
            "consequences": items,
            "cancel_url": _overview_url(version, f"sezione-{section.pk}"),
            "crumbs": _crumbs(version, (page_title, None)),
        },
    )


# --- items ---------------------------------------------------------------------------------


@manager_required
def item_create(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(pk)
    if refusal := _refuse(request, version):
        return refusal
    if not version.checklist_sections.exists():
        messages.error(
            request, _("Aggiungi prima una sezione: ogni voce appartiene a una sezione.")
        )
        return redirect(_overview_url(version))
    initial = {"weight": Decimal("1")}
    wanted = request.GET.get("sezione", "")
    # Only a plausible id reaches the database: anything else simply preselects nothing.
    plausible = wanted.isascii() and wanted.isdigit() and len(wanted) <= 9
    section = version.checklist_sections.filter(pk=int(wanted)).first() if plausible else None
    if section is not None:
        initial["section"] = section.pk
        initial["order"] = section.items.count() + 1
    form = ItemForm(request.POST or None, version=version, initial=initial)
    if request.method == "POST" and form.is_valid():
        note = _("Voce %(code)s della lista di controllo aggiunta") % {
            "code": form.cleaned_data["code"]
        }
        if _save(request, version, form.save, note):
            messages.success(request, note)
            return redirect(_overview_url(version, f"voce-{form.instance.pk}"))
    return _form_page(request, version=version, form=form, page_title=_("Nuova voce"))


@manager_required
def item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    version = _get_version(pk)
    item = _get_item(version, item_pk)
    if refusal := _refuse(request, version):
        return refusal
    title = _("Modifica la voce %(code)s") % {"code": item.code}
    form = ItemForm(request.POST or None, instance=item, version=version)
    if request.method == "POST" and form.is_valid():
        note = _("Voce %(code)s della lista di controllo modificata") % {
            "code": form.cleaned_data["code"]
        }
        if _save(request, version, form.save, note):
            messages.success(request, note)
            return redirect(_overview_url(version, f"voce-{item.pk}"))
    return _form_page(request, version=version, form=form, page_title=title)


@manager_required
def item_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    version = _get_version(pk)
    item = _get_item(version, item_pk)
    if refusal := _refuse(request, version):
        return refusal
    note = _("Voce %(code)s della lista di controllo eliminata") % {"code": item.code}
    if request.method == "POST":
        if _save(request, version, item.delete, note):
            messages.success(request, note)
        return redirect(_overview_url(version, f"sezione-{item.section_id}"))
    page_title = _("Elimina la voce %(code)s") % {"code": item.code}
    return render(
        request,
        DELETE_TEMPLATE,
        {
            "page_title": page_title,
            "question": _("Vuoi eliminare la voce «%(item)s» dalla lista di controllo?")
            % {"item": item},
            "consequences_intro": "",
            "consequences": [],
            "cancel_url": _overview_url(version, f"voce-{item.pk}"),
            "crumbs": _crumbs(version, (page_title, None)),
        },
    )


_BASE = "gestione/codice/<int:pk>/lista-di-controllo/"

urlpatterns = [
    path(_BASE, overview, name="checklist"),
    path(f"{_BASE}crea/", create, name="checklist_create"),
    path(f"{_BASE}soglia/", threshold_edit, name="checklist_threshold"),
    path(f"{_BASE}scala/", scale_edit, name="checklist_scale"),
    path(f"{_BASE}sezioni/nuova/", section_create, name="checklist_section_create"),
    path(
        f"{_BASE}sezioni/<int:section_pk>/modifica/",
        section_edit,
        name="checklist_section_edit",
    ),
    path(
        f"{_BASE}sezioni/<int:section_pk>/elimina/",
        section_delete,
        name="checklist_section_delete",
    ),
    path(f"{_BASE}voci/nuova/", item_create, name="checklist_item_create"),
    path(f"{_BASE}voci/<int:item_pk>/modifica/", item_edit, name="checklist_item_edit"),
    path(f"{_BASE}voci/<int:item_pk>/elimina/", item_delete, name="checklist_item_delete"),
]
