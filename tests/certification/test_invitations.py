import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from certification.models import Invitation, User
from certification.services.organizations import (
    invitation_accept,
    invitation_create,
    invitation_signup,
)
from tests.certification.organizations_helpers import new_applicant, post_committed
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

INVITE = reverse("certification:invitation_create")
DETAIL = reverse("certification:organization")
NEW_PASSWORD = "Turno-del-mattino-2025"


def _url(invitation: Invitation) -> str:
    return reverse("certification:invitation_accept", args=[invitation.token])


@pytest.fixture
def invitation(applicant, firm_a):
    """Anna invites her colleague Nadia."""
    return Invitation.objects.create(
        organization=firm_a,
        email="nadia@nuovocontact.example",
        invited_by=applicant,
        expires_at=timezone.now() + timedelta(days=7),
    )


def _signup_data(**overrides):
    data = {
        "first_name": "Nadia",
        "last_name": "Esposito",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "privacy": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- sending -------------------------------------------------------------------------------


def test_a_member_invites_a_colleague(
    client, applicant, firm_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    assert client.get(INVITE).status_code == 200
    response = post_committed(
        client,
        django_capture_on_commit_callbacks,
        INVITE,
        {"invito-email": " Nadia@NuovoContact.example "},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.organization == firm_a
    assert invitation.email == "nadia@nuovocontact.example"
    assert invitation.invited_by == applicant
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nadia@nuovocontact.example"]
    assert _url(invitation) in mailoutbox[0].body
    assert "Contact Uno S.r.l." in mailoutbox[0].body
    page = client.get(DETAIL).content.decode()
    assert "nadia@nuovocontact.example" in page


def test_the_firms_page_has_the_invitation_form(client, applicant):
    client.force_login(applicant)
    content = client.get(DETAIL).content.decode()
    assert f'action="{INVITE}"' in content
    assert 'name="invito-email"' in content


@pytest.mark.parametrize(
    "email, message", [("non-un-indirizzo", "indirizzo email valido"), ("", "obbligatorio")]
)
def test_a_bad_address_writes_nothing(client, applicant, email, message, mailoutbox):
    client.force_login(applicant)
    response = client.post(INVITE, {"invito-email": email})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_a_member_is_not_invited_again(client, applicant):
    client.force_login(applicant)
    response = client.post(INVITE, {"invito-email": "ANNA@contactuno.example"})
    assert response.status_code == 200
    assert "fa già parte dell" in response.content.decode()
    assert not Invitation.objects.exists()


def test_only_a_member_invites(applicant_b, firm_a, committee):
    with pytest.raises(PermissionDenied):
        invitation_create(by=applicant_b, organization=firm_a, email="x@example.it")
    with pytest.raises(PermissionDenied):
        invitation_create(by=committee, organization=firm_a, email="x@example.it")
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("person", ["committee", "auditor", "association_member", "admin_user"])
def test_other_roles_cannot_invite(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.post(INVITE, {"invito-email": "x@example.it"}).status_code == 403
    assert not Invitation.objects.exists()


# --- accepting while logged in -------------------------------------------------------------


def test_the_invited_person_accepts_when_logged_in(client, invitation, firm_a):
    nadia = new_applicant()
    client.force_login(nadia)
    page = client.get(_url(invitation))
    assert page.status_code == 200
    assert "Accetta l'invito" in page.content.decode()
    response = client.post(_url(invitation))
    assert response.status_code == 302
    assert response.url == DETAIL
    nadia.refresh_from_db()
    assert nadia.organization == firm_a
    invitation.refresh_from_db()
    assert invitation.accepted_by == nadia
    assert invitation.accepted_at is not None


def test_an_invitation_is_used_once(client, invitation):
    nadia = new_applicant()
    client.force_login(nadia)
    client.post(_url(invitation))
    client.logout()
    response = client.get(_url(invitation))
    assert response.status_code == 410
    assert "già stato usato" in response.content.decode()
    other = new_applicant("altra@example.it")
    client.force_login(other)
    assert client.post(_url(invitation)).status_code == 410
    other.refresh_from_db()
    assert other.organization is None
    with pytest.raises(ValidationError):
        invitation_accept(invitation=invitation, by=nadia)


def test_the_wrong_account_cannot_accept(client, invitation):
    other = new_applicant("marta@example.it")
    client.force_login(other)
    page = client.get(_url(invitation)).content.decode()
    assert "Questo invito è per nadia@nuovocontact.example" in page
    assert "marta@example.it" in page
    response = client.post(_url(invitation))
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.organization is None
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    with pytest.raises(ValidationError):
        invitation_accept(invitation=invitation, by=other)


def test_a_member_of_another_firm_cannot_accept(client, invitation, firm_b):
    nadia = new_applicant()
    nadia.organization = firm_b
    nadia.save()
    client.force_login(nadia)
    assert "altra organizzazione" in client.get(_url(invitation)).content.decode()
    client.post(_url(invitation))
    nadia.refresh_from_db()
    assert nadia.organization == firm_b
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_non_applicant_with_the_invited_address_cannot_accept(client, invitation):
    person = User.objects.create_user("nadia@nuovocontact.example", "x", role=User.Role.AUDITOR)
    client.force_login(person)
    assert "Solo gli account dei richiedenti" in client.get(_url(invitation)).content.decode()
    client.post(_url(invitation))
    person.refresh_from_db()
    assert person.organization is None


# --- accepting with a new account ----------------------------------------------------------


def test_a_visitor_signs_up_from_the_invitation(client, invitation, firm_a):
    page = client.get(_url(invitation))
    assert page.status_code == 200
    content = page.content.decode()
    assert "nadia@nuovocontact.example" in content
    assert 'name="email"' not in content
    assert 'name="password1"' in content
    response = client.post(_url(invitation), _signup_data(email="altro@example.it"))
    assert response.status_code == 302
    assert response.url == DETAIL
    nadia = User.objects.get(email="nadia@nuovocontact.example")
    assert nadia.is_active and nadia.organization == firm_a
    assert nadia.role == User.Role.APPLICANT
    assert nadia.check_password(NEW_PASSWORD)
    assert not User.objects.filter(email="altro@example.it").exists()
    assert client.session["_auth_user_id"] == str(nadia.pk)
    invitation.refresh_from_db()
    assert invitation.accepted_by == nadia


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"password2": "Diversa-2025-password"}, "non coincidono"),
        ({"password1": "password", "password2": "password"}, "troppo comune"),
        ({"privacy": None}, "informativa privacy"),
        ({"last_name": ""}, "obbligatorio"),
    ],
)
def test_signing_up_from_the_invitation_refuses_bad_input(client, invitation, overrides, message):
    response = client.post(_url(invitation), _signup_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="nadia@nuovocontact.example").exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_visitor_with_an_account_is_asked_to_log_in(client, invitation):
    new_applicant()
    page = client.get(_url(invitation)).content.decode()
    assert "accedi per accettare" in page
    assert f"{reverse('login')}?next=/invito/{invitation.token}/" in page
    assert 'name="password1"' not in page
    # Posting a sign-up anyway opens no second account.
    client.post(_url(invitation), _signup_data())
    assert User.objects.filter(email="nadia@nuovocontact.example").count() == 1


