"""The seal's life: issued on approval, suspended, reinstated, revoked, expired, renewed.

Every change runs in one transaction with the seal's row locked and writes a SealEvent. The
certificate is (re)rendered by a Celery task queued after commit (certification.certificates).
"""

from __future__ import annotations

import calendar
import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import (
    Application,
    CertificateBatch,
    Decision,
    Seal,
    SealCounter,
    SealEvent,
    SealReminder,
    User,
)

logger = logging.getLogger(__name__)

St = Seal.Status
R = Seal.PublicReason

# Which public reasons fit which change the committee makes.
SUSPENSION_REASONS = (R.NONCONFORMITY, R.REPORTS, R.AUDIT_REFUSED, R.FIRM_REQUEST, R.OTHER)
REVOCATION_REASONS = (
    R.NONCONFORMITY,
    R.REPORTS,
    R.AUDIT_REFUSED,
    R.FIRM_REQUEST,
    R.CEASED,
    R.OTHER,
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def validity_for(start: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(valid_from, valid_until), both days included."""
    return start, add_months(start, settings.SEAL_VALIDITY_MONTHS) - datetime.timedelta(days=1)


def format_number(year: int, sequence: int) -> str:
    return f"BB-{year:04d}-{sequence:05d}"


def _require_committee(user: User) -> None:
    if not (user and user.is_authenticated and user.is_active and user.role == User.Role.COMMITTEE):
        raise PermissionDenied(_("Solo il comitato di certificazione gestisce i bollini."))


def _record(seal: Seal, *, by, frm: str, reason: str = "", public_reason: str = "") -> SealEvent:
    return SealEvent.objects.create(
        seal=seal,
        actor=by,
        from_status=frm,
        to_status=seal.status,
        public_reason=public_reason,
        reason=reason,
    )


def _queue_render(seal: Seal) -> None:
    """Queue the certificate once the current transaction commits. If the broker is down the
    seal stays pending and the periodic sweep queues it later."""
    from certification.tasks import render_certificate

    seal_id, version = seal.pk, seal.pdf_version

    def send() -> None:
        try:
            render_certificate.delay(seal_id, version)
        except Exception:
            # The broker is unreachable (or, in eager mode, the render failed and its error is
            # kept on the seal): the approval stands, and the sweep queues the seal again.
            logger.warning("certificate of seal %s not queued; the sweep will retry", seal_id)

    transaction.on_commit(send)


def seal_issue(*, application: Application, decision: Decision, by: User) -> Seal:
    """Issue the seal of an approved application. Runs inside the approval's transaction (the
    caller holds the application's row lock); the number is taken from the year's counter."""
    now = timezone.now()
    today = timezone.localdate(now)
    organization = application.organization
    previous = (
        Seal.objects.select_for_update()
        .filter(organization=organization, status__in=Seal.CURRENT_STATUSES)
        .first()
    )
    if previous is not None:
        # A renewal: the old seal ends the moment the new one is issued.
        frm = previous.status
        previous.status = St.EXPIRED
        previous.public_reason = R.RENEWED
        previous.status_changed_at = now
        previous.save(update_fields=["status", "public_reason", "status_changed_at"])
        _record(previous, by=by, frm=frm, public_reason=R.RENEWED, reason=decision.reason)
    elif application.kind == Application.Kind.RENEWAL and application.previous_id:
        # The seal being renewed expired before the renewal was approved: the new seal still
        # says which one it renews.
        previous = Seal.objects.filter(
            application_id=application.previous_id, replaced_by__isnull=True
        ).first()
    sequence = SealCounter.next_sequence(today.year)
    valid_from, valid_until = validity_for(today)
    seal = Seal.objects.create(
        number=format_number(today.year, sequence),
        year=today.year,
        sequence=sequence,
        organization=organization,
        application=application,
        code_version_id=application.code_version_id,
        score=decision.total,
        issued_at=now,
        valid_from=valid_from,
        valid_until=valid_until,
        status=St.ACTIVE,
        status_changed_at=now,
        replaces=previous,
        pdf_requested_at=now,
    )
    _record(seal, by=by, frm="", reason=decision.reason)
    _queue_render(seal)
    return seal


def _lock(seal: Seal) -> Seal:
    return Seal.objects.select_for_update().get(pk=seal.pk)


def _change(
    seal: Seal, *, by, to: str, allowed_from: tuple[str, ...], reason: str, public_reason: str
) -> Seal:
    with transaction.atomic():
        locked = _lock(seal)
        if locked.status not in allowed_from:
            raise ValidationError(
                _("Il bollino %(number)s è %(status)s: questa operazione non è possibile.")
                % {"number": locked.number, "status": locked.get_status_display().lower()}
            )
        if to == St.ACTIVE and locked.valid_until < timezone.localdate():
            raise ValidationError(_("Il bollino è scaduto: non si può riattivare."))
        frm = locked.status
        locked.status = to
        locked.public_reason = public_reason
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "public_reason", "status_changed_at"])
        _record(locked, by=by, frm=frm, reason=reason, public_reason=public_reason)
    seal.status, seal.public_reason = locked.status, locked.public_reason
    seal.status_changed_at = locked.status_changed_at
    return locked


def _clean_reason(reason: str, public_reason: str, allowed: tuple[str, ...]) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Scrivi la motivazione."))
    if public_reason not in allowed:
        raise ValidationError(_("Scegli un motivo pubblico tra quelli proposti."))
    return reason


def seal_suspend(*, seal: Seal, by: User, reason: str, public_reason: str) -> Seal:
    _require_committee(by)
    reason = _clean_reason(reason, public_reason, SUSPENSION_REASONS)
    return _change(
        seal, by=by, to=St.SUSPENDED, allowed_from=(St.ACTIVE,), reason=reason,
        public_reason=public_reason,
    )  # fmt: skip


def seal_reinstate(*, seal: Seal, by: User, reason: str) -> Seal:
    _require_committee(by)
    reason = _clean_reason(reason, R.RESOLVED, (R.RESOLVED,))
    return _change(
        seal, by=by, to=St.ACTIVE, allowed_from=(St.SUSPENDED,), reason=reason,
        public_reason="",
    )  # fmt: skip


def seal_revoke(*, seal: Seal, by: User, reason: str, public_reason: str) -> Seal:
    _require_committee(by)
    reason = _clean_reason(reason, public_reason, REVOCATION_REASONS)
    return _change(
        seal, by=by, to=St.REVOKED, allowed_from=Seal.CURRENT_STATUSES, reason=reason,
        public_reason=public_reason,
    )  # fmt: skip


def seals_expire(today: datetime.date | None = None) -> int:
    """Mark as expired every current seal past its last valid day. Safe to run twice."""
    today = today or timezone.localdate()
    expired = 0
    ids = list(Seal.objects.current().filter(valid_until__lt=today).values_list("pk", flat=True))
    for seal_id in ids:
        with transaction.atomic():
            seal = Seal.objects.select_for_update().get(pk=seal_id)
            if seal.status not in Seal.CURRENT_STATUSES or seal.valid_until >= today:
                continue
            frm = seal.status
            seal.status = St.EXPIRED
            seal.public_reason = R.EXPIRY
            seal.status_changed_at = timezone.now()
            seal.save(update_fields=["status", "public_reason", "status_changed_at"])
            _record(seal, by=None, frm=frm, public_reason=R.EXPIRY)
            expired += 1
    return expired


def reminders_due(today: datetime.date | None = None) -> list[tuple[Seal, int]]:
    """(seal, kind) pairs whose reminder is due and not yet sent: the 90-day one from 90 days
    before expiry, the 30-day one from 30 days before (only the nearer one if both are)."""
    today = today or timezone.localdate()
    due = []
    seals = (
        Seal.objects.filter(status=St.ACTIVE, valid_until__gte=today)
        .filter(valid_until__lte=today + datetime.timedelta(days=90))
        # A firm whose renewal is already under way needs no reminder.
        .exclude(Exists(Application.objects.open().filter(organization=OuterRef("organization"))))
        .prefetch_related("reminders")
    )
    for seal in seals:
        sent = {r.kind for r in seal.reminders.all()}
        days_left = (seal.valid_until - today).days
        kind = 30 if days_left <= 30 else 90
        if kind not in sent and not (kind == 90 and 30 in sent):
            due.append((seal, kind))
    return due


def _queue_reminder(reminder_id: int) -> None:
    from certification.tasks import send_seal_reminder

    try:
        send_seal_reminder.delay(reminder_id)
    except Exception:
        # Not queued (broker down; in eager mode, the mail server refused it): forget the
        # reminder so that the next daily run sends it, and go on with the other firms.
        logger.exception("seal reminder %s not sent; the next daily run retries", reminder_id)
        SealReminder.objects.filter(pk=reminder_id).delete()


def reminders_send(today: datetime.date | None = None) -> int:
    """Send each due reminder once: the SealReminder row (unique per kind) is written in the
    same transaction that queues the e-mail, so a second run finds it and sends nothing."""
    sent = 0
    for seal, kind in reminders_due(today):
        with transaction.atomic():
            Seal.objects.select_for_update().get(pk=seal.pk)
            reminder, created = SealReminder.objects.get_or_create(seal=seal, kind=kind)
            if created:
                transaction.on_commit(lambda pk=reminder.pk: _queue_reminder(pk))
                sent += 1
    return sent


def certificate_rerender(*, seal: Seal, by: User, batch: CertificateBatch | None = None) -> Seal:
    """Ask for a new rendering of one certificate (e.g. after a template change)."""
    _require_committee(by)
    with transaction.atomic():
        locked = _lock(seal)
        _bump(locked, batch)
    return locked


def _bump(seal: Seal, batch: CertificateBatch | None) -> None:
    seal.pdf_version += 1
    seal.pdf_status = Seal.PdfStatus.PENDING
    seal.pdf_attempts = 0
    seal.pdf_error = ""
    seal.pdf_requested_at = timezone.now()
    seal.pdf_batch = batch
    seal.save(
        update_fields=[
            "pdf_version",
            "pdf_status",
            "pdf_attempts",
            "pdf_error",
            "pdf_requested_at",
            "pdf_batch",
        ]
    )
    _queue_render(seal)


def certificates_rerender_all(*, by: User, note: str = "") -> CertificateBatch:
    """Re-render every certificate of a seal that has not ended (active or suspended), in the
    background; the batch row lets the committee's page show the progress.

    One UPDATE asks for the new version of every certificate, and one task queues the renders
    from a worker: the committee's request stays short whatever the number of seals."""
    from certification.tasks import queue_certificate_batch

    _require_committee(by)
    with transaction.atomic():
        current = Seal.objects.current()
        batch = CertificateBatch.objects.create(requested_by=by, total=0, note=note)
        total = current.update(
            pdf_version=F("pdf_version") + 1,
            pdf_status=Seal.PdfStatus.PENDING,
            pdf_attempts=0,
            pdf_error="",
            pdf_requested_at=timezone.now(),
            pdf_batch=batch,
        )
        CertificateBatch.objects.filter(pk=batch.pk).update(total=total)
        batch.total = total
        transaction.on_commit(lambda: _send_batch(queue_certificate_batch, batch.pk))
    return batch


def _send_batch(task, batch_id: int) -> None:
    try:
        task.delay(batch_id)
    except Exception:
        # The renders are pending: the sweep queues them once the broker answers again.
        logger.warning("certificate batch %s not queued; the sweep will retry", batch_id)


def batch_queue_renders(batch_id: int) -> int:
    """Queue the render of every certificate of a batch still waiting (run by a worker)."""
    from certification.tasks import render_certificate

    pending = (
        Seal.objects.filter(pdf_batch_id=batch_id, pdf_status=Seal.PdfStatus.PENDING)
        .values_list("pk", "pdf_version")
        .order_by("pk")
    )
    queued = 0
    for seal_id, version in pending.iterator(chunk_size=2000):
        render_certificate.delay(seal_id, version)
        queued += 1
    return queued


def batch_progress(batch: CertificateBatch) -> dict[str, int]:
    counts = dict.fromkeys(Seal.PdfStatus.values, 0)
    for row in batch.seals.values("pdf_status").order_by().annotate(n=Count("pk")):
        counts[row["pdf_status"]] = row["n"]
    done = counts[Seal.PdfStatus.READY] + counts[Seal.PdfStatus.FAILED]
    return {
        "total": batch.total,
        "ready": counts[Seal.PdfStatus.READY],
        "failed": counts[Seal.PdfStatus.FAILED],
        "pending": counts[Seal.PdfStatus.PENDING],
        "done": done,
        "percent": round(100 * done / batch.total) if batch.total else 100,
    }


def certificates_sweep(now: datetime.datetime | None = None, *, check_files: bool = False) -> int:
    """Queue again every certificate that is pending for longer than the grace period (its
    task was lost: broker down at approval time, or a worker that died) and, with check_files
    (the daily run: it reads the disk for every seal), every ready one whose file is missing.
    The render task is idempotent, so a duplicate costs nothing."""
    from certification.certificates import certificate_file_missing
    from certification.tasks import render_certificate

    now = now or timezone.now()
    stuck_before = now - datetime.timedelta(seconds=settings.CERTIFICATE_SWEEP_GRACE_SECONDS)
    pending = list(
        Seal.objects.filter(pdf_status=Seal.PdfStatus.PENDING, pdf_requested_at__lt=stuck_before)
        .values_list("pk", "pdf_version")
        .order_by("pk")
    )
    missing = []
    if check_files:
        ready = Seal.objects.filter(pdf_status=Seal.PdfStatus.READY).only("pk", "pdf_file")
        missing = [seal.pk for seal in ready.iterator() if certificate_file_missing(seal)]
    for seal_id in missing:
        with transaction.atomic():
            seal = Seal.objects.select_for_update().get(pk=seal_id)
            if seal.pdf_status == Seal.PdfStatus.READY and certificate_file_missing(seal):
                _bump(seal, seal.pdf_batch)
    for seal_id, version in pending:
        Seal.objects.filter(pk=seal_id).update(pdf_requested_at=now)
        render_certificate.delay(seal_id, version)
    return len(pending) + len(missing)


def certificate_for_download(seal: Seal, user: User) -> Seal:
    """Members of the firm and the committee may download; nobody else through this door."""
    allowed = user.is_authenticated and (
        user.role == User.Role.COMMITTEE or user.organization_id == seal.organization_id
    )
    if not allowed:
        raise PermissionDenied
    return seal


def renewable_seal(organization) -> Seal | None:
    """The firm's latest seal if it can be renewed: current or expired, not revoked."""
    latest = Seal.objects.filter(organization=organization).order_by("-issued_at", "-pk").first()
    if latest is None or latest.status == St.REVOKED:
        return None
    return latest


def seal_set_score_published(*, seal: Seal, by: User, published: bool) -> Seal:
    """Show or hide the seal's score on the public firm page.

    Not a SealEvent (that history is of status changes, and the verification page reads it):
    the change is written in the history of the application the seal was issued for, which
    keeps who, when and what for every step of the certification.
    """
    from certification.services.applications import record_event

    _require_committee(by)
    with transaction.atomic():
        # The application first, as the approval does (application, then seals): no deadlock.
        application = Application.objects.select_for_update().get(pk=seal.application_id)
        locked = _lock(seal)
        if published and locked.score is None:
            raise ValidationError(_("Il bollino non ha un punteggio da pubblicare."))
        if locked.score_published == published:
            raise ValidationError(
                _("Il punteggio è già pubblicato.")
                if published
                else _("Il punteggio non è pubblicato.")
            )
        locked.score_published = published
        locked.save(update_fields=["score_published"])
        note = (
            _("Punteggio del bollino %(number)s pubblicato nella scheda pubblica dell'azienda.")
            if published
            else _("Punteggio del bollino %(number)s tolto dalla scheda pubblica dell'azienda.")
        )
        record_event(application, by=by, note=note % {"number": locked.number})
    seal.score_published = locked.score_published
    return locked
