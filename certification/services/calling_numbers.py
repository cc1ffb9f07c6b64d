"""The firm keeps its declared calling numbers current outside any application (a certified
firm changes its lines too). Declarations made here carry no application."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import CallingNumber, Organization, User
from certification.services.applications import check_italian_number, record_calling_number


def _lock_own_organization(organization: Organization, by: User) -> Organization:
    """Lock the organization's row, so that its members' declarations queue one after the
    other, and check that this person is one of them."""
    if not (
        by.is_authenticated
        and by.is_active
        and by.role == User.Role.APPLICANT
        and by.organization_id == organization.pk
    ):
        raise PermissionDenied(_("Solo chi appartiene all'azienda ne gestisce i numeri."))
    return Organization.objects.select_for_update().get(pk=organization.pk)


def organization_calling_number_declare(
    *, organization: Organization, by: User, number: str
) -> CallingNumber:
    """Declare an outbound number (E.164, Italian) of the organization, without application."""
    check_italian_number(number)
    with transaction.atomic():
        locked = _lock_own_organization(organization, by)
        return record_calling_number(
            organization_id=locked.pk, application=None, by=by, number=number
        )


def organization_calling_number_withdraw(
    *, organization: Organization, by: User, calling_number: CallingNumber
) -> CallingNumber:
    """Withdraw one of the organization's active numbers; the row stays, with the date."""
    with transaction.atomic():
        locked_org = _lock_own_organization(organization, by)
        locked = (
            CallingNumber.objects.select_for_update()
            .filter(pk=calling_number.pk, organization=locked_org)
            .first()
        )
        if locked is None:
            raise PermissionDenied(_("Il numero non è dell'azienda."))
        if locked.withdrawn_at is not None:
            raise ValidationError(_("Il numero era già stato ritirato."), code="already_withdrawn")
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at"])
        return locked
