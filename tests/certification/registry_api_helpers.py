"""Certified firms in bulk for the API and "who called me?" tests: the seal row written the way
seal_issue() stores it, without taking each firm through audit and decision (which
tests/certification/seal_helpers.approve does, for the tests that need the real path)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from certification.models import (
    Application,
    CallingNumber,
    Provincia,
    Seal,
    SealCounter,
    SealEvent,
    Sector,
)
from certification.services.registry import refresh_search_text
from codice.models import CodeVersion
from tests.factories import (
    ApplicationFactory,
    OperationalSiteFactory,
    OrganizationFactory,
    make_current_version_with_checklist,
)


def current_version() -> CodeVersion:
    return CodeVersion.objects.current() or make_current_version_with_checklist()


def certify(
    firm,
    *,
    status: str = Seal.Status.ACTIVE,
    version: CodeVersion | None = None,
    score: str = "86.50",
    score_published: bool = False,
    issued: datetime.date | None = None,
) -> Seal:
    """A seal for `firm` in `status` (non-active ones with their public reason)."""
    version = version or current_version()
    application = ApplicationFactory(organization=firm, code_version=version)
    now = timezone.now()
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.APPROVED, submitted_at=now, updated_at=now
    )
    day = issued or timezone.localdate(now)
    sequence = SealCounter.next_sequence(day.year)
    seal = Seal.objects.create(
        number=f"BB-{day.year}-{sequence:05d}",
        year=day.year,
        sequence=sequence,
        organization=firm,
        application=application,
        code_version=version,
        score=Decimal(score),
        score_published=score_published,
        issued_at=now,
        valid_from=day,
        valid_until=day + datetime.timedelta(days=730),
        status=status,
        status_changed_at=now,
        public_reason="" if status == Seal.Status.ACTIVE else Seal.PublicReason.NONCONFORMITY,
    )
    SealEvent.objects.create(seal=seal, from_status="", to_status=Seal.Status.ACTIVE)
    if status != Seal.Status.ACTIVE:
        SealEvent.objects.create(
            seal=seal,
            from_status=Seal.Status.ACTIVE,
            to_status=status,
            public_reason=seal.public_reason,
        )
    return seal


def certified_firm(
    *,
    legal_name: str | None = None,
    sigla: str = "MI",
    comune: str = "Milano",
    sectors: tuple[str, ...] = ("energia",),
    numbers: tuple[str, ...] = (),
    status: str = Seal.Status.ACTIVE,
    **kwargs,
):
    """A firm with one site, its sectors, its declared calling numbers and a current seal."""
    extra = {"legal_name": legal_name} if legal_name else {}
    firm = OrganizationFactory(
        provincia=Provincia.objects.get(sigla=sigla),
        comune=comune,
        sectors=[Sector.objects.get(slug=slug) for slug in sectors],
        **extra,
        **kwargs,
    )
    OperationalSiteFactory(
        organization=firm, comune=comune, provincia=Provincia.objects.get(sigla=sigla)
    )
    refresh_search_text(firm)
    for number in numbers:
        CallingNumber.objects.create(
            organization=firm, number=number, declared_by=firm.members.first() or _declarer(firm)
        )
    certify(firm, status=status)
    return firm


def _declarer(firm):
    from tests.factories import UserFactory

    return UserFactory(role="richiedente", organization=firm)
