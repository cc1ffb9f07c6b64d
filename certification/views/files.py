"""Evidence files: download and delete, only through `evidence_get_for_user`.

Anyone who may not see the application gets a 404 (existence is never revealed); a visitor is
sent to the login page.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from certification.files import evidence_delete, evidence_get_for_user


def _application_url(application_pk: int) -> str:
    try:
        return reverse("certification:application", args=[application_pk])
    except NoReverseMatch:
        return "/"


def _back(request: HttpRequest, application_pk: int) -> str:
    wanted = request.POST.get("next", "")
    # A path of this site only: redirect() would read a bare word as a view name (500).
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return _application_url(application_pk)


def download_name(evidence) -> str:
    """The name the file is saved under: the original one, but with the extension of the type
    the content was recognised as (a PDF uploaded as «verbale.bat» downloads as «verbale.pdf»)."""
    detected = PurePosixPath(evidence.file.name).suffix.lower()
    original = PurePosixPath(evidence.original_name)
    if detected and original.suffix.lower() != detected:
        return f"{original.stem or 'documento'}{detected}"
    return evidence.original_name


@require_safe
@login_required
def download(request: HttpRequest, application_pk: int, file_pk: int) -> HttpResponse:
    evidence = evidence_get_for_user(request.user, application_pk=application_pk, file_pk=file_pk)
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except OSError:
        return render(
            request,
            "certification/files/missing.html",
            {"evidence": evidence, "application_url": _application_url(application_pk)},
            status=404,
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(evidence),
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def delete(request: HttpRequest, application_pk: int, file_pk: int) -> HttpResponse:
    evidence = evidence_get_for_user(request.user, application_pk=application_pk, file_pk=file_pk)
    name = evidence.original_name
    try:
        evidence_delete(evidence=evidence, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Il file «%(name)s» è stato eliminato.") % {"name": name})
    return redirect(_back(request, application_pk))


urlpatterns = [
    path(
        "domande/<int:application_pk>/file/<int:file_pk>/",
        download,
        name="evidence_download",
    ),
    path(
        "domande/<int:application_pk>/file/<int:file_pk>/elimina/",
        delete,
        name="evidence_delete",
    ),
]
