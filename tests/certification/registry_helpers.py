"""Firms in the registry for tests: a firm with a seal written straight into the tables (no
audit, no certificate), and its search text stored as the services store it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from certification.models import (
    Application,
    OperationalSite,
    Organization,
    Provincia,
    Seal,
    SealCounter,
    SealEvent,
    Sector,
)
from certification.services.registry import refresh_search_text
from codice.models import CodeVersion
from tests.factories import OperationalSiteFactory, OrganizationFactory, UserFactory, make_version

St = Seal.Status


def code_version(number: str = "2.0") -> CodeVersion:
    """The published version `number` (made if missing); "1.0" is made superseded."""
    existing = CodeVersion.objects.filter(number=number).first()
    if existing is not None:
        return existing
    status = CodeVersion.Status.SUPERSEDED if number == "1.0" else CodeVersion.Status.PUBLISHED
    return make_version(number, status=status)


def firm(
    legal_name: str,
    *,
    provincia: str = "MI",
    comune: str = "Milano",
    sectors: tuple[str, ...] = ("energia",),
    inbound: bool = True,
    outbound: bool = True,
    site_comune: str | None = None,
    site_provincia: str | None = None,
    **fields,
) -> Organization:
    organization = OrganizationFactory(
        legal_name=legal_name,
        comune=comune,
        provincia=Provincia.objects.get(sigla=provincia),
        sectors=list(Sector.objects.filter(slug__in=sectors)),
        inbound=inbound,
        outbound=outbound,
        **fields,
    )
    OperationalSiteFactory(
        organization=organization,
        comune=site_comune or comune,
        provincia=Provincia.objects.get(sigla=site_provincia or provincia),
    )
    refresh_search_text(organization)
    return organization


def certify(
    organization: Organization,
    *,
    status: str = St.ACTIVE,
    version: str = "2.0",
    issued: datetime.datetime | None = None,
    score: str | None = "82.50",
    score_published: bool = False,
    public_reason: str = "",
    internal_reason: str = "",
) -> Seal:
    """A seal of `organization` as the approval issues it, then moved to `status`; the firm's
    search text stored."""
    issued = issued or timezone.now()
    cv = code_version(version)
    application = Application.objects.create(
        organization=organization,
        code_version=cv,
        status=Application.Status.APPROVED,
        submitted_at=issued,
        created_by=UserFactory(),
    )
    year = issued.year
    sequence = SealCounter.next_sequence(year)
    valid_from = timezone.localdate(issued)
    seal = Seal.objects.create(
        number=f"BB-{year}-{sequence:05d}",
        year=year,
        sequence=sequence,
        organization=organization,
        application=application,
        code_version=cv,
        score=score,
        score_published=score_published,
        issued_at=issued,
        valid_from=valid_from,
        valid_until=valid_from.replace(year=valid_from.year + 2),
        status=St.ACTIVE,
        status_changed_at=issued,
    )
    SealEvent.objects.create(seal=seal, from_status="", to_status=St.ACTIVE)
    if status != St.ACTIVE:
        reason = (
            public_reason
            or {
                St.SUSPENDED: Seal.PublicReason.NONCONFORMITY,
                St.REVOKED: Seal.PublicReason.NONCONFORMITY,
                St.EXPIRED: Seal.PublicReason.EXPIRY,
            }[status]
        )
        Seal.objects.filter(pk=seal.pk).update(status=status, public_reason=reason)
        SealEvent.objects.create(
            seal=seal,
            from_status=St.ACTIVE,
            to_status=status,
            public_reason=reason,
            reason=internal_reason,
        )
        seal.refresh_from_db()
    # Fixture firms are made by factories, around the services that keep the search text.
    refresh_search_text(organization)
    return seal


def certified(legal_name: str, *, status: str = St.ACTIVE, version: str = "2.0", **fields):
    organization = firm(legal_name, **fields)
    certify(organization, status=status, version=version)
    return organization


def add_sites(organization: Organization, n: int) -> None:
    OperationalSite.objects.bulk_create(
        OperationalSite(
            organization=organization,
            name=f"Sede {i}",
            comune="Bergamo",
            provincia_id="BG",
            seats=10 + i,
        )
        for i in range(n)
    )
