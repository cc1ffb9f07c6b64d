"""Submitting: the completeness check lists exactly what is missing; a complete application
goes to OIC once."""

import pytest
from django.urls import reverse

from certification.models import (
    Application,
    ApplicationEvent,
    CallingNumber,
    ChecklistItem,
    Declaration,
    EvidenceFile,
    SelfAssessmentAnswer,
)
from certification.services import applications as services
from tests.certification.application_helpers import (
    complete,
    current_version,  # noqa: F401
    new_application,
)

S = Application.Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("current_version", "private_root")]


@pytest.fixture
def application(applicant):
    return complete(new_application(applicant), applicant)


def _item(application, code):
    return ChecklistItem.objects.get(version=application.code_version, code=code)


def _unanswer(application, code):
    SelfAssessmentAnswer.objects.filter(item=_item(application, code)).delete()


def _answer(application, code, value):
    SelfAssessmentAnswer.objects.filter(item=_item(application, code)).update(answer=value)


def _drop_item_evidence(application, code):
    EvidenceFile.objects.filter(item=_item(application, code)).delete()


def _drop_document(application, kind):
    EvidenceFile.objects.filter(application=application, document_kind=kind).delete()


def _drop_declaration(application, kind):
    Declaration.objects.filter(application=application, kind=kind).delete()


def _withdraw_numbers(application):
    from django.utils import timezone

    CallingNumber.objects.update(withdrawn_at=timezone.now())


def _inbound_only_without_numbers(application):
    _withdraw_numbers(application)
    organization = application.organization
    organization.outbound = False
    organization.save()


def _no_sites(application):
    application.organization.sites.all().delete()


MISSING_CASES = [
    ("nothing", lambda a: None, []),
    (
        "one unanswered item",
        lambda a: _unanswer(a, "A.2"),
        ["Autovalutazione: mancano le risposte alle voci A.2."],
    ),
    (
        "two unanswered items",
        lambda a: (_unanswer(a, "A.1"), _unanswer(a, "B.1")),
        ["Autovalutazione: mancano le risposte alle voci A.1, B.1."],
    ),
    (
        "a conforming item without evidence",
        lambda a: _drop_item_evidence(a, "A.1"),
        ["Evidenze: carica almeno un file per le voci A.1."],
    ),
    (
        "a partly conforming item without evidence",
        lambda a: (_answer(a, "B.1", "parziale"), _drop_item_evidence(a, "B.1")),
        ["Evidenze: carica almeno un file per le voci B.1."],
    ),
    (
        "a non-conforming item needs no evidence",
        lambda a: (_answer(a, "A.1", "non_conforme"), _drop_item_evidence(a, "A.1")),
        [],
    ),
    ("the visura", lambda a: _drop_document(a, "visura"), ["Documenti: manca «Visura camerale»."]),
    (
        "the training records",
        lambda a: _drop_document(a, "formazione"),
        ["Documenti: manca «Registro della formazione»."],
    ),
    (
        "the truthfulness declaration",
        lambda a: _drop_declaration(a, "veridicita"),
        ["Dichiarazioni: manca «veridicità delle informazioni (DPR 445/2000)»."],
    ),
    (
        "the privacy declaration",
        lambda a: _drop_declaration(a, "privacy"),
        ["Dichiarazioni: manca «presa visione dell'informativa privacy»."],
    ),
    (
        "an outbound firm without calling numbers",
        _withdraw_numbers,
        ["Numeri chiamanti: dichiara almeno un numero da cui chiamate."],
    ),
    ("an inbound-only firm needs no numbers", _inbound_only_without_numbers, []),
    ("no operational site", _no_sites, ["Organizzazione: indica almeno una sede operativa."]),
]


@pytest.mark.parametrize(
    ("remove", "expected"), [c[1:] for c in MISSING_CASES], ids=[c[0] for c in MISSING_CASES]
)
def test_completeness_lists_exactly_what_is_missing(application, remove, expected):
    remove(application)

    assert services.missing_for_submission(application) == expected


