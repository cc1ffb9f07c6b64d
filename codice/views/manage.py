"""Committee pages: code versions and their content, the working table and its amendments.

Every page needs a logged-in person who may manage the code. Content is written only while its
version is a draft: each write locks the version row, checks it is still a draft, saves, and adds
the history row in the same transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from codice.diff import DELETE, INSERT, diff_words
from codice.forms import (
    AmendmentDecisionForm,
    AmendmentForm,
    ArticleChoiceForm,
    ArticleForm,
    ChapterForm,
    CodeVersionForm,
    DecalogoEntryForm,
    DraftCreateForm,
    MeetingForm,
    PublishForm,
)
from codice.models import (
    Amendment,
    Article,
    Chapter,
    CodeVersion,
    DecalogoEntry,
    Meeting,
    VersionLocked,
)
from codice.services import (
    amendment_decide,
    amendment_propose,
    can_manage_codice,
    codeversion_create_draft,
    codeversion_publish,
    codeversion_record_edit,
)

FORM_TEMPLATE = "codice/manage/form.html"
DELETE_TEMPLATE = "codice/manage/confirm_delete.html"


# --- access --------------------------------------------------------------------------------


def manager_required(view: Callable) -> Callable:
    """Login first (redirect to the login page), then the committee's permission (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_manage_codice(request.user):
            raise PermissionDenied(_("Solo il comitato gestisce il codice."))
        return view(request, *args, **kwargs)

    return require_http_methods(["GET", "POST"])(login_required(wrapper))


def _get_version(pk: int) -> CodeVersion:
    return get_object_or_404(CodeVersion, pk=pk)


def _get_chapter(version: CodeVersion, chapter_pk: int) -> Chapter:
    return get_object_or_404(Chapter, pk=chapter_pk, version=version)


def _get_article(version: CodeVersion, article_pk: int) -> Article:
    return get_object_or_404(
        Article.objects.select_related("chapter"), pk=article_pk, version=version
    )


def _get_entry(version: CodeVersion, entry_pk: int) -> DecalogoEntry:
    return get_object_or_404(DecalogoEntry, pk=entry_pk, version=version)


def _get_amendment(version: CodeVersion, amendment_pk: int) -> Amendment:
    return get_object_or_404(
        Amendment.objects.select_related("meeting", "decided_by", "created_by"),
        pk=amendment_pk,
        version=version,
    )


def _get_meeting(pk: int) -> Meeting:
    return get_object_or_404(Meeting, pk=pk)


# --- helpers -------------------------------------------------------------------------------


def _version_url(version: CodeVersion, anchor: str = "") -> str:
    url = reverse("codice_manage:version", args=[version.pk])
    return f"{url}#{anchor}" if anchor else url


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Gestione codice"), reverse("codice_manage:versions")), *items]


def _version_crumb(version: CodeVersion) -> tuple[str, str]:
    return (_("Versione %(number)s") % {"number": version.number}, _version_url(version))


def _refuse_frozen(request: HttpRequest, version: CodeVersion) -> HttpResponse:
    messages.error(request, VersionLocked(version).messages[0])
    return redirect(_version_url(version))


