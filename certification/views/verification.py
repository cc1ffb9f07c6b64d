"""Public verification of a seal: the QR code's target (PRODUCT §9, addresses never change).

Everything here is public and shows only the public part of a seal: status, firm, validity,
code version, the certificate's fingerprint and the status history's dates, statuses and public
reason categories. The committee's own reason text and who made a change never leave the
database through these pages (the history query does not even read them).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, register_converter, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from certification.certificates import certificate_path
from certification.forms.verification import (
    SealLookupForm,
    is_seal_number,
    normalize_seal_number,
)
from certification.models import Seal
from oic_portal.cache import cached_once

St = Seal.Status
R = Seal.PublicReason


class SealNumberConverter:
    """Any path segment: a malformed number (wrong case, long, unicode…) still reaches the
    view, which answers with a clear 404 page instead of the generic one."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SealNumberConverter, "seal_number")

VERDICTS = {
    St.ACTIVE: _("Il bollino è attivo: il certificato è valido."),
    St.SUSPENDED: _(
        "Il bollino è sospeso: il certificato non è valido finché il comitato di certificazione "
        "non lo riattiva."
    ),
    St.REVOKED: _("Il bollino è stato revocato: il certificato non è valido."),
    St.EXPIRED: _("Il bollino è scaduto: il certificato non è più valido."),
}
STATUS_LABELS = dict(St.choices)
# An unused verification page leaves the cache after this long (its key is never stale).
VERIFICATION_CACHE_SECONDS = 3600
REASON_LABELS = dict(R.choices)


@dataclass(frozen=True)
class HistoryRow:
    date: datetime.date
    status: str
    status_label: str
    public_reason: str
    public_reason_label: str
    issued: bool


@dataclass(frozen=True)
class PublicSeal:
    """What the public may know of a seal, shared by the page and its JSON twin."""

    seal: Seal
    status: str
    public_reason: str
    history: list[HistoryRow]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def public_reason_label(self) -> str:
        return REASON_LABELS.get(self.public_reason, "")

    @property
    def tone(self) -> str:
        return Seal.STATUS_TONES[self.status]

    @property
    def verdict(self) -> str:
        return VERDICTS[self.status]

    @property
    def is_valid(self) -> bool:
        return self.status == St.ACTIVE

    @property
    def certificate_downloadable(self) -> bool:
        return self.is_valid and self.seal.certificate_available

    @property
    def certificate_ready(self) -> bool:
        return self.seal.pdf_status == Seal.PdfStatus.READY

    @property
    def certificate_pending(self) -> bool:
        return self.is_valid and not self.certificate_ready


def _public_status(seal: Seal, today: datetime.date) -> tuple[str, str]:
    """(status, public reason). A current seal past its last valid day is shown as expired
    even before the daily task records it: the page must never vouch for it."""
    if seal.is_current and seal.valid_until < today:
        return St.EXPIRED, R.EXPIRY
    return seal.status, seal.public_reason


def _history(seal: Seal) -> list[HistoryRow]:
    rows = []
    # Only the public columns: never the committee's reason nor the actor.
    for event in seal.events.only("seal", "at", "from_status", "to_status", "public_reason"):
        reason = event.public_reason_shown
        rows.append(
            HistoryRow(
                date=timezone.localdate(event.at),
                status=event.to_status,
                status_label=STATUS_LABELS.get(event.to_status, event.to_status),
                public_reason=reason,
                public_reason_label=REASON_LABELS.get(reason, ""),
                issued=not event.from_status,
            )
        )
    return rows


def _find_seal(number: str) -> Seal | None:
    """The seal with this (canonical) number, with what its page shows, in one query."""
    if not is_seal_number(number):
        return None
    return (
        Seal.objects.select_related("organization", "code_version")
        .defer("organization__search_text", "organization__search_vector")
        .filter(number=number)
        .first()
    )


def _public_seal(seal: Seal) -> PublicSeal:
    status, reason = _public_status(seal, timezone.localdate())
    return PublicSeal(seal=seal, status=status, public_reason=reason, history=_history(seal))


def _no_cache(response: HttpResponse) -> HttpResponse:
    # A status can change at any moment (a suspension): nobody should keep a stale copy.
    patch_cache_control(response, no_cache=True)
    return response


def _not_found(request: HttpRequest, number: str, *, malformed: bool) -> HttpResponse:
    response = render(
        request,
        "certification/verification/not_found.html",
        {"number": number, "malformed": malformed},
        status=404,
    )
    return _no_cache(response)


@require_safe
def verify(request: HttpRequest) -> HttpResponse:
    # A GET form, so that it works without JavaScript and a lookup can be linked.
    form = SealLookupForm(request.GET if "numero" in request.GET else None)
    if form.is_valid():
        return redirect("certification:verify_seal", number=form.cleaned_data["numero"])
    return render(request, "certification/verification/form.html", {"form": form})