def test_a_new_application_lacks_everything_in_order(applicant):
    application = new_application(applicant)

    assert services.missing_for_submission(application) == [
        "Autovalutazione: mancano le risposte alle voci A.1, A.2, B.1.",
        "Documenti: manca «Visura camerale».",
        "Documenti: manca «Informativa privacy».",
        "Documenti: manca «Script delle chiamate».",
        "Documenti: manca «Registro della formazione».",
        "Dichiarazioni: manca «veridicità delle informazioni (DPR 445/2000)».",
        "Dichiarazioni: manca «assenza di sanzioni definitive negli ultimi due anni».",
        "Dichiarazioni: manca «consenso alla pubblicazione nel registro».",
        "Dichiarazioni: manca «presa visione dell'informativa privacy».",
        "Numeri chiamanti: dichiara almeno un numero da cui chiamate.",
    ]
    assert [m.step for m in services.missing_steps(application)] == [
        "self_assessment",
        *["documents"] * 4,
        *["declarations"] * 4,
        "calling_numbers",
    ]


def test_an_incomplete_application_is_not_submitted(applicant):
    application = new_application(applicant)

    with pytest.raises(services.IncompleteApplication) as caught:
        services.application_submit(application=application, by=applicant)

    assert caught.value.missing == services.missing_for_submission(application)
    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert application.submitted_at is None
    assert not ApplicationEvent.objects.filter(to_status=S.SUBMITTED).exists()


# --- the submit page -------------------------------------------------------------------------


def _submit_url(application):
    return reverse("certification:application_submit", args=[application.pk])


def test_the_applicant_submits_a_complete_application(client, applicant, application):
    client.force_login(applicant)

    response = client.post(_submit_url(application), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "certification:application", args=[application.pk]
    )
    assert "Domanda inviata." in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.submitted_at is not None
    event = ApplicationEvent.objects.filter(application=application).latest("id")
    assert (event.actor, event.from_status, event.to_status) == (applicant, S.DRAFT, S.SUBMITTED)


def test_submitting_an_incomplete_application_shows_what_is_missing(client, applicant, application):
    _drop_document(application, "visura")
    _unanswer(application, "A.2")
    client.force_login(applicant)

    response = client.post(_submit_url(application))

    assert response.status_code == 200
    page = response.content.decode()
    assert "La domanda non è stata inviata" in page
    assert "Autovalutazione: mancano le risposte alle voci A.2." in page
    assert "Documenti: manca «Visura camerale»." in page
    assert "Dichiarazioni: manca" not in page
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_a_second_submit_is_refused_with_a_message(client, applicant, application):
    client.force_login(applicant)
    client.post(_submit_url(application))

    response = client.post(_submit_url(application), follow=True)

    assert "non può passare" in response.content.decode()
    assert ApplicationEvent.objects.filter(to_status=S.SUBMITTED).count() == 1


def test_submitting_needs_a_post(client, applicant, application):
    client.force_login(applicant)

    response = client.get(_submit_url(application))

    assert response.status_code == 405
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_the_committee_cannot_submit_for_the_applicant(client, committee, application):
    client.force_login(committee)

    response = client.post(_submit_url(application))

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_the_overview_lists_what_is_missing_with_links_to_each_step(client, applicant):
    application = new_application(applicant)
    client.force_login(applicant)

    page = client.get(reverse("certification:application", args=[application.pk])).content
    page = page.decode()

    assert "Cosa manca per inviare la domanda" in page
    for name in ("self_assessment", "documents", "declarations", "calling_numbers"):
        url = reverse(f"certification:{name}", args=[application.pk])
        assert f'href="{url}"' in page
    assert "Autovalutazione: mancano le risposte alle voci A.1, A.2, B.1." in page
    assert "Invia la domanda" in page


def test_the_overview_says_when_the_application_is_complete(client, applicant, application):
    client.force_login(applicant)

    page = client.get(reverse("certification:application", args=[application.pk])).content

    assert "La domanda è completa: potete inviarla." in page.decode()
