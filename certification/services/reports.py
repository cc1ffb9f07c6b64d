"""Reports (segnalazioni) about a certified firm's calls.

    ricevuta ──forward──▶ inoltrata ──answer──▶ risposta ──close──▶ chiusa (fondata | infondata)
        │                     └───────close (once the deadline has passed)──▶ chiusa
        └──close as infondata (spam, wrong firm, no call described)──▶ chiusa

Association members file directly; visitors first confirm their e-mail with a signed link
(no database row). The committee forwards a report to the firm, which answers in the portal by
`answer_due`; the committee closes it and, from a founded report, may suspend the firm's seal.
Every change locks the report, writes a ReportEvent, and sends its e-mails after the commit.

The caller's contact data (reporter_name/email/phone) is shown only to the committee and is
erased REPORT_CONTACT_RETENTION_DAYS after closing (`reports_erase_expired_contacts`).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certification.models import Organization, Report, ReportEvent, Seal, User
from certification.services.seals import seal_suspend

St = Report.Status
Out = Report.Outcome

CONFIRM_SALT = "certification.reports.visitor-email"
# What secrets.token_urlsafe gives; anything else (a NUL would make the query fail) is no token.
FOLLOW_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


# --- e-mail ------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _mail_after_commit(template: str, context: dict[str, Any], to: list[str]) -> None:
    """Send `<template>_subject.txt`/`_body.txt` to each address, in Italian, once the
    transaction commits: nothing leaves for a change that is rolled back."""
    addresses = sorted({a for a in to if a})
    if not addresses:
        return

    def send() -> None:
        with translation.override("it"):
            full = {**context, "site_url": settings.SITE_URL}
            subject = " ".join(
                render_to_string(f"certification/email/{template}_subject.txt", full).split()
            )
            body = render_to_string(f"certification/email/{template}_body.txt", full)
        send_mass_mail(
            [(subject, body, settings.DEFAULT_FROM_EMAIL, [a]) for a in addresses],
            fail_silently=False,
        )

    transaction.on_commit(send, robust=True)


def _committee_addresses() -> list[str]:
    committee = User.objects.filter(role=User.Role.COMMITTEE, is_active=True)
    extra = [settings.OIC_NOTIFICATION_EMAIL] if settings.OIC_NOTIFICATION_EMAIL else []
    return [*committee.values_list("email", flat=True), *extra]


def _firm_addresses(report: Report) -> list[str]:
    return list(
        User.objects.filter(
            organization_id=report.organization_id, role=User.Role.APPLICANT, is_active=True
        ).values_list("email", flat=True)
    )


def _filer_address(report: Report) -> str:
    """Who follows the report: the association member who filed it, or the visitor."""
    if report.filed_by_id:
        return report.filed_by.email
    return report.reporter_email


def follow_url(report: Report) -> str:
    return _absolute(reverse("certification:report_follow", args=[report.follow_token]))


def _tell_filer(report: Report) -> None:
    _mail_after_commit(
        "report_status",
        {"report": report, "follow_url": follow_url(report)},
        [_filer_address(report)],
    )


# --- visitors' e-mail confirmation ---------------------------------------------------------


def visitor_token(email: str) -> str:
    """A signed, time-stamped token that says this visitor received mail at this address."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    return signer.sign_object({"e": email.strip().lower()})


