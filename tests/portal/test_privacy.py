"""GDPR: the cookie page, a person's data download, and the erasure that pseudonymizes a
person while the certification record stays whole."""

import json

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from certification.models import ApplicationEvent, Report, Seal, User
from certification.services.privacy import user_erase
from tests.certification.seal_helpers import approve

pytestmark = pytest.mark.django_db


def test_the_cookie_page_lists_only_technical_cookies_and_says_no_banner_is_needed(client):
    page = client.get(reverse("cookies")).content.decode()
    for name in ("sessionid", "csrftoken", "django_language"):
        assert name in page
    assert "non richiedono il consenso" in page and "banner" in page
    assert reverse("cookies") in client.get(reverse("privacy")).content.decode()


def test_a_person_downloads_their_own_data(client, applicant, firm_a, committee, auditor):
    approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    client.force_login(applicant)
    assert "Scarica i miei dati" in client.get(reverse("my_data")).content.decode()
    response = client.get(reverse("my_data"), {"formato": "json"})
    assert response["Content-Disposition"] == 'attachment; filename="i-miei-dati.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == applicant.email
    assert data["account"]["organizzazione"] == firm_a.legal_name
    assert (
        data["domande_create"] and data["domande_create"][0]["organizzazione"] == firm_a.legal_name
    )
    # Nobody else's data.
    assert committee.email not in response.content.decode()


def test_the_data_page_needs_a_login(client):
    response = client.get(reverse("my_data"), {"formato": "json"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_erasure_pseudonymizes_and_keeps_the_certification_record(
    client, applicant, firm_a, committee, auditor, association_member, admin_user, private_root
):
    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    events = ApplicationEvent.objects.filter(actor=applicant).count()
    report = Report.objects.create(
        organization=firm_a, seal=seal, category="fuori_orario", call_at=seal.issued_at,
        description="Chiamata alle 21:30", filed_by=association_member,
        association=association_member.association, reporter_name="Mario Bianchi",
        reporter_email="mario@example.it", reporter_phone="+393331234567",
    )  # fmt: skip
    client.force_login(applicant)
    user_erase(user=applicant, by=admin_user)
    user_erase(user=association_member, by=admin_user)

    applicant.refresh_from_db()
    assert applicant.email == f"cancellato-{applicant.pk}@utenti-cancellati.invalid"
    assert "Anna" not in str(applicant) and not applicant.is_active
    assert not applicant.has_usable_password()
    # The record is whole, now attributed to the pseudonym.
    assert Seal.objects.filter(pk=seal.pk, status="attivo").exists()
    assert ApplicationEvent.objects.filter(actor=applicant).count() == events > 0
    report.refresh_from_db()
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == ("", "", "")
    assert report.contact_erased_at is not None
    # Their open session is gone.
    assert SESSION_KEY not in client.session
    assert client.get(reverse("dashboard")).status_code == 302
    assert not User.objects.filter(email="anna@contactuno.example").exists()


def test_only_a_superuser_erases_from_the_admin(client, admin_user, applicant):
    admin_user.set_password("x-password-lunga-1")
    admin_user.save()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:certification_user_changelist"),
        {"action": "erase_personal_data", "_selected_action": [applicant.pk]},
        follow=True,
    )
    assert "Dati personali cancellati: 1 utenti." in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.email.startswith("cancellato-")
