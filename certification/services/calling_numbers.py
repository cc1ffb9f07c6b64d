"""The firm keeps its declared calling numbers current outside any application (a certified
firm changes its lines too). Declarations made here carry no application."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import CallingNumber, Organization, User
from certification.services.applications import E164_ITALIAN


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
    if not E164_ITALIAN.fullmatch(number or ""):
        raise ValidationError(
            _("«%(number)s» non è un numero di telefono italiano valido.") % {"number": number},
            code="invalid_number",
        )
    with transaction.atomic():
        locked = _lock_own_organization(organization, by)
        holder = (
            CallingNumber.objects.active()
            .filter(number=number)
            .values_list("organization_id", flat=True)
            .first()
        )
        if holder == locked.pk:
            raise ValidationError(
                _("Il numero %(number)s è già tra quelli dichiarati.") % {"number": number},
                code="already_yours",
            )
        if holder is not None:
            raise ValidationError(
                _(
                    "Il numero %(number)s è già dichiarato da un'altra organizzazione. Se lo "
                    "usate voi, scrivete a OIC per chiarire."
                )
                % {"number": number},
                code="already_declared",
            )
        try:
            with transaction.atomic():
                return CallingNumber.objects.create(
                    organization=locked, application=None, number=number, declared_by=by
                )
        except IntegrityError as exc:
            # Another firm declared it in the same instant: the database kept theirs.
            raise ValidationError(
                _("Il numero %(number)s è già dichiarato da un'altra organizzazione.")
                % {"number": number},
                code="already_declared",
            ) from exc


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