def visitor_email(token: str) -> str:
    """The address a confirmation token was sent to, or ValidationError (expired, tampered)."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    max_age = datetime.timedelta(hours=settings.REPORT_CONFIRMATION_HOURS)
    try:
        payload = signer.unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ValidationError(
            _("Il collegamento di conferma è scaduto: chiedine uno nuovo."), code="expired"
        ) from exc
    except (signing.BadSignature, ValueError) as exc:
        raise ValidationError(
            _("Il collegamento di conferma non è valido: controlla di averlo copiato per intero."),
            code="invalid",
        ) from exc
    email = payload.get("e") if isinstance(payload, dict) else None
    if not isinstance(email, str) or "@" not in email:
        raise ValidationError(_("Il collegamento di conferma non è valido."), code="invalid")
    return email


def visitor_confirmation_send(*, email: str, prefill: dict[str, str]) -> None:
    """Mail the visitor the link that opens the report form with this address confirmed.
    `prefill` (azienda, numero) travels in the link so the form opens pre-filled."""
    from urllib.parse import urlencode

    path = reverse("certification:report_new_confirmed", args=[visitor_token(email)])
    query = urlencode({k: v for k, v in prefill.items() if v})
    context = {
        "link": _absolute(f"{path}?{query}" if query else path),
        "hours": settings.REPORT_CONFIRMATION_HOURS,
    }
    _mail_after_commit("report_confirm", context, [email])


# --- what each person may see ----------------------------------------------------------------


def firms_with_current_seal() -> QuerySet[Organization]:
    return Organization.objects.filter(seals__status__in=Seal.CURRENT_STATUSES)


def with_deadline(
    reports: QuerySet[Report], today: datetime.date | None = None
) -> QuerySet[Report]:
    """Annotate `overdue`: forwarded, not answered, and the answer's last day has passed."""
    today = today or timezone.localdate()
    return reports.annotate(
        overdue=ExpressionWrapper(
            Q(status=St.FORWARDED, answer_due__lt=today), output_field=BooleanField()
        )
    )


def reports_for_committee(user: User) -> QuerySet[Report]:
    _require_committee(user)
    return with_deadline(Report.objects.select_related("organization", "association", "seal"))


def reports_for_firm(user: User) -> QuerySet[Report]:
    """The reports the committee forwarded to this applicant's firm (never those it dismissed
    straight away, which the firm was never asked about)."""
    if not (user.is_authenticated and user.is_applicant):
        raise PermissionDenied(_("Queste pagine sono per i contact center."))
    return with_deadline(
        Report.objects.filter(organization_id=user.organization_id, forwarded_at__isnull=False)
    )


def reports_for_association(user: User) -> QuerySet[Report]:
    if not (user.is_authenticated and user.is_association_member):
        raise PermissionDenied(_("Queste pagine sono per le associazioni di consumatori."))
    return with_deadline(
        Report.objects.filter(association_id=user.association_id).select_related(
            "organization", "filed_by"
        )
    )


def report_by_token(token: str) -> Report | None:
    if not FOLLOW_TOKEN.fullmatch(token or ""):
        return None
    return (
        with_deadline(Report.objects.select_related("organization"))
        .filter(follow_token=token)
        .first()
    )


# --- filing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportData:
    """What the filing form collected, already validated."""

    organization: Organization
    category: str
    call_at: datetime.datetime
    calling_number: str
    description: str
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""


def report_file(*, data: ReportData, by: User | None, visitor_email: str = "") -> Report:
    """File a report: by an association member (`by`), or by a visitor whose address was
    confirmed (`visitor_email`, which becomes reporter_email)."""
    member = by is not None and by.is_authenticated and by.is_association_member
    if not member and not visitor_email:
        raise PermissionDenied(
            _("Per presentare una segnalazione conferma prima il tuo indirizzo e-mail.")
        )
    with transaction.atomic():
        seal = (
            Seal.objects.select_for_update()
            .filter(organization=data.organization, status__in=Seal.CURRENT_STATUSES)
            .first()
        )
        if seal is None:
            raise ValidationError(
                _("%(firm)s non ha un bollino in corso: non si può segnalare.")
                % {"firm": data.organization.legal_name}
            )
        report = Report.objects.create(
            organization=data.organization,
            seal=seal,
            category=data.category,
            call_at=data.call_at,
            calling_number=data.calling_number,
            description=data.description,
            filed_by=by if member else None,
            association_id=by.association_id if member else None,
            reporter_name=data.reporter_name,
            reporter_email=data.reporter_email if member else visitor_email.strip().lower(),
            reporter_phone=data.reporter_phone,
        )
        ReportEvent.objects.create(
            report=report, actor=by if member else None, from_status="", to_status=report.status
        )
        context = {"report": report, "follow_url": follow_url(report)}
        _mail_after_commit("report_received", context, [_filer_address(report)])
        manage = _absolute(reverse("certification:manage_report", args=[report.pk]))
        _mail_after_commit("report_new", {**context, "manage_url": manage}, _committee_addresses())
    return report


# --- the committee and the firm move it on ---------------------------------------------------


