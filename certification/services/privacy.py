"""Personal data (GDPR arts. 15, 17, 20): what a person can download about themselves, and the
erasure that pseudonymizes them while the certification record stays whole.

The certification record (applications, audits, decisions, seals and their histories) must
survive: it is what a certification body answers for. So erasure does not delete the user row
those records point to; it replaces everything that identifies the person in it.
"""

from __future__ import annotations

import logging
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from certification.models import (
    Application,
    ApplicationEvent,
    Declaration,
    EvidenceFile,
    JoinRequest,
    Report,
    User,
)

log = logging.getLogger("portal.security")

ERASED_DOMAIN = "utenti-cancellati.invalid"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def personal_data(user: User) -> dict:
    """Everything the portal keeps about this person, as one JSON-ready document."""
    organization = user.organization
    return {
        "generato_il": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "nome": user.first_name,
            "cognome": user.last_name,
            "ruolo": user.get_role_display(),
            "organizzazione": organization.legal_name if organization else None,
            "associazione": user.association.name if user.association_id else None,
            "attivo": user.is_active,
            "registrato_il": _iso(user.date_joined),
            "ultimo_accesso": _iso(user.last_login),
            "informativa_privacy_letta_il": _iso(user.privacy_acknowledged_at),
        },
        "domande_create": [
            {
                "id": a.pk,
                "organizzazione": a.organization.legal_name,
                "stato": a.get_status_display(),
                "creata_il": _iso(a.created_at),
            }
            for a in Application.objects.filter(created_by=user).select_related("organization")
        ],
        "eventi_registrati": [
            {"domanda": e.application_id, "il": _iso(e.at), "a": e.to_status, "nota": e.note}
            for e in ApplicationEvent.objects.filter(actor=user).order_by("at", "id")
        ],
        "dichiarazioni": [
            {"domanda": d.application_id, "tipo": d.kind, "il": _iso(d.accepted_at)}
            for d in Declaration.objects.filter(accepted_by=user)
        ],
        "file_caricati": [
            {"domanda": f.application_id, "nome": f.original_name, "il": _iso(f.uploaded_at)}
            for f in EvidenceFile.objects.filter(uploaded_by=user)
        ],
        "richieste_di_adesione": [
            {"organizzazione": j.organization.legal_name, "stato": j.status}
            for j in JoinRequest.objects.filter(user=user).select_related("organization")
        ],
        "segnalazioni": [
            {
                "id": r.pk,
                "azienda": r.organization.legal_name,
                "categoria": r.get_category_display(),
                "chiamata_il": _iso(r.call_at),
                "numero_chiamante": r.calling_number,
                "descrizione": r.description,
                "stato": r.get_status_display(),
                "nome": r.reporter_name,
                "email": r.reporter_email,
                "telefono": r.reporter_phone,
            }
            for r in Report.objects.filter(filed_by=user).select_related("organization")
        ],
    }


def user_erase(*, user: User, by: User) -> User:
    """Pseudonymize a person: their name, address and password go; what they did stays, now
    attributed to «Utente cancellato n. <id>». They can no longer log in."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.email = f"cancellato-{locked.pk}@{ERASED_DOMAIN}"
        locked.first_name = "Utente cancellato"
        locked.last_name = f"n. {locked.pk}"
        locked.set_unusable_password()
        locked.is_active = False
        locked.is_staff = False
        locked.is_superuser = False
        locked.save()
        Report.objects.filter(filed_by=locked).update(
            reporter_name="", reporter_email="", reporter_phone="", contact_erased_at=timezone.now()
        )
        JoinRequest.objects.filter(user=locked, status=JoinRequest.Status.PENDING).delete()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.filter(user=locked).delete()
        # Sessions store the user id only inside their encoded data: end them all, through
        # the session engine, so that a copy it keeps in the cache ends too.
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if str(session.get_decoded().get("_auth_user_id")) == str(locked.pk):
                store(session.session_key).delete()
    log.info("personal_data_erased user=%s by=%s", locked.pk, by.pk)
    return locked
