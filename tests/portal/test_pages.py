import pytest
from django.core import mail

from tests.factories import PASSWORD, make_version


@pytest.mark.django_db
def test_home_shows_the_current_code_version(client):
    make_version("2.0", articles=[("orari", "Orari", "Dalle 9 alle 20.")])
    response = client.get("/")
    assert response.status_code == 200
    assert "In vigore la versione 2.0" in response.text


@pytest.mark.django_db
def test_home_says_when_no_code_is_published(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "non è ancora stato pubblicato" in response.text


@pytest.mark.django_db
def test_privacy_page_says_only_technical_cookies(client):
    response = client.get("/privacy/")
    assert response.status_code == 200
    assert "solo cookie tecnici" in response.text


@pytest.mark.django_db
def test_reserved_area_requires_login(client):
    response = client.get("/area-riservata/")
    assert response.status_code == 302
    assert response["Location"] == "/accesso/?next=/area-riservata/"


@pytest.mark.django_db
def test_committee_sees_code_management(client, committee):
    client.force_login(committee)
    response = client.get("/area-riservata/")
    assert response.status_code == 200
    assert "Gestire le versioni del codice" in response.text
    assert "/gestione/codice/" in response.text


@pytest.mark.django_db
def test_applicant_does_not_see_code_management(client, applicant):
    client.force_login(applicant)
    response = client.get("/area-riservata/")
    assert response.status_code == 200
    assert "Gestire le versioni del codice" not in response.text
    assert "/gestione/codice/" not in response.text
    assert "Presentare la domanda di certificazione" in response.text
    assert "/domande/" in response.text


@pytest.mark.django_db
def test_association_member_sees_their_association(client, association_member):
    client.force_login(association_member)
    response = client.get("/area-riservata/")
    assert association_member.association.name in response.text


@pytest.mark.django_db
def test_login_with_email_and_password(client, committee):
    response = client.post("/accesso/", {"username": committee.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/area-riservata/"


@pytest.mark.django_db
def test_login_with_a_wrong_password_says_so(client, committee):
    response = client.post("/accesso/", {"username": committee.email, "password": "sbagliata"})
    assert response.status_code == 200
    assert "Inserisci" in response.text and "corretti" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_needs_post(client, committee):
    client.force_login(committee)
    assert client.get("/esci/").status_code == 405
    response = client.post("/esci/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_sends_a_working_link(client, committee):
    response = client.post("/accesso/password/recupera/", {"email": committee.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [committee.email]
    link = next(line for line in message.body.splitlines() if "/accesso/password/nuova/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "Nuova-Password-2026!", "new_password2": "Nuova-Password-2026!"},
    )
    assert response.status_code == 302
    committee.refresh_from_db()
    assert committee.check_password("Nuova-Password-2026!")


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_sends_nothing(client):
    response = client.post("/accesso/password/recupera/", {"email": "nessuno@example.it"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_auditor_finds_the_queue_from_the_reserved_area(client, auditor):
    client.force_login(auditor)
    response = client.get("/area-riservata/")
    assert "/audit/" in response.text
    assert "Le mie domande da verificare" in response.text