def _require_committee(user: User) -> None:
    if not (user and user.is_authenticated and user.is_active and user.is_committee):
        raise PermissionDenied(_("Solo il comitato di certificazione gestisce le segnalazioni."))


def _lock(report: Report) -> Report:
    return (
        Report.objects.select_related("organization", "filed_by")
        .select_for_update(of=("self",))
        .get(pk=report.pk)
    )


def _wrong_state(report: Report) -> ValidationError:
    return ValidationError(
        _("La segnalazione è «%(status)s»: questa operazione non è possibile.")
        % {"status": report.get_status_display()}
    )


def _record(report: Report, *, by: User | None, frm: str, note: str = "") -> None:
    ReportEvent.objects.create(
        report=report, actor=by, from_status=frm, to_status=report.status, note=note
    )


def _refresh(report: Report, locked: Report) -> Report:
    for field in (
        "status", "outcome", "forwarded_at", "answer_due", "answer", "answered_at",
        "answered_by_id", "closed_at", "closing_note",
    ):  # fmt: skip
        setattr(report, field, getattr(locked, field))
    return locked


def report_forward(*, report: Report, by: User, note: str = "") -> Report:
    """Send the report to the firm, which has REPORT_ANSWER_DAYS days to answer."""
    _require_committee(by)
    with transaction.atomic():
        locked = _lock(report)
        if locked.status != St.RECEIVED:
            raise _wrong_state(locked)
        locked.status = St.FORWARDED
        locked.forwarded_at = timezone.now()
        locked.answer_due = timezone.localdate() + datetime.timedelta(
            days=settings.REPORT_ANSWER_DAYS
        )
        locked.save(update_fields=["status", "forwarded_at", "answer_due"])
        _record(locked, by=by, frm=St.RECEIVED, note=(note or "").strip())
        answer_url = _absolute(reverse("certification:firm_report", args=[locked.pk]))
        _mail_after_commit(
            "report_forwarded",
            {"report": locked, "answer_url": answer_url},
            _firm_addresses(locked),
        )
        _tell_filer(locked)
    return _refresh(report, locked)


