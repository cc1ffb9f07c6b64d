"""Shared data for the organization tests: a new applicant and a firm's registration form."""

from __future__ import annotations

from certification.models import User
from tests.factories import UserFactory

# A valid partita IVA that no fixture firm uses.
NEW_PIVA = "09876540155"
# Fails the check digit.
BAD_PIVA = "01234567890"


def new_applicant(email: str = "nadia@nuovocontact.example") -> User:
    """Nadia: an applicant who confirmed her e-mail and has no organization yet."""
    return UserFactory(email=email, first_name="Nadia", role=User.Role.APPLICANT)


def organization_post(**overrides: object) -> dict:
    """What the registration page posts for a firm with its first site."""
    data = {
        "azienda-legal_name": "Nuovo Contact S.r.l.",
        "azienda-partita_iva": NEW_PIVA,
        "azienda-codice_fiscale": "",
        "azienda-pec": "nuovocontact@pec.example.it",
        "azienda-street": "Via Toledo 10",
        "azienda-cap": "80134",
        "azienda-comune": "Napoli",
        "azienda-provincia": "NA",
        "azienda-website": "www.nuovocontact.example",
        "azienda-operators_count": "45",
        "azienda-services": ["inbound", "outbound"],
        "azienda-sectors": ["energia", "telecomunicazioni"],
        "azienda-assocontact_member": "on",
        "sede-comune": "Caserta",
        "sede-provincia": "CE",
        "sede-seats": "30",
        "sede-name": "Sede di Caserta",
        "sede-street": "Viale Lincoln 5",
    }
    for key, value in overrides.items():
        name = key.replace("__", "-")
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def site_post(**overrides: object) -> dict:
    data = {"comune": "Bari", "provincia": "BA", "seats": "12", "name": "", "street": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post_committed(client, capture, url: str, data: dict | None = None):
    """POST as the browser would, running what waits for the commit (the e-mails) at the end
    of the request. `capture` is pytest-django's django_capture_on_commit_callbacks."""
    with capture(execute=True):
        return client.post(url, data or {})
