"""Applicants and their organizations: sign-up with e-mail confirmation, registering a firm,
asking to join one, inviting colleagues, and the firm's operational sites.

Every write locks the rows it decides on (the person, the organization, the request or the
invitation) so that two clicks at once give one result. E-mails leave only after the
transaction commits.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from certification.models import (
    Invitation,
    JoinRequest,
    OperationalSite,
    Organization,
    Sector,
    User,
)
from certification.services.registry import refresh_search_text

SIGNUP_SALT = "certification.signup.confirm"
SIGNUP_MAX_AGE = datetime.timedelta(days=3)
INVITATION_VALIDITY = datetime.timedelta(days=7)


# --- e-mail ------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _send_after_commit(template: str, context: dict[str, Any], to: list[str], lang: str) -> None:
    """Render `<template>_subject.txt` and `<template>_body.txt` and send them to each address
    once the transaction commits (nothing is sent for a write that is rolled back)."""
    if not to:
        return

    def send() -> None:
        with translation.override(lang):
            full = {**context, "site_url": settings.SITE_URL}
            subject = " ".join(render_to_string(f"{template}_subject.txt", full).split())
            body = render_to_string(f"{template}_body.txt", full)
        for address in to:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])

    transaction.on_commit(send, robust=True)


# --- sign-up -----------------------------------------------------------------------------


def _fingerprint(user: User) -> str:
    # Any change of password, activation or login makes an earlier link useless.
    state = f"{user.pk}:{user.password}:{user.is_active}:{user.last_login}"
    return salted_hmac(SIGNUP_SALT, state).hexdigest()[:20]


def signup_token(user: User, *, choose_password: bool = False) -> str:
    """A signed, time-stamped confirmation token for this inactive account.

    `choose_password`: the confirmation also asks for a new password. Used when someone signs up
    again with the address of an account never confirmed: that account's password was chosen by
    whoever signed up first, who may not be the owner of the mailbox.
    """
    payload = {"u": user.pk, "f": _fingerprint(user), "p": int(choose_password)}
    return signing.dumps(payload, salt=SIGNUP_SALT, compress=True)


@dataclass(frozen=True)
class SignupTicket:
    user: User
    choose_password: bool


def signup_check_token(token: str) -> SignupTicket:
    """The account this token confirms, or ValidationError (expired, forged or already used)."""
    try:
        payload = signing.loads(token, salt=SIGNUP_SALT, max_age=SIGNUP_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError(
            _("Il collegamento di conferma è scaduto: registrati di nuovo per riceverne un altro."),
            code="expired",
        ) from exc
    except signing.BadSignature as exc:
        raise ValidationError(
            _("Il collegamento di conferma non è valido: controlla di averlo copiato per intero."),
            code="invalid",
        ) from exc
    user = User.objects.filter(pk=payload.get("u") if isinstance(payload, dict) else None).first()
    if (
        user is None
        or user.is_active
        or user.last_login is not None
        or not constant_time_compare(str(payload.get("f", "")), _fingerprint(user))
    ):
        raise ValidationError(
            _(
                "Questo collegamento di conferma è già stato usato o non è più valido. "
                "Se hai già confermato il tuo indirizzo, accedi con la tua e-mail e la password."
            ),
            code="used",
        )
    return SignupTicket(user=user, choose_password=bool(payload.get("p")))


def _send_confirmation(user: User, *, choose_password: bool) -> None:
    token = signup_token(user, choose_password=choose_password)
    _send_after_commit(
        "certification/signup/email/confirm",
        {
            "user": user,
            "url": _absolute(reverse("certification:signup_confirm", args=[token])),
            "choose_password": choose_password,
            "days": SIGNUP_MAX_AGE.days,
        },
        [user.email],
        translation.get_language() or settings.LANGUAGE_CODE,
    )


def _send_account_exists(email: str) -> None:
    _send_after_commit(
        "certification/signup/email/exists",
        {
            "email": email,
            "login_url": _absolute(reverse("login")),
            "reset_url": _absolute(reverse("password_reset")),
        },
        [email],
        translation.get_language() or settings.LANGUAGE_CODE,
    )


def user_signup(*, email: str, password: str, first_name: str, last_name: str) -> None:
    """Open an inactive applicant account and e-mail the confirmation link.

    Whether the address is already registered is never told to the person at the screen: the
    mailbox owner hears about it by e-mail instead.
    """
    email = email.strip().lower()
    with transaction.atomic():
        existing = User.objects.select_for_update().filter(email=email).first()
        if existing is None:
            try:
                with transaction.atomic():
                    user = User(
                        email=email,
                        first_name=first_name.strip(),
                        last_name=last_name.strip(),
                        role=User.Role.APPLICANT,
                        is_active=False,
                        privacy_acknowledged_at=timezone.now(),
                    )
                    user.set_password(password)
                    user.save()
            except IntegrityError:
                # Someone signed up with the same address a moment ago.
                existing = User.objects.select_for_update().get(email=email)
            else:
                _send_confirmation(user, choose_password=False)
                return
        if not existing.is_active and existing.last_login is None:
            _send_confirmation(existing, choose_password=True)
        else:
            _send_account_exists(email)


def signup_confirm(*, token: str, password: str | None = None) -> User:
    """Activate the account the token confirms (setting `password` if the token asks for one)."""
    ticket = signup_check_token(token)
    if ticket.choose_password and not password:
        raise ValidationError(_("Scegli una nuova password."), code="password_required")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=ticket.user.pk)
        # Checked again under the lock: two clicks at once activate the account once.
        if user.is_active or _fingerprint(user) != _fingerprint(ticket.user):
            raise ValidationError(
                _("Questo collegamento di conferma è già stato usato."), code="used"
            )
        if ticket.choose_password:
            user.set_password(password)
        user.is_active = True
        user.save(update_fields=["is_active", "password"])
    return user


# --- registering an organization and joining one ------------------------------------------


class DuplicatePartitaIva(ValidationError):
    """The partita IVA belongs to an organization already registered."""

    def __init__(self, organization: Organization) -> None:
        self.organization = organization
        super().__init__(
            _("Un'organizzazione con questa partita IVA è già registrata nel portale."),
            code="duplicate",
        )


def _require_unattached_applicant(user: User) -> None:
    if user.role != User.Role.APPLICANT or not user.is_active:
        raise PermissionDenied(_("Solo i richiedenti registrano un'organizzazione."))
    if user.organization_id is not None:
        raise ValidationError(_("Fai già parte di un'organizzazione."), code="already_member")


def _require_member(user: User, organization: Organization) -> None:
    if not (
        user.is_active
        and user.role == User.Role.APPLICANT
        and user.organization_id == organization.pk
    ):
        raise PermissionDenied(_("Solo chi fa parte dell'organizzazione può farlo."))


def organization_register(
    *,
    by: User,
    fields: dict[str, Any],
    sectors: Iterable[Sector],
    site: dict[str, Any],
) -> Organization:
    """Register an organization with its first operational site and make `by` its member.

    `fields` are the organization's own fields, `site` those of the first site. A partita IVA
    already registered raises DuplicatePartitaIva, even when another registration of it wins a
    race by a split second (the database's unique constraint decides).
    """
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=by.pk)
        _require_unattached_applicant(person)
        # The form has checked the partita IVA already; the unique constraint settles a
        # registration of the same number that slipped in since.
        try:
            with transaction.atomic():
                organization = Organization.objects.create(**fields, created_by=person)
        except IntegrityError:
            existing = Organization.objects.filter(partita_iva=fields.get("partita_iva")).first()
            if existing is None:
                raise
            raise DuplicatePartitaIva(existing) from None
        organization.sectors.set(sectors)
        OperationalSite.objects.create(organization=organization, **site)
        refresh_search_text(organization)
        person.organization = organization
        person.save(update_fields=["organization"])
    by.organization = organization
    return organization


def organization_update(
    *, by: User, organization: Organization, sectors: Iterable[Sector]
) -> Organization:
    """Save the changes a member made to `organization` (an instance edited by a form)."""
    _require_member(by, organization)
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        organization.save()
        organization.sectors.set(sectors)
        refresh_search_text(organization)
    return organization


def join_request_create(*, by: User, organization: Organization, message: str = "") -> JoinRequest:
    """Ask to join `organization`; its members hear about it by e-mail. Asking twice gives
    the same pending request."""
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=by.pk)
        _require_unattached_applicant(person)
        pending = JoinRequest.objects.filter(
            organization=organization, user=person, status=JoinRequest.Status.PENDING
        ).first()
        if pending is not None:
            return pending
        join_request = JoinRequest.objects.create(
            organization=organization, user=person, message=message.strip()
        )
        members = list(
            organization.members.filter(is_active=True)
            .order_by("email")
            .values_list("email", flat=True)
        )
        _send_after_commit(
            "certification/organizations/email/join_request",
            {
                "join_request": join_request,
                "requester": person,
                "organization": organization,
                "url": _absolute(reverse("certification:organization")),
            },
            members,
            "it",
        )
    return join_request


def join_request_decide(*, join_request: JoinRequest, by: User, approve: bool) -> JoinRequest:
    """A member of the organization accepts or refuses a pending request.

    Accepting makes the requester a member, but only if they still belong to no organization
    (they may have registered or joined another meanwhile).
    """
    with transaction.atomic():
        locked = (
            JoinRequest.objects.select_for_update()
            .select_related("organization")
            .get(pk=join_request.pk)
        )
        _require_member(by, locked.organization)
        if locked.status != JoinRequest.Status.PENDING:
            raise ValidationError(_("Questa richiesta è già stata decisa."), code="already_decided")
        requester = User.objects.select_for_update().get(pk=locked.user_id)
        if approve:
            if requester.role != User.Role.APPLICANT or not requester.is_active:
                raise ValidationError(
                    _(
                        "Questa persona non può più entrare in un'organizzazione: respingi la "
                        "richiesta."
                    ),
                    code="not_applicant",
                )
            if requester.organization_id is not None:
                raise ValidationError(
                    _("Questa persona fa già parte di un'organizzazione: respingi la richiesta."),
                    code="already_member",
                )
            requester.organization = locked.organization
            requester.save(update_fields=["organization"])
        locked.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.REJECTED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        _send_after_commit(
            "certification/organizations/email/join_decision",
            {
                "join_request": locked,
                "organization": locked.organization,
                "approved": approve,
                "url": _absolute(
                    reverse("certification:organization")
                    if approve
                    else reverse("certification:organization_create")
                ),
            },
            [requester.email],
            "it",
        )
    return locked


# --- invitations -------------------------------------------------------------------------


def invitation_create(*, by: User, organization: Organization, email: str) -> Invitation:
    """Invite a colleague by e-mail: the link is valid for seven days and can be used once."""
    _require_member(by, organization)
    email = email.strip().lower()
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        if organization.members.filter(email=email).exists():
            raise ValidationError(
                _("%(email)s fa già parte dell'organizzazione.") % {"email": email},
                code="already_member",
            )
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            invited_by=by,
            expires_at=timezone.now() + INVITATION_VALIDITY,
        )
        _send_after_commit(
            "certification/organizations/email/invitation",
            {
                "invitation": invitation,
                "organization": organization,
                "inviter": by,
                "url": _absolute(
                    reverse("certification:invitation_accept", args=[invitation.token])
                ),
                "days": INVITATION_VALIDITY.days,
            },
            [email],
            "it",
        )
    return invitation


def _lock_usable_invitation(invitation: Invitation) -> Invitation:
    locked = (
        Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    )
    if locked.accepted_at is not None:
        raise ValidationError(_("Questo invito è già stato usato."), code="used")
    if locked.expires_at <= timezone.now():
        raise ValidationError(
            _("Questo invito è scaduto: chiedi a chi ti ha invitato di mandarne un altro."),
            code="expired",
        )
    return locked


def _accept(invitation: Invitation, person: User) -> None:
    person.organization = invitation.organization
    person.save(update_fields=["organization"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = person
    invitation.save(update_fields=["accepted_at", "accepted_by"])


def invitation_accept(*, invitation: Invitation, by: User) -> Organization:
    """The invited person, logged in with the invited address, joins the organization."""
    with transaction.atomic():
        locked = _lock_usable_invitation(invitation)
        person = User.objects.select_for_update().get(pk=by.pk)
        if person.email != locked.email:
            raise ValidationError(
                _(
                    "Questo invito è per %(invited)s, ma hai effettuato l'accesso come "
                    "%(current)s. Esci e accedi con l'indirizzo invitato."
                )
                % {"invited": locked.email, "current": person.email},
                code="wrong_account",
            )
        if person.role != User.Role.APPLICANT or not person.is_active:
            raise ValidationError(
                _("Solo gli account dei richiedenti possono entrare in un'organizzazione."),
                code="not_applicant",
            )
        if person.organization_id is not None:
            raise ValidationError(_("Fai già parte di un'organizzazione."), code="already_member")
        _accept(locked, person)
    by.organization = locked.organization
    return locked.organization


def invitation_signup(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
) -> User:
    """Open an account for the invited address and join the organization at once.

    The link reached that mailbox, so the address needs no further confirmation.
    """
    with transaction.atomic():
        locked = _lock_usable_invitation(invitation)
        exists = ValidationError(
            _("Esiste già un account con l'indirizzo %(email)s: accedi per accettare l'invito.")
            % {"email": locked.email},
            code="account_exists",
        )
        if User.objects.filter(email=locked.email).exists():
            raise exists
        try:
            with transaction.atomic():
                person = User(
                    email=locked.email,
                    first_name=first_name.strip(),
                    last_name=last_name.strip(),
                    role=User.Role.APPLICANT,
                    is_active=True,
                    privacy_acknowledged_at=timezone.now(),
                )
                person.set_password(password)
                person.save()
        except IntegrityError:
            raise exists from None
        _accept(locked, person)
    return person


# --- operational sites -------------------------------------------------------------------


def site_save(*, by: User, site: OperationalSite) -> OperationalSite:
    """Save a new or changed operational site of the member's organization."""
    _require_member(by, site.organization)
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=site.organization_id)
        site.save()
        refresh_search_text(organization)
    return site


def site_delete(*, by: User, site: OperationalSite) -> None:
    """Delete a site; the organization always keeps at least one."""
    _require_member(by, site.organization)
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=site.organization_id)
        if OperationalSite.objects.filter(organization_id=site.organization_id).count() <= 1:
            raise ValidationError(
                _(
                    "L'organizzazione deve avere almeno una sede operativa: aggiungine un'altra "
                    "prima di eliminare questa."
                ),
                code="last_site",
            )
        OperationalSite.objects.filter(pk=site.pk).delete()
        refresh_search_text(organization)