@require_safe
def verify_seal(request: HttpRequest, number: str) -> HttpResponse:
    canonical = normalize_seal_number(number)
    if canonical != number and is_seal_number(canonical):
        return redirect("certification:verify_seal", number=canonical, permanent=True)
    seal = _find_seal(canonical)
    if seal is None:
        return _not_found(request, number, malformed=not is_seal_number(canonical))
    today = timezone.localdate()
    status, reason = _public_status(seal, today)
    # The page's body follows from the seal's row (its every column: a status change, a new
    # certificate), the firm's and the version's data shown, the day and the language: kept
    # under a key made of all of them, it can never be stale.
    key = (
        "verification:"
        + hashlib.sha256(
            repr(
                (
                    [getattr(seal, field.attname) for field in Seal._meta.concrete_fields],
                    _shown(seal.organization),
                    (seal.code_version.number, seal.code_version.title),
                    today,
                    get_language(),
                )
            ).encode()
        ).hexdigest()
    )

    def render_record() -> str:
        record = PublicSeal(seal=seal, status=status, public_reason=reason, history=_history(seal))
        return render_to_string(
            "certification/verification/_seal.html", {"record": record}, request=request
        )

    content = cached_once(key, render_record, VERIFICATION_CACHE_SECONDS)
    record = PublicSeal(seal=seal, status=status, public_reason=reason, history=[])
    return _no_cache(
        render(
            request,
            "certification/verification/seal.html",
            {"record": record, "content": content},
        )
    )


def _shown(organization) -> tuple:
    return (
        organization.legal_name,
        organization.partita_iva,
        organization.comune,
        organization.provincia_id,
    )


def _absolute(path: str) -> str:
    # The address printed in the QR code and used by the API, whatever host the request used.
    return settings.SITE_URL + path


def _as_json(record: PublicSeal) -> dict:
    seal, organization, version = record.seal, record.seal.organization, record.seal.code_version
    return {
        "number": seal.number,
        "url": _absolute(reverse("certification:verify_seal", args=[seal.number])),
        "status": record.status,
        "status_label": str(record.status_label),
        "valid": record.is_valid,
        "public_reason": record.public_reason or None,
        "public_reason_label": str(record.public_reason_label) or None,
        "organization": {
            "legal_name": organization.legal_name,
            "partita_iva": organization.partita_iva,
            "comune": organization.comune,
            "provincia": organization.provincia_id,
        },
        "valid_from": seal.valid_from.isoformat(),
        "valid_until": seal.valid_until.isoformat(),
        "code_version": {
            "number": version.number,
            "title": version.title,
            "url": _absolute(reverse("codice:version", args=[version.number])),
        },
        "certificate": {
            "ready": record.certificate_ready,
            "sha256": seal.pdf_sha256 if record.certificate_ready else None,
            "url": (
                _absolute(reverse("certification:verify_certificate", args=[seal.number]))
                if record.certificate_downloadable
                else None
            ),
        },
        "history": [
            {
                "date": row.date.isoformat(),
                "status": row.status,
                "status_label": str(row.status_label),
                "public_reason": row.public_reason or None,
                "public_reason_label": str(row.public_reason_label) or None,
            }
            for row in record.history
        ],
    }


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Public records: any site (an association's, a firm's) may read them from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return _no_cache(response)


@require_safe
def verify_seal_json(request: HttpRequest, number: str) -> JsonResponse:
    canonical = normalize_seal_number(number)
    seal = _find_seal(canonical)
    if seal is None:
        if is_seal_number(canonical):
            error = {"code": "not_found", "error": str(_("Nessun bollino ha questo numero."))}
        else:
            error = {
                "code": "malformed",
                "error": str(
                    _("Questo non è un numero di bollino: il numero ha la forma BB-2025-00042.")
                ),
            }
        return _json(error, status=404)
    return _json(_as_json(_public_seal(seal)))


def _no_certificate(request: HttpRequest, seal: Seal) -> HttpResponse:
    response = render(
        request, "certification/verification/no_certificate.html", {"seal": seal}, status=404
    )
    return _no_cache(response)


@require_safe
def verify_certificate(request: HttpRequest, number: str) -> HttpResponse:
    canonical = normalize_seal_number(number)
    seal = _find_seal(canonical)
    if seal is None:
        return _not_found(request, number, malformed=not is_seal_number(canonical))
    status, _reason = _public_status(seal, timezone.localdate())
    if status != St.ACTIVE or not seal.certificate_available:
        return _no_certificate(request, seal)
    try:
        handle = certificate_path(seal).open("rb")
    except OSError:
        # Ready in the database but gone from the disk: the daily sweep renders it again.
        return _no_certificate(request, seal)
    response = FileResponse(
        handle, as_attachment=True, filename=f"{seal.number}.pdf", content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    _no_cache(response)
    return response


urlpatterns = [
    path("verifica/", verify, name="verify"),
    path("verifica/<seal_number:number>/", verify_seal, name="verify_seal"),
    path("verifica/<seal_number:number>.json", verify_seal_json, name="verify_seal_json"),
    path(
        "verifica/<seal_number:number>/certificato.pdf",
        verify_certificate,
        name="verify_certificate",
    ),
]
