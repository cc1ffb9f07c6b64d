"""Evidence files are served only to those who may see the application; others get a 404."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.files import evidence_store
from certification.models import Application, ChecklistItem, EvidenceFile
from tests.certification.file_samples import png_bytes, sample_upload, upload
from tests.factories import ApplicationFactory


@pytest.fixture
def storage_roots(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def application_a(applicant):
    return ApplicationFactory(organization=applicant.organization, created_by=applicant)


@pytest.fixture
def application_b(applicant_b, application_a):
    return ApplicationFactory(organization=applicant_b.organization, created_by=applicant_b)


def first_item(application: Application) -> ChecklistItem:
    return ChecklistItem.objects.filter(version=application.code_version).order_by("code").first()


@pytest.fixture
def file_a(storage_roots, application_a, applicant):
    return evidence_store(
        application=application_a,
        by=applicant,
        uploaded=upload("Verbale RPO – marzo.png", png_bytes(), "application/pdf"),
        item=first_item(application_a),
    )


@pytest.fixture
def file_b(storage_roots, application_b, applicant_b):
    return evidence_store(
        application=application_b,
        by=applicant_b,
        uploaded=sample_upload("pdf"),
        document_kind=EvidenceFile.DocumentKind.VISURA,
    )


def download_url(application_pk: int, file_pk: int) -> str:
    return reverse("certification:evidence_download", args=[application_pk, file_pk])


def delete_url(application_pk: int, file_pk: int) -> str:
    return reverse("certification:evidence_delete", args=[application_pk, file_pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- download -----------------------------------------------------------------------------


def test_the_urls_are_under_the_application():
    assert download_url(4, 7) == "/domande/4/file/7/"
    assert delete_url(4, 7) == "/domande/4/file/7/elimina/"


@pytest.mark.django_db
def test_a_file_downloads_with_the_extension_of_its_recognised_type(
    client, applicant, storage_roots, application_a
):
    evidence = evidence_store(
        application=application_a,
        by=applicant,
        uploaded=upload("verbale.bat", png_bytes(), "application/octet-stream"),
        item=first_item(application_a),
    )
    client.force_login(applicant)
    response = client.get(download_url(application_a.pk, evidence.pk))
    assert 'filename="verbale.png"' in response["Content-Disposition"]


@pytest.mark.django_db
def test_the_applicant_downloads_their_file_as_an_attachment(client, applicant, file_a):
    client.force_login(applicant)

    response = client.get(download_url(file_a.application_id, file_a.pk))

    assert response.status_code == 200
    assert body(response) == png_bytes()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''Verbale%20RPO%20%E2%80%93%20marzo.png"
        in (response["Content-Disposition"])
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(len(png_bytes()))


@pytest.mark.django_db
def test_a_colleague_of_the_same_firm_downloads_it_too(client, firm_a, file_a):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="carlo@contactuno.example", organization=firm_a))

    response = client.get(download_url(file_a.application_id, file_a.pk))

    assert response.status_code == 200


@pytest.mark.django_db
def test_the_committee_downloads_any_applications_file(client, committee, file_a, file_b):
    client.force_login(committee)

    for evidence in (file_a, file_b):
        response = client.get(download_url(evidence.application_id, evidence.pk))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_an_applicant_of_another_firm_gets_404_by_guessing_ids(client, applicant_b, file_a, file_b):
    client.force_login(applicant_b)

    # The other firm's application and file, and the other firm's file under their own.
    assert client.get(download_url(file_a.application_id, file_a.pk)).status_code == 404
    assert client.get(download_url(file_b.application_id, file_a.pk)).status_code == 404
    # The same answer as for ids that do not exist at all.
    assert client.get(download_url(file_a.application_id, 999_999)).status_code == 404
    assert client.get(download_url(999_999, file_a.pk)).status_code == 404


@pytest.mark.django_db
def test_a_file_is_not_found_under_another_application_even_of_the_same_firm(
    client, applicant, file_a
):
    Application.objects.filter(pk=file_a.application_id).update(
        status=Application.Status.WITHDRAWN, submitted_at=timezone.now()
    )
    newer = ApplicationFactory(organization=applicant.organization, created_by=applicant)
    client.force_login(applicant)

    assert client.get(download_url(newer.pk, file_a.pk)).status_code == 404
    assert client.get(download_url(file_a.application_id, file_a.pk)).status_code == 200


@pytest.mark.django_db
def test_the_committee_cannot_fetch_a_file_under_the_wrong_application(
    client, committee, file_a, file_b
):
    client.force_login(committee)

    assert client.get(download_url(file_b.application_id, file_a.pk)).status_code == 404


@pytest.mark.django_db
def test_people_outside_the_application_get_404(
    client, association_member, auditor, admin_user, file_a
):
    # Auditors will see the applications they are assigned to, once audits exist.
    for person in (association_member, auditor, admin_user):
        client.force_login(person)
        response = client.get(download_url(file_a.application_id, file_a.pk))
        assert response.status_code == 404, person


@pytest.mark.django_db
def test_a_visitor_is_sent_to_log_in(client, file_a):
    url = download_url(file_a.application_id, file_a.pk)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.django_db
def test_a_file_missing_on_disk_gives_a_clear_404(client, applicant, file_a):
    Path(file_a.file.path).unlink()
    client.force_login(applicant)

    response = client.get(download_url(file_a.application_id, file_a.pk))

    assert response.status_code == 404
    page = response.content.decode()
    assert "File non disponibile" in page
    assert "Verbale RPO – marzo.png" in page


@pytest.mark.django_db
def test_download_does_not_accept_post(client, applicant, file_a):
    client.force_login(applicant)

    response = client.post(download_url(file_a.application_id, file_a.pk))

    assert response.status_code == 405


# --- delete -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_applicant_deletes_a_file_and_goes_back_where_they_were(
    client, applicant, file_a, django_capture_on_commit_callbacks
):
    path = Path(file_a.file.path)
    client.force_login(applicant)
    back = f"/domande/{file_a.application_id}/autovalutazione/"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            delete_url(file_a.application_id, file_a.pk), {"next": back}, follow=False
        )

    assert response.status_code == 302
    assert response["Location"] == back
    assert not EvidenceFile.objects.filter(pk=file_a.pk).exists()
    assert not path.exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Il file «Verbale RPO – marzo.png» è stato eliminato."]


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/x", "javascript:x"])
@pytest.mark.django_db
def test_delete_never_redirects_to_another_site(client, applicant, file_a, unsafe):
    client.force_login(applicant)

    response = client.post(delete_url(file_a.application_id, file_a.pk), {"next": unsafe})

    assert response.status_code == 302
    assert "evil" not in response["Location"]
    assert not response["Location"].startswith("javascript")


@pytest.mark.django_db
def test_delete_after_submission_is_refused_with_a_message(client, applicant, file_a):
    Application.objects.filter(pk=file_a.application_id).update(
        status=Application.Status.SUBMITTED, submitted_at=timezone.now()
    )
    client.force_login(applicant)

    response = client.post(delete_url(file_a.application_id, file_a.pk), {"next": "/"})

    assert response.status_code == 302
    assert EvidenceFile.objects.filter(pk=file_a.pk).exists()
    assert Path(file_a.file.path).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "La domanda è «Inviata»: i file si possono caricare o eliminare solo quando è in bozza "
        "o quando è richiesta un'integrazione."
    ]


@pytest.mark.django_db
def test_an_applicant_of_another_firm_cannot_delete_by_guessing_ids(
    client, applicant_b, file_a, file_b
):
    client.force_login(applicant_b)

    assert client.post(delete_url(file_a.application_id, file_a.pk)).status_code == 404
    assert client.post(delete_url(file_b.application_id, file_a.pk)).status_code == 404
    assert EvidenceFile.objects.filter(pk=file_a.pk).exists()


@pytest.mark.django_db
def test_the_committee_may_look_but_not_delete(client, committee, file_a):
    client.force_login(committee)

    response = client.post(delete_url(file_a.application_id, file_a.pk))

    assert response.status_code == 403
    assert EvidenceFile.objects.filter(pk=file_a.pk).exists()


@pytest.mark.django_db
def test_delete_needs_post_and_a_login(client, applicant, file_a):
    url = delete_url(file_a.application_id, file_a.pk)

    assert client.post(url).status_code == 302  # to the login page
    assert client.post(url)["Location"].startswith(reverse("login"))
    client.force_login(applicant)
    assert client.get(url).status_code == 405
    assert EvidenceFile.objects.filter(pk=file_a.pk).exists()
