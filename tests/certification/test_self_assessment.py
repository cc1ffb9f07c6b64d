"""The self-assessment page: every item on one page, saved all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.models import Application, ChecklistItem, EvidenceFile, SelfAssessmentAnswer
from tests.certification.application_helpers import (
    PDF,
    add_evidence,
    application_in,
    assert_section_links,
    current_version,  # noqa: F401
    new_application,
    publish_version_with_items,
)

S = Application.Status
A = SelfAssessmentAnswer.Answer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_root")]


def _url(application):
    return reverse("certification:self_assessment", args=[application.pk])


def _items(application):
    return {i.code: i for i in ChecklistItem.objects.filter(version=application.code_version)}


@pytest.fixture
def application(current_version, applicant):  # noqa: F811
    return new_application(applicant)


@pytest.fixture
def items(application):
    return _items(application)


def _post(client, application, data, files=None):
    return client.post(_url(application), {**data, **(files or {})})


def test_it_shows_every_item_grouped_by_section(client, applicant, application, items):
    client.force_login(applicant)

    response = client.get(_url(application))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert_section_links(page, items)
    for code, item in items.items():
        assert f"{code} — {item.question}" in page
        assert f'name="answer_{item.pk}"' in page
        assert f'name="comment_{item.pk}"' in page
        assert f'name="file_{item.pk}"' in page
    assert "Estratto dei log delle chiamate" in page  # A.1's evidence hint
    assert page.index("A.1 —") < page.index("A.2 —") < page.index("B.1 —")
    assert 'enctype="multipart/form-data"' in page


def test_it_offers_not_applicable_only_where_the_item_allows_it(
    client, applicant, application, items
):
    client.force_login(applicant)

    page = client.get(_url(application)).content.decode()

    assert f'name="answer_{items["A.2"].pk}" value="non_applicabile"' in page
    assert f'name="answer_{items["A.1"].pk}" value="non_applicabile"' not in page
    assert f'name="answer_{items["B.1"].pk}" value="non_applicabile"' not in page
    assert f'name="answer_{items["A.1"].pk}" value="parziale"' in page


def test_it_shows_the_titles_of_the_linked_articles(client, applicant, committee):
    publish_version_with_items("3.0", 5, by=committee, article_keys=("orari", "rpo"))
    application = new_application(applicant)
    client.force_login(applicant)

    page = client.get(_url(application)).content.decode()

    assert "Art. 1 – Fasce orarie" in page
    assert "Art. 2 – Registro delle opposizioni" in page
    assert reverse("codice:version", args=["3.0"]) + "#art-rpo" in page


def test_saving_records_answers_and_comments_with_who(client, applicant, application, items):
    client.force_login(applicant)

    response = _post(
        client,
        application,
        {
            f"answer_{items['A.1'].pk}": A.CONFORM,
            f"comment_{items['A.1'].pk}": "Orari rispettati.",
            f"answer_{items['A.2'].pk}": A.NOT_APPLICABLE,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == _url(application)
    answers = {a.item.code: a for a in SelfAssessmentAnswer.objects.select_related("item")}
    assert set(answers) == {"A.1", "A.2"}
    assert (answers["A.1"].answer, answers["A.1"].comment) == (A.CONFORM, "Orari rispettati.")
    assert answers["A.2"].answer == A.NOT_APPLICABLE
    assert {a.updated_by for a in answers.values()} == {applicant}
    page = client.get(_url(application)).content.decode()
    assert "Autovalutazione salvata." in page
    assert "Voci con una risposta: 2 su 3." in page


def test_saving_again_changes_only_what_changed(client, applicant, application, items, firm_a):
    from tests.factories import UserFactory

    colleague = UserFactory(email="carlo@contactuno.example", organization=firm_a)
    client.force_login(applicant)
    _post(client, application, {f"answer_{items['A.1'].pk}": A.PARTIAL})
    _post(client, application, {f"answer_{items['A.2'].pk}": A.CONFORM})
    client.force_login(colleague)

    _post(
        client,
        application,
        {
            f"answer_{items['A.1'].pk}": A.CONFORM,
            f"answer_{items['A.2'].pk}": A.CONFORM,
        },
    )

    answers = {a.item.code: a for a in SelfAssessmentAnswer.objects.select_related("item")}
    assert (answers["A.1"].answer, answers["A.1"].updated_by) == (A.CONFORM, colleague)
    assert (answers["A.2"].answer, answers["A.2"].updated_by) == (A.CONFORM, applicant)


def test_it_refuses_not_applicable_on_an_item_that_does_not_allow_it_and_saves_nothing(
    client, applicant, application, items
):
    client.force_login(applicant)

    response = _post(
        client,
        application,
        {
            f"answer_{items['A.1'].pk}": A.NOT_APPLICABLE,
            f"answer_{items['A.2'].pk}": A.CONFORM,
            f"comment_{items['B.1'].pk}": "Nessuna risposta ma un commento",
            f"answer_{items['B.1'].pk}": A.PARTIAL,
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Questa voce non ammette la risposta «non applicabile»." in page
    assert "Non è stato salvato nulla" in page
    assert f'href="#voce-{items["A.1"].pk}"' in page
    assert not SelfAssessmentAnswer.objects.exists()


def test_a_comment_without_an_answer_is_refused(client, applicant, application, items):
    client.force_login(applicant)

    response = _post(
        client,
        application,
        {
            f"comment_{items['B.1'].pk}": "Ci stiamo lavorando.",
            f"answer_{items['A.1'].pk}": A.CONFORM,
        },
    )

    assert response.status_code == 200
    assert "Scegli una risposta per salvare il commento." in response.content.decode()
    assert not SelfAssessmentAnswer.objects.exists()


def test_an_unknown_answer_is_refused(client, applicant, application, items):
    client.force_login(applicant)

    response = _post(client, application, {f"answer_{items['A.1'].pk}": "eccellente"})

    assert response.status_code == 200
    assert not SelfAssessmentAnswer.objects.exists()


def test_an_evidence_file_is_stored_with_its_item(client, applicant, application, items):
    client.force_login(applicant)

    response = _post(
        client,
        application,
        {f"answer_{items['A.1'].pk}": A.CONFORM},
        {f"file_{items['A.1'].pk}": SimpleUploadedFile("log chiamate.pdf", PDF)},
    )

    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.item == items["A.1"]
    assert evidence.original_name == "log chiamate.pdf"
    assert evidence.uploaded_by == applicant
    assert evidence.file.storage.exists(evidence.file.name)
    page = client.get(_url(application)).content.decode()
    download = reverse("certification:evidence_download", args=[application.pk, evidence.pk])
    delete = reverse("certification:evidence_delete", args=[application.pk, evidence.pk])
    assert f'href="{download}"' in page
    assert f'action="{delete}"' in page
    assert "log chiamate.pdf" in page


def test_a_refused_file_refuses_the_whole_page(client, applicant, application, items):
    client.force_login(applicant)

    response = _post(
        client,
        application,
        {f"answer_{items['A.1'].pk}": A.CONFORM, f"answer_{items['B.1'].pk}": A.CONFORM},
        {
            f"file_{items['A.1'].pk}": SimpleUploadedFile("buono.pdf", PDF),
            f"file_{items['B.1'].pk}": SimpleUploadedFile("fattura.pdf", b"MZ\x90\x00" * 100),
        },
    )

    assert response.status_code == 200
    assert "Tipo di file non ammesso" in response.content.decode()
    assert not SelfAssessmentAnswer.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert not _stored_files()


def _stored_files():
    from django.conf import settings

    root = settings.PRIVATE_STORAGE_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_empty_file_is_refused(client, applicant, application, items):
    client.force_login(applicant)

    response = _post(
        client,
        application,
        {f"answer_{items['A.1'].pk}": A.CONFORM},
        {f"file_{items['A.1'].pk}": SimpleUploadedFile("vuoto.pdf", b"")},
    )

    assert response.status_code == 200
    assert not SelfAssessmentAnswer.objects.exists()
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize("status", [S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.WITHDRAWN])
def test_it_is_read_only_outside_draft_and_integration(
    client,
    status,
    applicant,
    committee,
    current_version,  # noqa: F811
):
    application = application_in(status, applicant=applicant, committee=committee)
    items = _items(application)
    before = list(SelfAssessmentAnswer.objects.order_by("id").values_list("answer", flat=True))
    client.force_login(applicant)

    page = client.get(_url(application)).content.decode()

    assert 'type="radio"' not in page
    assert 'type="file"' not in page
    assert "si può consultare ma non modificare" in page
    # The answers given (a draft withdrawn at once has none), read-only.
    assert ("Risposta:</strong> Conforme" if before else "nessuna risposta") in page

    response = _post(client, application, {f"answer_{items['A.1'].pk}": A.PARTIAL})

    assert response.status_code == 302
    after = list(SelfAssessmentAnswer.objects.order_by("id").values_list("answer", flat=True))
    assert after == before


def test_it_is_editable_again_when_information_is_requested(
    client,
    applicant,
    committee,
    current_version,  # noqa: F811
):
    application = application_in(S.INFO_REQUESTED, applicant=applicant, committee=committee)
    items = _items(application)
    client.force_login(applicant)

    response = _post(client, application, {f"answer_{items['A.1'].pk}": A.PARTIAL})

    assert response.status_code == 302
    assert SelfAssessmentAnswer.objects.get(item=items["A.1"]).answer == A.PARTIAL


def _answer_everything_with_evidence(application, applicant):
    for item in ChecklistItem.objects.filter(version=application.code_version):
        SelfAssessmentAnswer.objects.create(
            application=application,
            item=item,
            answer=A.CONFORM,
            comment="Sì.",
            updated_by=applicant,
        )
        add_evidence(application, by=applicant, item=item)


def test_the_number_of_queries_does_not_grow_with_the_items(
    client, applicant, applicant_b, committee, django_assert_num_queries
):
    publish_version_with_items("3.0", 5, by=committee, article_keys=("orari", "rpo"))
    small = new_application(applicant)
    publish_version_with_items("4.0", 40, by=committee, article_keys=("orari", "rpo"))
    large = new_application(applicant_b)
    _answer_everything_with_evidence(small, applicant)
    _answer_everything_with_evidence(large, applicant_b)
    client.force_login(applicant)
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(_url(small)).status_code == 200
    client.force_login(applicant_b)

    with django_assert_num_queries(len(small_queries)):
        response = client.get(_url(large))

    assert response.status_code == 200
    assert response.content.decode().count('type="file"') == 40


def test_the_delete_button_of_a_file_comes_back_to_the_item(client, applicant, application, items):
    evidence = add_evidence(application, by=applicant, item=items["A.1"])
    client.force_login(applicant)
    page = client.get(_url(application)).content.decode()
    back = f"{_url(application)}#voce-{items['A.1'].pk}"
    assert f'form="elimina-file-{evidence.pk}"' in page
    assert f'name="next" value="{back}"' in page

    response = client.post(
        reverse("certification:evidence_delete", args=[application.pk, evidence.pk]),
        {"next": back},
    )

    assert response.status_code == 302
    assert response["Location"] == back
    assert not EvidenceFile.objects.exists()


def test_the_committee_downloads_the_evidence_linked_from_its_page(
    client,
    applicant,
    committee,
    current_version,  # noqa: F811
):
    application = application_in(S.SUBMITTED, applicant=applicant, committee=committee)
    evidence = EvidenceFile.objects.filter(application=application, item__isnull=False).first()
    client.force_login(committee)
    download = reverse("certification:evidence_download", args=[application.pk, evidence.pk])

    page = client.get(reverse("certification:manage_application", args=[application.pk]))
    response = client.get(download)

    assert download in page.content.decode()
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
