"""Demo seals in every status, with their certificates rendered.

The approvals of the demo applications have already issued active seals through the real
service. Here the committee suspends, reinstates and revokes some of them, and two firms get a
seal from the previous two-year cycle: one that expired, and the demo applicant's own, which
expires within the month while its renewal is in draft.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from certification.models import (
    Application,
    ApplicationEvent,
    Decision,
    Organization,
    Seal,
    SealCounter,
    SealEvent,
    User,
)
from certification.services.seals import (
    _queue_render,
    add_months,
    format_number,
    seal_reinstate,
    seal_revoke,
    seal_suspend,
    seals_expire,
    validity_for,
)
from codice.models import CodeVersion

R = Seal.PublicReason


def _previous_cycle_seal(
    firm: Organization, committee: User, issued_on: datetime.date, score: Decimal
) -> Seal:
    """A seal issued before the portal existed, with the approved application it came from."""
    version = (
        CodeVersion.objects.filter(status=CodeVersion.Status.SUPERSEDED).order_by("number").first()
        or CodeVersion.objects.current()
    )
    member = firm.members.order_by("pk").first() or committee
    issued_at = timezone.make_aware(datetime.datetime.combine(issued_on, datetime.time(11, 0)))
    application = Application.objects.create(
        organization=firm,
        code_version=version,
        status=Application.Status.APPROVED,
        created_by=member,
        submitted_at=issued_at - datetime.timedelta(days=75),
    )
    ApplicationEvent.objects.create(
        application=application,
        actor=committee,
        from_status="",
        to_status=Application.Status.APPROVED,
        note="Domanda del ciclo precedente, riportata dal registro cartaceo.",
    )
    Decision.objects.create(
        application=application,
        outcome=Decision.Outcome.APPROVED,
        reason="Requisiti del codice soddisfatti (ciclo precedente).",
        total=score,
        passed=True,
        decided_by=committee,
    )
    sequence = SealCounter.next_sequence(issued_on.year)
    valid_from, valid_until = validity_for(issued_on)
    seal = Seal.objects.create(
        number=format_number(issued_on.year, sequence),
        year=issued_on.year,
        sequence=sequence,
        organization=firm,
        application=application,
        code_version=version,
        score=score,
        issued_at=issued_at,
        valid_from=valid_from,
        valid_until=valid_until,
        status=Seal.Status.ACTIVE,
        status_changed_at=issued_at,
        pdf_requested_at=timezone.now(),
    )
    SealEvent.objects.create(seal=seal, actor=committee, from_status="", to_status=seal.status)
    _queue_render(seal)
    return seal


def load_seals(*, committee: User, applicant_email: str) -> bool:
    """Give the demo seals in every status; False if already done."""
    if Seal.objects.exclude(status=Seal.Status.ACTIVE).exists():
        return False
    today = timezone.localdate()
    with transaction.atomic():
        own_firm = Organization.objects.get(members__email=applicant_email)
        # The demo applicant's seal expires within the month; its renewal is in draft.
        own = _previous_cycle_seal(
            own_firm,
            committee,
            add_months(today, -24) + datetime.timedelta(days=21),
            Decimal("81.40"),
        )
        Application.objects.filter(organization=own_firm, status=Application.Status.DRAFT).update(
            kind=Application.Kind.RENEWAL, previous=own.application
        )
        # A firm whose seal of the previous cycle expired two months ago.
        lapsed_firm = (
            Organization.objects.exclude(seals__isnull=False)
            .exclude(pk=own_firm.pk)
            .order_by("legal_name")
            .first()
        )
        if lapsed_firm is not None:
            _previous_cycle_seal(lapsed_firm, committee, add_months(today, -26), Decimal("73.10"))
            seals_expire(today)

        current = list(
            Seal.objects.filter(status=Seal.Status.ACTIVE)
            .exclude(organization=own_firm)
            .order_by("number")
        )
        if len(current) >= 5:
            seal_suspend(
                seal=current[1],
                by=committee,
                reason="Audit di sorveglianza: chiamate outbound registrate dopo le 20:00 in "
                "tre giornate di ottobre. Piano di rientro richiesto entro 60 giorni.",
                public_reason=R.NONCONFORMITY,
            )
            seal_suspend(
                seal=current[2],
                by=committee,
                reason="Quattro segnalazioni fondate in tre mesi per chiamate a numeri iscritti "
                "al Registro Pubblico delle Opposizioni.",
                public_reason=R.REPORTS,
            )
            seal_revoke(
                seal=current[3],
                by=committee,
                reason="L'azienda ha rifiutato per due volte la verifica di sorveglianza.",
                public_reason=R.AUDIT_REFUSED,
            )
            seal_suspend(
                seal=current[4],
                by=committee,
                reason="Subappaltatore non dichiarato emerso da una segnalazione.",
                public_reason=R.NONCONFORMITY,
            )
            seal_reinstate(
                seal=current[4],
                by=committee,
                reason="Contratto di subappalto dichiarato e verificato; procedure aggiornate.",
            )
        Seal.objects.filter(pk__in=[s.pk for s in current[::2]]).update(score_published=True)
    return True
