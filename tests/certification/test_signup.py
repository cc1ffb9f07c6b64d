import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse

from certification.models import User
from certification.services.organizations import signup_token
from tests.certification.organizations_helpers import post_committed
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = reverse("certification:signup")
GOOD_PASSWORD = "Cuffie-e-microfoni-2025"


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST the sign-up form; e-mails leave as the request's transaction commits."""

    def send(**overrides):
        return _post(client, django_capture_on_commit_callbacks, **overrides)

    return send


def _post(client, capture, **overrides):
    return post_committed(client, capture, SIGNUP, _data(**overrides))


def _data(**overrides) -> dict:
    data = {
        "first_name": "Nadia",
        "last_name": "Esposito",
        "email": "Nadia.Esposito@NuovoContact.example",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "privacy": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _anonymous(page: str, email: str) -> str:
    """The page without the address typed and the per-request CSRF token."""
    page = page.replace(email, "X")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def _link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/registrazione/conferma/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_sign_up_page_shows_the_form(client):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Registrati come contact center" in content
    assert 'name="privacy"' in content
    assert reverse("privacy") in content


def test_it_creates_an_inactive_applicant_and_mails_the_link(post, client, mailoutbox):
    response = post()
    assert response.status_code == 302
    assert response.url == reverse("certification:signup_done")
    user = User.objects.get(email="nadia.esposito@nuovocontact.example")
    assert user.is_active is False
    assert user.role == User.Role.APPLICANT
    assert user.organization is None
    assert user.first_name == "Nadia" and user.last_name == "Esposito"
    assert user.check_password(GOOD_PASSWORD)
    assert user.privacy_acknowledged_at is not None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nadia.esposito@nuovocontact.example"]
    assert "/registrazione/conferma/" in mailoutbox[0].body

    done = client.get(response.url)
    assert "nadia.esposito@nuovocontact.example" in done.content.decode()
    assert "Controlla la tua e-mail" in done.content.decode()


def test_the_link_activates_the_account_logs_in_and_leads_to_the_firm(post, client, mailoutbox):
    post()
    link = _link(mailoutbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert "Conferma e continua" in page.content.decode()
    # Opening the link (as a mail scanner would) confirms nothing.
    assert User.objects.get(email="nadia.esposito@nuovocontact.example").is_active is False

    response = client.post(link)
    assert response.status_code == 302
    assert response.url == reverse("certification:organization_create")
    user = User.objects.get(email="nadia.esposito@nuovocontact.example")
    assert user.is_active is True
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(response.url).status_code == 200


def test_the_link_works_only_once(post, client, mailoutbox):
    post()
    link = _link(mailoutbox[0])
    client.post(link)
    client.logout()

    again = client.post(link)
    assert again.status_code == 400
    assert "già stato usato" in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_does_not_reveal_that_an_address_is_registered(post, client, mailoutbox, applicant):
    first = post(email="new.person@example.it")
    first_page = client.get(first.url).content.decode()

    response = post(email="ANNA@contactuno.example")
    assert response.status_code == 302
    assert response.url == first.url
    page = client.get(response.url).content.decode()
    assert _anonymous(page, "anna@contactuno.example") == _anonymous(
        first_page, "new.person@example.it"
    )
    # Nothing changed for Anna, and she is told by e-mail.
    applicant.refresh_from_db()
    assert applicant.check_password(PASSWORD)
    assert User.objects.filter(email="anna@contactuno.example").count() == 1
    message = mailoutbox[-1]
    assert message.to == ["anna@contactuno.example"]
    assert "già un account" in message.body
    assert reverse("password_reset") in message.body
    assert "/registrazione/conferma/" not in message.body


def test_signing_up_again_before_confirming_asks_for_a_new_password(post, client, mailoutbox):
    post(email="doppia@example.it")
    first_link = _link(mailoutbox[0])
    post(
        email="doppia@example.it",
        password1="Altra-password-2025!",
        password2="Altra-password-2025!",
    )

    assert User.objects.filter(email="doppia@example.it").count() == 1
    user = User.objects.get(email="doppia@example.it")
    # The second sign-up never overwrites the password of the account it did not create.
    assert user.check_password(GOOD_PASSWORD)
    second_link = _link(mailoutbox[1])
    page = client.get(second_link).content.decode()
    assert "scegli adesso la password" in page

    refused = client.post(second_link, {"password1": "abc", "password2": "abc"})
    assert refused.status_code == 200
    assert User.objects.get(email="doppia@example.it").is_active is False

    new_password = "Scelta-al-momento-2025"
    response = client.post(second_link, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.check_password(new_password)
    # The first link was for the account as it was: no longer valid.
    client.logout()
    assert client.post(first_link).status_code == 400


@pytest.mark.parametrize(
    "token",
    ["not-a-token", "eyJ1IjoxfQ:1tXyZa:forged-signature", "a" * 300],
)
def test_a_forged_link_gets_a_clear_page(client, token):
    response = client.get(reverse("certification:signup_confirm", args=[token]))
    assert response.status_code == 400
    assert "non è valido" in response.content.decode()
    assert client.post(reverse("certification:signup_confirm", args=[token])).status_code == 400


def test_a_token_signed_for_something_else_is_refused(client):
    user = UserFactory(email="altro@example.it", is_active=False)
    token = signing.dumps({"u": user.pk}, salt="another.purpose")
    assert client.post(reverse("certification:signup_confirm", args=[token])).status_code == 400
    user.refresh_from_db()
    assert user.is_active is False


def test_the_link_cannot_activate_an_account_already_active(client, applicant):
    token = signup_token(applicant)
    assert client.post(reverse("certification:signup_confirm", args=[token])).status_code == 400


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"password1": "12345678", "password2": "12345678"}, "troppo comune"),
        ({"password1": "corta", "password2": "corta"}, "troppo corta"),
        ({"password2": "Una-password-diversa-1"}, "non coincidono"),
        ({"privacy": None}, "informativa privacy"),
        ({"email": "non-un-indirizzo"}, "indirizzo email valido"),
        ({"first_name": ""}, "obbligatorio"),
        ({"password1": "nadiaesposito", "password2": "nadiaesposito"}, "troppo simile"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(post, client, mailoutbox, overrides, message):
    response = post(**overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="nadia.esposito@nuovocontact.example").exists()
    assert mailoutbox == []


def test_a_logged_in_person_is_sent_to_the_reserved_area(client, applicant):
    client.force_login(applicant)
    response = client.get(SIGNUP)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_the_sign_up_page_refuses_other_methods(client):
    assert client.put(SIGNUP).status_code == 405


def test_the_confirmation_mail_is_sent_only_after_commit(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(SIGNUP, _data(email="dopo@example.it"))
    assert response.status_code == 302
    assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert mailoutbox[0].to == ["dopo@example.it"]


def test_an_expired_link_gets_a_clear_page(post, client, mailoutbox, monkeypatch):
    post()
    link = _link(mailoutbox[0])
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + timedelta(days=3, minutes=1).total_seconds())
    response = client.get(link)
    assert response.status_code == 400
    assert "scaduto" in response.content.decode()
    monkeypatch.undo()
    assert client.get(link).status_code == 200