def _write_draft(
    request: HttpRequest, version: CodeVersion, write: Callable[[], object], note: str
) -> bool:
    """Run `write` on the draft with its history row, in one transaction.

    The version row is locked first, so a publish cannot slip in between the check and the
    write. Returns False (with a message for the person) if the version froze meanwhile or the
    database refused the write.
    """
    try:
        with transaction.atomic():
            locked = CodeVersion.objects.select_for_update().get(pk=version.pk)
            if not locked.is_draft:
                raise VersionLocked(locked)
            write()
            codeversion_record_edit(version=locked, by=request.user, note=note)
    except VersionLocked as exc:
        messages.error(request, exc.messages[0])
        return False
    except IntegrityError:
        # Two people saving the same number at once: the database keeps the first.
        messages.error(
            request,
            _("Il salvataggio non è riuscito perché i dati sono cambiati nel frattempo: riprova."),
        )
        return False
    return True


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level differences as (kind, text), kind being ins, del or eq for the template."""
    kinds = {INSERT: "ins", DELETE: "del"}
    return [(kinds.get(op, "eq"), text) for op, text in diff_words(old, new)]


# --- versions ------------------------------------------------------------------------------


@manager_required
def versions(request: HttpRequest) -> HttpResponse:
    rows = list(CodeVersion.objects.select_related("published_by").order_by("-created_at", "-id"))
    draft = next((v for v in rows if v.is_draft), None)
    return render(
        request,
        "codice/manage/versions.html",
        {
            "versions": rows,
            "draft": draft,
            "crumbs": _crumbs((_("Versioni del codice"), None)),
        },
    )


@manager_required
def draft_create(request: HttpRequest) -> HttpResponse:
    current = CodeVersion.objects.current()
    initial = {"title": current.title} if current else None
    form = DraftCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            draft = codeversion_create_draft(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except IntegrityError:
            form.add_error(None, _("Un'altra bozza è stata creata nel frattempo: ricarica."))
        else:
            messages.success(request, _("Bozza %(number)s creata.") % {"number": draft.number})
            return redirect(_version_url(draft))
    if current:
        intro = _(
            "La nuova bozza parte come copia completa della versione corrente %(number)s: "
            "capitoli, articoli e decalogo."
        ) % {"number": current.number}
    else:
        intro = _("Non c'è una versione pubblicata: la bozza parte vuota.")
    return render(
        request,
        FORM_TEMPLATE,
        {
            "page_title": _("Nuova bozza dalla versione corrente"),
            "intro": intro,
            "form": form,
            "submit_label": _("Crea la bozza"),
            "cancel_url": reverse("codice_manage:versions"),
            "crumbs": _crumbs((_("Nuova bozza"), None)),
        },
    )


@manager_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(pk)
    chapters = version.chapters.prefetch_related(
        Prefetch("articles", queryset=Article.objects.order_by("order", "id"))
    )
    entries = list(version.decalogo.all())
    decalogo = [
        (label, [e for e in entries if e.audience == value])
        for value, label in DecalogoEntry.Audience.choices
    ]
    amendments = version.amendments.aggregate(
        total=Count("id"), open=Count("id", filter=Q(status=Amendment.Status.OPEN))
    )
    return render(
        request,
        "codice/manage/version_detail.html",
        {
            "version": version,
            "chapters": chapters,
            "decalogo": decalogo,
            "has_decalogo": bool(entries),
            "events": version.events.select_related("actor"),
            "amendment_count": amendments["total"],
            "open_amendment_count": amendments["open"],
            "crumbs": _crumbs((_("Versione %(number)s") % {"number": version.number}, None)),
        },
    )


@manager_required
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(pk)
    if not version.is_draft:
        return _refuse_frozen(request, version)
    # The form changes its instance while validating; the page keeps showing the stored row.
    form = CodeVersionForm(request.POST or None, instance=copy.copy(version))
    if request.method == "POST" and form.is_valid():
        note = _("Dati della versione modificati")
        if _write_draft(request, version, form.save, note):
            messages.success(request, note)
            return redirect(_version_url(form.instance))
    return render(
        request,
        FORM_TEMPLATE,
        {
            "page_title": _("Modifica la versione %(number)s") % {"number": version.number},
            "form": form,
            "submit_label": _("Salva"),
            "cancel_url": _version_url(version),
            "crumbs": _crumbs(_version_crumb(version), (_("Modifica"), None)),
        },
    )


@manager_required
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(pk)
    if not version.is_draft:
        messages.error(request, _("Si può pubblicare solo una bozza."))
        return redirect(_version_url(version))
    current = CodeVersion.objects.current()
    form = PublishForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            codeversion_publish(
                version=version,
                by=request.user,
                effective_date=form.cleaned_data["effective_date"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Versione %(number)s pubblicata.") % {"number": version.number}
            )
            return redirect(_version_url(version))
    return render(
        request,
        "codice/manage/publish.html",
        {
            "version": version,
            "current": current,
            "article_count": version.articles.count(),
            "open_amendment_count": version.amendments.filter(status=Amendment.Status.OPEN).count(),
            "form": form,
            "crumbs": _crumbs(_version_crumb(version), (_("Pubblica"), None)),
        },
    )


# --- content of a draft: chapters, articles, decalogo ---------------------------------------


def _content_form(
    request: HttpRequest,
    *,
    version: CodeVersion,
    form,
    note: Callable[[dict], str],
    success_url: Callable[[object], str],
    page_title: str,
    preview=None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        text = note(form.cleaned_data)
        if _write_draft(request, version, form.save, text):
            messages.success(request, text)
            return redirect(success_url(form.instance))
    return render(
        request,
        FORM_TEMPLATE,
        {
            "page_title": page_title,
            "form": form,
            "submit_label": _("Salva"),
            "cancel_url": _version_url(version),
            "preview": preview,
            "crumbs": _crumbs(_version_crumb(version), (page_title, None)),
        },
    )


def _content_delete(
    request: HttpRequest,
    *,
    version: CodeVersion,
    obj,
    note: str,
    page_title: str,
    question: str,
    consequences: list[str] | None = None,
) -> HttpResponse:
    if request.method == "POST":
        if _write_draft(request, version, obj.delete, note):
            messages.success(request, note)
        return redirect(_version_url(version))
    return render(
        request,
        DELETE_TEMPLATE,
        {
            "page_title": page_title,
            "question": question,
            "consequences": consequences or [],
            "cancel_url": _version_url(version),
            "crumbs": _crumbs(_version_crumb(version), (page_title, None)),
        },
    )


def _numbered_note(action: str) -> Callable[[dict], str]:
    """History note naming the chapter or article by the number just typed."""
    return lambda data: action % {"number": data["number"]}


@manager_required
def chapter_create(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(pk)
    if not version.is_draft:
        return _refuse_frozen(request, version)
    return _content_form(
        request,
        version=version,
        form=ChapterForm(request.POST or None, version=version),
        note=_numbered_note(_("Capitolo %(number)s aggiunto")),
        success_url=lambda chapter: _version_url(version, f"capitolo-{chapter.pk}"),
        page_title=_("Nuovo capitolo"),
    )


@manager_required
def chapter_edit(request: HttpRequest, pk: int, chapter_pk: int) -> HttpResponse:
    version = _get_version(pk)
    chapter = _get_chapter(version, chapter_pk)
    if not version.is_draft:
        return _refuse_frozen(request, version)
    return _content_form(
        request,
        version=version,
        form=ChapterForm(request.POST or None, instance=chapter, version=version),
        note=_numbered_note(_("Capitolo %(number)s modificato")),
        success_url=lambda chapter: _version_url(version, f"capitolo-{chapter.pk}"),
        page_title=_("Modifica il capitolo %(number)s") % {"number": chapter.number},
    )


@manager_required
def chapter_delete(request: HttpRequest, pk: int, chapter_pk: int) -> HttpResponse:
    version = _get_version(pk)
    chapter = _get_chapter(version, chapter_pk)
    if not version.is_draft:
        return _refuse_frozen(request, version)
    articles = [str(article) for article in chapter.articles.all()]
    consequences = (
        [_("Con il capitolo vengono eliminati anche i suoi articoli:"), *articles]
        if articles
        else []
    )
    return _content_delete(
        request,
        version=version,
        obj=chapter,
        note=_("Capitolo %(number)s eliminato") % {"number": chapter.number},
        page_title=_("Elimina il capitolo %(number)s") % {"number": chapter.number},
        question=_("Vuoi eliminare il capitolo «%(chapter)s» dalla bozza %(version)s?")
        % {"chapter": chapter, "version": version.number},
        consequences=consequences,
    )


def _article_edit_url(version: CodeVersion, article: Article) -> str:
    return reverse("codice_manage:article_edit", args=[version.pk, article.pk])


@manager_required
def article_create(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(pk)
    if not version.is_draft:
        return _refuse_frozen(request, version)
    if not version.chapters.exists():
        messages.warning(
            request, _("Aggiungi prima un capitolo: ogni articolo sta in un capitolo.")
        )
        return redirect(_version_url(version))
    initial = {"chapter": request.GET.get("capitolo")} if request.GET.get("capitolo") else None
    return _content_form(
        request,
        version=version,
        form=ArticleForm(request.POST or None, initial=initial, version=version),
        note=_numbered_note(_("Articolo %(number)s aggiunto")),
        success_url=lambda article: _article_edit_url(version, article),
        page_title=_("Nuovo articolo"),
    )


@manager_required
def article_edit(request: HttpRequest, pk: int, article_pk: int) -> HttpResponse:
    version = _get_version(pk)
    article = _get_article(version, article_pk)
    if not version.is_draft:
        return _refuse_frozen(request, version)
    # The preview shows the stored text, rendered as the public pages render it.
    preview = {"title": str(article), "html": article.body_html}
    return _content_form(
        request,
        version=version,
        form=ArticleForm(request.POST or None, instance=article, version=version),
        note=_numbered_note(_("Articolo %(number)s modificato")),
        success_url=lambda article: _article_edit_url(version, article),
        page_title=_("Modifica l'articolo %(number)s") % {"number": article.number},
        preview=preview,
    )


@manager_required
def article_delete(request: HttpRequest, pk: int, article_pk: int) -> HttpResponse:
    version = _get_version(pk)
    article = _get_article(version, article_pk)
    if not version.is_draft:
        return _refuse_frozen(request, version)
    return _content_delete(
        request,
        version=version,
        obj=article,
        note=_("Articolo %(number)s eliminato") % {"number": article.number},
        page_title=_("Elimina l'articolo %(number)s") % {"number": article.number},
        question=_("Vuoi eliminare «%(article)s» dalla bozza %(version)s?")
        % {"article": article, "version": version.number},
    )


def _entry_edit_url(version: CodeVersion, entry: DecalogoEntry) -> str:
    return reverse("codice_manage:decalogo_edit", args=[version.pk, entry.pk])


@manager_required
def decalogo_create(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(pk)
    if not version.is_draft:
        return _refuse_frozen(request, version)
    return _content_form(
        request,
        version=version,
        form=DecalogoEntryForm(request.POST or None, version=version),
        note=lambda data: _("Voce del decalogo «%(title)s» aggiunta") % {"title": data["title"]},
        success_url=lambda entry: _entry_edit_url(version, entry),
        page_title=_("Nuova voce del decalogo"),
    )


@manager_required
def decalogo_edit(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    version = _get_version(pk)
    entry = _get_entry(version, entry_pk)
    if not version.is_draft:
        return _refuse_frozen(request, version)
    preview = {"title": entry.title, "html": entry.body_html}
    return _content_form(
        request,
        version=version,
        form=DecalogoEntryForm(request.POST or None, instance=entry, version=version),
        note=lambda data: _("Voce del decalogo «%(title)s» modificata") % {"title": data["title"]},
        success_url=lambda entry: _entry_edit_url(version, entry),
        page_title=_("Modifica la voce del decalogo"),
        preview=preview,
    )


@manager_required
def decalogo_delete(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    version = _get_version(pk)
    entry = _get_entry(version, entry_pk)
    if not version.is_draft:
        return _refuse_frozen(request, version)
    return _content_delete(
        request,
        version=version,
        obj=entry,
        note=_("Voce del decalogo «%(title)s» eliminata") % {"title": entry.title},
        page_title=_("Elimina la voce del decalogo"),
        question=_("Vuoi eliminare la voce «%(title)s» dal decalogo della bozza %(version)s?")
        % {"title": entry.title, "version": version.number},
    )


# --- amendments ----------------------------------------------------------------------------


def _article_labels(version: CodeVersion) -> dict[str, str]:
    return {a.key: str(a) for a in version.articles.all()}


@manager_required
def amendments(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(pk)
    labels = _article_labels(version)
    rows = [
        (amendment, labels.get(amendment.article_key, amendment.article_key))
        for amendment in version.amendments.select_related("meeting")
    ]
    return render(
        request,
        "codice/manage/amendments.html",
        {
            "version": version,
            "rows": rows,
            "crumbs": _crumbs(_version_crumb(version), (_("Proposte di modifica"), None)),
        },
    )


@manager_required
def amendment_create(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(pk)
    if not version.is_draft:
        return _refuse_frozen(request, version)
    chooser = None
    form = None
    if request.method == "POST":
        form = AmendmentForm(request.POST, version=version)
        if form.is_valid():
            try:
                amendment = amendment_propose(version=version, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Proposta di modifica registrata."))
                return redirect("codice_manage:amendment", pk=version.pk, amendment_pk=amendment.pk)
    else:
        chooser = ArticleChoiceForm(
            request.GET if "articolo" in request.GET else None, version=version
        )
        if chooser.is_valid():
            article = version.articles.get(key=chooser.cleaned_data["articolo"])
            form = AmendmentForm(
                initial={
                    "article_key": article.key,
                    "proposed_text": article.body,
                    "proposer": request.user.get_full_name(),
                },
                version=version,
            )
    return render(
        request,
        "codice/manage/amendment_form.html",
        {
            "version": version,
            "chooser": chooser,
            "form": form,
            "has_articles": version.articles.exists(),
            "crumbs": _crumbs(
                _version_crumb(version),
                (_("Proposte di modifica"), reverse("codice_manage:amendments", args=[pk])),
                (_("Nuova proposta"), None),
            ),
        },
    )


@manager_required
def amendment_detail(request: HttpRequest, pk: int, amendment_pk: int) -> HttpResponse:
    version = _get_version(pk)
    amendment = _get_amendment(version, amendment_pk)
    is_open = amendment.status == Amendment.Status.OPEN
    if request.method == "POST" and not is_open:
        messages.error(request, _("Questa proposta è già stata decisa."))
        return redirect("codice_manage:amendment", pk=version.pk, amendment_pk=amendment.pk)
    article = amendment.article
    if amendment.status == Amendment.Status.ACCEPTED:
        before = amendment.previous_text
    else:
        before = article.body if article else ""
    form = None
    if is_open and version.is_draft:
        form = AmendmentDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                amendment_decide(
                    amendment=amendment,
                    by=request.user,
                    accept=form.accept,
                    meeting=form.cleaned_data["meeting"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if form.accept:
                    text = _("Proposta accolta: il testo dell'articolo nella bozza è aggiornato.")
                else:
                    text = _("Proposta respinta.")
                messages.success(request, text)
                return redirect("codice_manage:amendment", pk=version.pk, amendment_pk=amendment.pk)
    elif request.method == "POST":
        return _refuse_frozen(request, version)
    return render(
        request,
        "codice/manage/amendment_detail.html",
        {
            "version": version,
            "amendment": amendment,
            "article": article,
            "article_label": str(article) if article else amendment.article_key,
            "before": before,
            "diff": _word_diff(before, amendment.proposed_text),
            "form": form,
            "has_meetings": form is not None and Meeting.objects.exists(),
            "crumbs": _crumbs(
                _version_crumb(version),
                (_("Proposte di modifica"), reverse("codice_manage:amendments", args=[pk])),
                (_("Proposta n. %(id)s") % {"id": amendment.pk}, None),
            ),
        },
    )


# --- working table -------------------------------------------------------------------------


def _meetings_crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return _crumbs((_("Tavolo di lavoro"), reverse("codice_manage:meetings")), *items)


@manager_required
def meetings(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "meeting": meeting,
            "oic": len(meeting.participants_oic_list()),
            "assocontact": len(meeting.participants_assocontact_list()),
            "decided": meeting.decided,
        }
        for meeting in Meeting.objects.annotate(decided=Count("amendments"))
    ]
    return render(
        request,
        "codice/manage/meetings.html",
        {"rows": rows, "crumbs": _crumbs((_("Tavolo di lavoro"), None))},
    )


def _meeting_form(
    request: HttpRequest, *, meeting: Meeting | None, page_title: str
) -> HttpResponse:
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if saved.created_by_id is None:
            saved.created_by = request.user
        saved.save()
        messages.success(request, _("Riunione salvata."))
        return redirect("codice_manage:meeting", pk=saved.pk)
    cancel = (
        reverse("codice_manage:meeting", args=[meeting.pk])
        if meeting
        else reverse("codice_manage:meetings")
    )
    return render(
        request,
        FORM_TEMPLATE,
        {
            "page_title": page_title,
            "form": form,
            "submit_label": _("Salva la riunione"),
            "cancel_url": cancel,
            "crumbs": _meetings_crumbs((page_title, None)),
        },
    )


@manager_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    return _meeting_form(request, meeting=None, page_title=_("Nuova riunione del tavolo"))


@manager_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    title = _("Modifica la riunione del %(date)s") % {"date": f"{meeting.date:%d/%m/%Y}"}
    return _meeting_form(request, meeting=meeting, page_title=title)


@manager_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(pk)
    decided = list(meeting.amendments.select_related("version", "decided_by"))
    titles = {
        (a.version_id, a.key): str(a)
        for a in Article.objects.filter(
            version_id__in={d.version_id for d in decided},
            key__in={d.article_key for d in decided},
        )
    }
    rows = [(d, titles.get((d.version_id, d.article_key), d.article_key)) for d in decided]
    title = _("Riunione del %(date)s") % {"date": f"{meeting.date:%d/%m/%Y}"}
    return render(
        request,
        "codice/manage/meeting_detail.html",
        {
            "meeting": meeting,
            "page_title": title,
            "oic": meeting.participants_oic_list(),
            "assocontact": meeting.participants_assocontact_list(),
            "rows": rows,
            "crumbs": _meetings_crumbs((title, None)),
        },
    )