def report_answer(*, report: Report, by: User, answer: str) -> Report:
    """The firm's answer, by one of its applicant users, while the report waits for it."""
    if not (
        by.is_authenticated
        and by.is_applicant
        and by.organization_id is not None
        and by.organization_id == report.organization_id
    ):
        raise PermissionDenied(_("Solo l'azienda segnalata risponde alla segnalazione."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(_("Scrivi la risposta dell'azienda."))
    with transaction.atomic():
        locked = _lock(report)
        if locked.status != St.FORWARDED:
            raise _wrong_state(locked)
        locked.status = St.ANSWERED
        locked.answer = answer
        locked.answered_at = timezone.now()
        locked.answered_by = by
        locked.save(update_fields=["status", "answer", "answered_at", "answered_by"])
        _record(locked, by=by, frm=St.FORWARDED)
        manage = _absolute(reverse("certification:manage_report", args=[locked.pk]))
        _mail_after_commit(
            "report_answered", {"report": locked, "manage_url": manage}, _committee_addresses()
        )
        _tell_filer(locked)
    return _refresh(report, locked)


def close_choices(report: Report, today: datetime.date | None = None) -> list[str]:
    """The outcomes the committee may give this report now:
    - received: only "infondata", for a report plainly invalid (spam, a firm never involved,
      no call described) that is not worth the firm's time;
    - forwarded: either, but only once the firm's deadline has passed without an answer;
    - answered: either."""
    today = today or timezone.localdate()
    if report.status == St.RECEIVED:
        return [Out.UNFOUNDED]
    if report.status == St.FORWARDED and report.answer_due and report.answer_due < today:
        return [Out.FOUNDED, Out.UNFOUNDED]
    if report.status == St.ANSWERED:
        return [Out.FOUNDED, Out.UNFOUNDED]
    return []


def close_refusal(report: Report, outcome: str, today: datetime.date | None = None) -> str:
    """Why the committee may not close this report with this outcome now ("" if it may)."""
    allowed = close_choices(report, today)
    if outcome in allowed:
        return ""
    if report.status == St.FORWARDED and not allowed:
        return _(
            "L'azienda ha tempo per rispondere fino al %(date)s: la segnalazione si chiude "
            "dopo la risposta o dopo la scadenza."
        ) % {"date": report.answer_due.strftime("%d/%m/%Y")}
    if report.status == St.RECEIVED:
        return _(
            "Una segnalazione non ancora inoltrata si può solo archiviare come infondata: per "
            "accertarla, inoltrala prima all'azienda."
        )
    return str(_wrong_state(report).messages[0])


def report_close(*, report: Report, by: User, outcome: str, note: str) -> Report:
    _require_committee(by)
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            _("Scrivi la nota di chiusura: perché la segnalazione è chiusa così.")
        )
    if outcome not in Out.values:
        raise ValidationError(_("Scegli l'esito: fondata o infondata."))
    with transaction.atomic():
        locked = _lock(report)
        refusal = close_refusal(locked, outcome)
        if refusal:
            raise ValidationError(refusal)
        frm = locked.status
        locked.status = St.CLOSED
        locked.outcome = outcome
        locked.closed_at = timezone.now()
        locked.closing_note = note
        locked.save(update_fields=["status", "outcome", "closed_at", "closing_note"])
        _record(locked, by=by, frm=frm, note=note)
        if locked.forwarded_at is not None:
            firm_url = _absolute(reverse("certification:firm_report", args=[locked.pk]))
            _mail_after_commit(
                "report_closed", {"report": locked, "firm_url": firm_url}, _firm_addresses(locked)
            )
        _tell_filer(locked)
    return _refresh(report, locked)


def suspension_seal(report: Report) -> Seal | None:
    """The firm's seal a founded report may suspend: its current one (a renewal may have
    replaced the seal the report was filed against)."""
    return Seal.objects.current().filter(organization_id=report.organization_id).first()


def suspension_reason(report: Report) -> str:
    return _(
        "Segnalazione n. %(number)s del %(date)s (%(category)s) ritenuta fondata dal comitato."
    ) % {
        "number": report.pk,
        "date": timezone.localtime(report.call_at).strftime("%d/%m/%Y"),
        "category": report.get_category_display().lower(),
    }


def report_open_suspension(*, report: Report, by: User, reason: str) -> Seal:
    """Suspend the firm's active seal because of this founded report, with the public reason
    "segnalazioni"; the report's history records it."""
    _require_committee(by)
    with transaction.atomic():
        locked = _lock(report)
        if not (locked.status == St.CLOSED and locked.outcome == Out.FOUNDED):
            raise ValidationError(
                _("Si apre una sospensione solo da una segnalazione chiusa come fondata.")
            )
        seal = suspension_seal(locked)
        if seal is None or seal.status != Seal.Status.ACTIVE:
            raise ValidationError(_("L'azienda non ha un bollino attivo da sospendere."))
        seal = seal_suspend(
            seal=seal, by=by, reason=reason, public_reason=Seal.PublicReason.REPORTS
        )
        _record(
            locked,
            by=by,
            frm=locked.status,
            note=_("Sospensione del bollino %(number)s aperta.") % {"number": seal.number},
        )
    return seal


# --- privacy -----------------------------------------------------------------------------------


def reports_erase_expired_contacts(now: datetime.datetime | None = None) -> int:
    """Blank the caller's contact data of reports closed more than
    REPORT_CONTACT_RETENTION_DAYS ago. Safe to run twice; returns how many were erased."""
    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.REPORT_CONTACT_RETENTION_DAYS)
    with transaction.atomic():
        reports = list(
            Report.objects.select_for_update()
            .filter(status=St.CLOSED, closed_at__lt=before, contact_erased_at__isnull=True)
            .order_by("pk")
        )
        if not reports:
            return 0
        Report.objects.filter(pk__in=[r.pk for r in reports]).update(
            reporter_name="", reporter_email="", reporter_phone="", contact_erased_at=now
        )
        note = _(
            "Dati di contatto di chi ha segnalato cancellati (fine del periodo di conservazione)."
        )
        ReportEvent.objects.bulk_create(
            [
                ReportEvent(
                    report=r, actor=None, from_status=r.status, to_status=r.status, note=note
                )
                for r in reports
            ]
        )
    return len(reports)