def test_logging_in_from_the_invitation_comes_back_to_it(client, invitation, firm_a):
    new_applicant()
    response = client.post(
        reverse("login"),
        {
            "username": "nadia@nuovocontact.example",
            "password": PASSWORD,
            "next": _url(invitation),
        },
    )
    assert response.status_code == 302
    assert response.url == _url(invitation)
    client.post(_url(invitation))
    assert User.objects.get(email="nadia@nuovocontact.example").organization == firm_a


def test_the_service_refuses_a_second_account_for_the_address(invitation):
    new_applicant()
    with pytest.raises(ValidationError):
        invitation_signup(
            invitation=invitation, first_name="N", last_name="E", password=NEW_PASSWORD
        )


# --- invalid links -------------------------------------------------------------------------


def test_an_expired_invitation_gets_a_clear_page(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=9), expires_at=timezone.now() - timedelta(days=2)
    )
    response = client.get(_url(invitation))
    assert response.status_code == 410
    assert "scaduto" in response.content.decode()
    assert client.post(_url(invitation), _signup_data()).status_code == 410
    assert not User.objects.filter(email="nadia@nuovocontact.example").exists()
    nadia = new_applicant()
    client.force_login(nadia)
    assert client.post(_url(invitation)).status_code == 410
    nadia.refresh_from_db()
    assert nadia.organization is None
    invitation.refresh_from_db()
    with pytest.raises(ValidationError):
        invitation_accept(invitation=invitation, by=nadia)


@pytest.mark.parametrize("token", ["sconosciuto", "a" * 64, "x" * 300])
def test_an_unknown_invitation_gets_a_clear_page(client, token):
    response = client.get(reverse("certification:invitation_accept", args=[token]))
    assert response.status_code == 404
    assert "Questo invito non esiste" in response.content.decode()


def test_the_token_is_long_and_random(invitation, applicant, firm_a):
    other = invitation_create(by=applicant, organization=firm_a, email="b@example.it")
    assert len(invitation.token) >= 40
    assert invitation.token != other.token
    assert re.fullmatch(r"[A-Za-z0-9_-]+", invitation.token)
