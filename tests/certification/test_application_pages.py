"""The application pages: applicants prepare their own application, the committee follows all
of them; nobody else sees anything."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from playwright.sync_api import expect

from certification.models import (
    Application,
    ApplicationEvent,
    CallingNumber,
    Declaration,
    EvidenceFile,
    Organization,
    SelfAssessmentAnswer,
)
from certification.services import applications as services
from tests.certification.application_helpers import (
    PDF,
    application_in,
    complete,
    current_version,  # noqa: F401
    new_application,
    reference_data,  # noqa: F401
)
from tests.factories import ApplicationFactory, OperationalSiteFactory, UserFactory

S = Application.Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("current_version", "private_root")]


def _url(name, application=None, *more):
    args = [application.pk, *more] if application is not None else []
    return reverse(f"certification:{name}", args=args)


@pytest.fixture
def draft(applicant):
    return new_application(applicant)


# --- the list and a new application ----------------------------------------------------------


def test_the_list_shows_only_the_organizations_applications(
    client, applicant, applicant_b, committee
):
    withdrawn = application_in(S.WITHDRAWN, applicant=applicant, committee=committee)
    mine = new_application(applicant)
    theirs = new_application(applicant_b)
    client.force_login(applicant)

    response = client.get(_url("applications"))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{_url("application", mine)}"' in page
    assert f'href="{_url("application", withdrawn)}"' in page
    assert f'href="{_url("application", theirs)}"' not in page
    assert "Ritirata" in page and "Bozza" in page
    assert "C'è già una domanda in corso" in page
    assert "Inizia una nuova domanda" not in page


def test_the_list_offers_a_new_application_when_none_is_open(client, applicant):
    client.force_login(applicant)

    page = client.get(_url("applications")).content.decode()

    assert "Non avete ancora presentato domande." in page
    assert f'action="{_url("application_create")}"' in page
    assert 'value="prima"' in page and 'value="rinnovo"' in page


def test_an_applicant_without_organization_is_sent_to_register_it(client):
    loner = UserFactory(email="solo@example.it", role="richiedente")
    client.force_login(loner)

    response = client.get(_url("applications"))

    assert response.status_code == 302
    assert response["Location"] == reverse("certification:organization_create")


@pytest.mark.parametrize("who", ["committee", "auditor", "association_member", "admin_user"])
def test_other_roles_do_not_use_the_applicant_pages(client, request, who, draft):
    client.force_login(request.getfixturevalue(who))

    assert client.get(_url("applications")).status_code == 403
    assert client.post(_url("application_create"), {"kind": "prima"}).status_code == 403
    assert client.get(_url("application", draft)).status_code == 403
    assert client.get(_url("self_assessment", draft)).status_code == 403


def test_a_visitor_is_asked_to_log_in(client, draft):
    for url in (_url("applications"), _url("application", draft), _url("manage_applications")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_starting_an_application(client, applicant):
    client.force_login(applicant)

    response = client.post(_url("application_create"), {"kind": "prima"})

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("application", application)
    assert application.organization == applicant.organization
    assert application.kind == Application.Kind.FIRST
    assert application.created_by == applicant
    assert application.status == S.DRAFT


def test_starting_a_second_application_is_refused_with_a_message(client, applicant, draft):
    client.force_login(applicant)

    response = client.post(_url("application_create"), {"kind": "prima"})

    assert response.status_code == 200
    assert "L&#x27;organizzazione ha già una domanda in corso." in response.content.decode()
    assert Application.objects.count() == 1


def test_starting_without_a_code_in_force_is_refused_with_a_message(client, applicant):
    from codice.models import CodeVersion

    current = CodeVersion.objects.current()
    current.status = CodeVersion.Status.SUPERSEDED
    current.save(update_fields=["status"])
    client.force_login(applicant)

    response = client.post(_url("application_create"), {"kind": "prima"})

    assert response.status_code == 200
    assert "lista di controllo" in response.content.decode()
    assert not Application.objects.exists()


def test_an_unknown_kind_is_refused(client, applicant):
    client.force_login(applicant)

    response = client.post(_url("application_create"), {"kind": "terza"})

    assert response.status_code == 200
    assert not Application.objects.exists()


# --- the overview ----------------------------------------------------------------------------


def test_the_overview_shows_status_version_history_and_actions(client, applicant, committee):
    application = application_in(S.INFO_REQUESTED, applicant=applicant, committee=committee)
    client.force_login(applicant)

    page = client.get(_url("application", application)).content.decode()

    assert "Integrazione richiesta" in page
    assert "Codice versione 2.0" in page
    assert "Storico della domanda" in page
    for label in ("Bozza", "Inviata", "In istruttoria"):
        assert label in page
    assert "Carla Rossi" in page  # the committee member who moved it
    assert _url("information_requests", application) in page
    assert _url("application_withdraw", application) in page
    assert _url("application_submit", application) not in page


def test_the_overview_shows_the_request_for_information(client, applicant, committee):
    application = application_in(S.UNDER_REVIEW, applicant=applicant, committee=committee)
    services.application_transition(
        application=application,
        to=S.INFO_REQUESTED,
        by=committee,
        note="Manca la visura aggiornata.",
    )
    client.force_login(applicant)

    page = client.get(_url("application", application)).content.decode()

    assert "OIC chiede un" in page
    assert "Manca la visura aggiornata." in page


def test_sending_the_integration_returns_the_application_to_review(client, applicant, committee):
    application = application_in(S.INFO_REQUESTED, applicant=applicant, committee=committee)
    client.force_login(applicant)

    response = client.post(
        _url("application_send_integration", application), {"note": "Visura caricata."}
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW
    event = ApplicationEvent.objects.filter(application=application).latest("id")
    assert (event.actor, event.from_status, event.note) == (
        applicant,
        S.INFO_REQUESTED,
        "Visura caricata.",
    )


def test_a_decided_application_offers_no_action(client, applicant, committee):
    application = application_in(S.APPROVED, applicant=applicant, committee=committee)
    client.force_login(applicant)

    page = client.get(_url("application", application)).content.decode()

    assert "Approvata" in page
    assert _url("application_withdraw", application) not in page
    assert _url("application_submit", application) not in page
    assert "non modificare" in page


# --- withdrawal ------------------------------------------------------------------------------


def test_withdrawal_asks_for_confirmation_first(client, applicant, draft):
    client.force_login(applicant)

    response = client.get(_url("application_withdraw", draft))

    assert response.status_code == 200
    page = response.content.decode()
    assert "non si può riaprire" in page
    assert 'name="note"' in page
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.IN_EVALUATION, S.EVALUATED])
def test_the_applicant_withdraws_with_a_note(client, applicant, committee, status):
    application = application_in(status, applicant=applicant, committee=committee)
    client.force_login(applicant)

    response = client.post(
        _url("application_withdraw", application), {"note": "Rinviamo."}, follow=True
    )

    assert "La domanda è stata ritirata." in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    event = ApplicationEvent.objects.filter(application=application).latest("id")
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        applicant,
        status,
        S.WITHDRAWN,
        "Rinviamo.",
    )


@pytest.mark.parametrize("status", [S.APPROVED, S.REJECTED, S.WITHDRAWN])
def test_a_decided_application_cannot_be_withdrawn(client, applicant, committee, status):
    application = application_in(status, applicant=applicant, committee=committee)
    client.force_login(applicant)
    events = ApplicationEvent.objects.count()

    response = client.post(_url("application_withdraw", application), {"note": "x"}, follow=True)

    assert "non si può ritirare" in response.content.decode()
    application.refresh_from_db()
    assert application.status == status
    assert ApplicationEvent.objects.count() == events


# --- documents -------------------------------------------------------------------------------


def test_a_document_is_uploaded_by_kind_and_listed(client, applicant, draft):
    client.force_login(applicant)

    response = client.post(
        _url("documents", draft),
        {"document_kind": "visura", "file": SimpleUploadedFile("visura 2025.pdf", PDF)},
    )

    assert response.status_code == 302
    document = EvidenceFile.objects.get()
    assert (document.document_kind, document.item, document.original_name) == (
        "visura",
        None,
        "visura 2025.pdf",
    )
    page = client.get(_url("documents", draft)).content.decode()
    assert "visura 2025.pdf" in page
    assert _url("evidence_download", draft, document.pk) in page
    assert _url("evidence_delete", draft, document.pk) in page
    assert "Documenti ancora da caricare" in page
    assert "Informativa privacy" in page


def test_a_document_that_is_not_an_accepted_type_is_refused(client, applicant, draft):
    client.force_login(applicant)

    response = client.post(
        _url("documents", draft),
        {"document_kind": "visura", "file": SimpleUploadedFile("visura.pdf", b"MZ" + b"\0" * 200)},
    )

    assert response.status_code == 200
    assert "Tipo di file non ammesso" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_a_document_without_kind_is_refused(client, applicant, draft):
    client.force_login(applicant)

    response = client.post(
        _url("documents", draft),
        {"document_kind": "bilancio", "file": SimpleUploadedFile("b.pdf", PDF)},
    )

    assert response.status_code == 200
    assert not EvidenceFile.objects.exists()


def test_documents_are_read_only_once_submitted(client, applicant, committee):
    application = application_in(S.SUBMITTED, applicant=applicant, committee=committee)
    client.force_login(applicant)
    before = EvidenceFile.objects.count()

    page = client.get(_url("documents", application)).content.decode()
    response = client.post(
        _url("documents", application),
        {"document_kind": "altro", "file": SimpleUploadedFile("x.pdf", PDF)},
    )

    assert 'type="file"' not in page
    assert "Elimina" not in page
    assert response.status_code == 302
    assert EvidenceFile.objects.count() == before


# --- calling numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("02 1234 5678", "+390212345678"),
        ("+39 02 12345678", "+390212345678"),
        ("0039 02 1234 5678", "+390212345678"),
        ("02-1234-5678", "+390212345678"),
        ("02.1234.5678", "+390212345678"),
        ("(02) 12345678", "+390212345678"),
        ("+39 (06) 4567-8901", "+390645678901"),
        ("347 123 4567", "+393471234567"),
    ],
)
def test_a_calling_number_is_stored_in_e164(client, applicant, draft, typed, stored):
    client.force_login(applicant)

    response = client.post(_url("calling_numbers", draft), {"number": typed})

    assert response.status_code == 302
    number = CallingNumber.objects.get()
    assert (number.number, number.organization, number.application, number.declared_by) == (
        stored,
        applicant.organization,
        draft,
        applicant,
    )


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "abc",
        "12",
        "02 12",
        "+33 1 23 45 67 89",  # French
        "+44 20 7946 0958",  # British
        "0039",
        "+39 999 999",
        "123456789012345678",
    ],
)
def test_an_invalid_calling_number_is_refused(client, applicant, draft, typed):
    client.force_login(applicant)

    response = client.post(_url("calling_numbers", draft), {"number": typed})

    assert response.status_code == 200
    page = response.content.decode()
    assert "non è un numero di telefono italiano valido" in page or "obbligatorio" in page
    assert not CallingNumber.objects.exists()


def test_a_number_declared_by_firm_b_is_refused_for_firm_a(client, applicant, applicant_b, draft):
    theirs = new_application(applicant_b)
    services.calling_number_declare(application=theirs, by=applicant_b, number="+390212345678")
    client.force_login(applicant)

    response = client.post(_url("calling_numbers", draft), {"number": "02 1234 5678"})

    assert response.status_code == 200
    assert "già dichiarato da un&#x27;altra organizzazione" in response.content.decode()
    assert list(CallingNumber.objects.values_list("organization", flat=True)) == [
        applicant_b.organization_id
    ]


def test_withdrawing_a_number_keeps_it_with_the_date(client, applicant, draft):
    number = services.calling_number_declare(
        application=draft, by=applicant, number="+390212345678"
    )
    client.force_login(applicant)

    response = client.post(_url("calling_number_withdraw", draft, number.pk), follow=True)

    assert "Numero +390212345678 ritirato." in response.content.decode()
    number.refresh_from_db()
    assert number.withdrawn_at is not None
    assert "Numeri ritirati" in response.content.decode()


def test_withdrawing_a_number_needs_a_post(client, applicant, draft):
    number = services.calling_number_declare(
        application=draft, by=applicant, number="+390212345678"
    )
    client.force_login(applicant)

    assert client.get(_url("calling_number_withdraw", draft, number.pk)).status_code == 405
    number.refresh_from_db()
    assert number.withdrawn_at is None


def test_numbers_are_read_only_once_submitted(client, applicant, committee):
    application = application_in(S.SUBMITTED, applicant=applicant, committee=committee)
    number = CallingNumber.objects.get()
    client.force_login(applicant)

    page = client.get(_url("calling_numbers", application)).content.decode()
    client.post(_url("calling_numbers", application), {"number": "06 4567 8901"})
    client.post(_url("calling_number_withdraw", application, number.pk))

    assert number.number in page
    assert 'name="number"' not in page
    assert CallingNumber.objects.count() == 1
    number.refresh_from_db()
    assert number.withdrawn_at is None


# --- declarations ----------------------------------------------------------------------------


def test_the_declarations_are_shown_in_full(client, applicant, draft):
    client.force_login(applicant)

    page = client.get(_url("declarations", draft)).content.decode()

    assert "DPR 445/2000" in page
    assert "sanzioni dell&#x27;art. 76" in page
    for kind in Declaration.Kind:
        assert f'name="{kind.value}"' in page


def test_declarations_are_recorded_with_who_and_when(client, applicant, draft):
    client.force_login(applicant)

    response = client.post(
        _url("declarations", draft), {"veridicita": "on", "privacy": "on"}, follow=True
    )

    rows = {d.kind: d for d in Declaration.objects.all()}
    assert set(rows) == {"veridicita", "privacy"}
    assert {d.accepted_by for d in rows.values()} == {applicant}
    page = response.content.decode()
    assert "Dichiarazioni registrate." in page
    assert "Resa da Anna Rossi il" in page
    assert 'name="veridicita"' not in page  # given once, not offered again
    assert 'name="no_sanzioni"' in page


def test_a_given_declaration_is_not_changed_by_posting_it_again(client, applicant, draft, firm_a):
    services.declarations_give(application=draft, by=applicant, kinds=["veridicita"])
    first = Declaration.objects.get()
    colleague = UserFactory(email="carlo@contactuno.example", organization=firm_a)
    client.force_login(colleague)

    client.post(_url("declarations", draft), {"veridicita": "on", "pubblicazione": "on"})

    kept = Declaration.objects.get(kind="veridicita")
    assert (kept.accepted_by, kept.accepted_at) == (applicant, first.accepted_at)
    assert Declaration.objects.get(kind="pubblicazione").accepted_by == colleague


def test_declaring_nothing_says_so(client, applicant, draft):
    client.force_login(applicant)

    response = client.post(_url("declarations", draft), {})

    assert response.status_code == 200
    assert "Seleziona almeno una dichiarazione" in response.content.decode()
    assert not Declaration.objects.exists()


# --- another firm sees nothing ---------------------------------------------------------------


def _snapshot(application):
    application.refresh_from_db()
    return {
        "status": application.status,
        "events": ApplicationEvent.objects.count(),
        "answers": list(SelfAssessmentAnswer.objects.values_list("id", "answer", "comment")),
        "files": list(EvidenceFile.objects.values_list("id", flat=True)),
        "declarations": Declaration.objects.count(),
        "numbers": list(CallingNumber.objects.values_list("id", "number", "withdrawn_at")),
    }


def test_an_applicant_of_another_firm_gets_404_on_every_page(client, applicant, applicant_b):
    application = complete(new_application(applicant), applicant)
    number = CallingNumber.objects.get()
    item = application.answers.first().item
    before = _snapshot(application)
    client.force_login(applicant_b)
    posts = {
        "application": {},
        "application_submit": {},
        "application_send_integration": {"note": "x"},
        "application_withdraw": {"note": "x"},
        "self_assessment": {f"answer_{item.pk}": "non_conforme", f"comment_{item.pk}": "x"},
        "documents": {"document_kind": "altro", "file": SimpleUploadedFile("a.pdf", PDF)},
        "calling_numbers": {"number": "06 4567 8901"},
        "declarations": {"veridicita": "on"},
    }

    for name, data in posts.items():
        url = _url(name, application)
        assert client.get(url).status_code == 404, url
        assert client.post(url, data).status_code == 404, url
    withdraw_number = _url("calling_number_withdraw", application, number.pk)
    assert client.get(withdraw_number).status_code == 404
    assert client.post(withdraw_number).status_code == 404

    assert _snapshot(application) == before
    assert not Application.objects.filter(organization=applicant_b.organization).exists()


def test_a_number_of_another_firm_cannot_be_withdrawn_through_ones_own_application(
    client, applicant, applicant_b, draft
):
    theirs = new_application(applicant_b)
    number = services.calling_number_declare(
        application=theirs, by=applicant_b, number="+390212345678"
    )
    client.force_login(applicant)

    response = client.post(_url("calling_number_withdraw", draft, number.pk))

    assert response.status_code == 404
    number.refresh_from_db()
    assert number.withdrawn_at is None


def test_a_nonexistent_application_is_404(client, applicant):
    client.force_login(applicant)

    assert client.get(reverse("certification:application", args=[999999])).status_code == 404


# --- committee -------------------------------------------------------------------------------


def _make_applications(count):
    for _ in range(count):
        application = ApplicationFactory()
        OperationalSiteFactory(organization=application.organization)


def test_the_committee_lists_all_applications(client, committee, applicant, applicant_b):
    mine = new_application(applicant)
    theirs = application_in(S.SUBMITTED, applicant=applicant_b, committee=committee)
    client.force_login(committee)

    response = client.get(_url("manage_applications"))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{_url("manage_application", mine)}"' in page
    assert f'href="{_url("manage_application", theirs)}"' in page
    assert "Contact Uno S.r.l." in page and "Chiamate Due S.p.A." in page


def test_the_committee_filters_by_status(client, committee, applicant, applicant_b):
    mine = new_application(applicant)
    theirs = application_in(S.SUBMITTED, applicant=applicant_b, committee=committee)
    client.force_login(committee)

    page = client.get(_url("manage_applications"), {"stato": "inviata"}).content.decode()

    assert f'href="{_url("manage_application", theirs)}"' in page
    assert f'href="{_url("manage_application", mine)}"' not in page
    assert '<option value="inviata" selected>' in page


def test_an_unknown_status_filter_shows_everything_with_a_note(client, committee, applicant):
    mine = new_application(applicant)
    client.force_login(committee)

    response = client.get(_url("manage_applications"), {"stato": "boh"})

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{_url("manage_application", mine)}"' in page
    assert "Lo stato indicato non esiste" in page


def test_the_committee_list_shows_kind_status_and_local_dates(client, committee, applicant):
    mine = new_application(applicant)
    Application.objects.filter(pk=mine.pk).update(
        created_at=datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
    )
    client.force_login(committee)

    page = client.get(_url("manage_applications")).content.decode()

    row = page[page.index(f'href="{_url("manage_application", mine)}"') :]
    row = row[: row.index("</tr>")]
    assert f">Domanda n. {mine.pk}</a>" in row
    assert "<td>Prima certificazione</td>" in row
    assert '<span class="badge bg-light text-dark border">Bozza</span>' in row
    assert "<td>01/01/2026</td>" in row  # 00:30 in Rome
    assert "<td>—</td>" in row  # not submitted yet


def test_the_committee_list_shows_a_firms_name_as_text(client, committee, applicant):
    mine = new_application(applicant)
    Organization.objects.filter(pk=mine.organization_id).update(
        legal_name='<b>Chiama & "Vinci"</b> S.r.l.'
    )
    client.force_login(committee)

    page = client.get(_url("manage_applications")).content.decode()

    assert "<td>&lt;b&gt;Chiama &amp; &quot;Vinci&quot;&lt;/b&gt; S.r.l.</td>" in page
    assert "<b>Chiama" not in page


def test_the_committee_list_needs_a_constant_number_of_queries(
    client, committee, django_assert_num_queries
):
    _make_applications(2)
    client.force_login(committee)
    with CaptureQueriesContext(connection) as few:
        client.get(_url("manage_applications"))
    _make_applications(8)

    with django_assert_num_queries(len(few)):
        response = client.get(_url("manage_applications"), {"stato": ""})

    assert response.content.decode().count("Domanda n. ") == 10


def test_the_committee_list_pages_by_25_and_keeps_the_status_filter(client, committee):
    _make_applications(30)  # drafts
    client.force_login(committee)
    first = client.get(_url("manage_applications"), {"stato": "bozza"}).content.decode()
    assert first.count("Domanda n. ") == 25
    assert "?stato=bozza&amp;pagina=2" in first
    second = client.get(_url("manage_applications"), {"stato": "bozza", "pagina": 2})
    assert second.content.decode().count("Domanda n. ") == 5
    assert "?stato=bozza&amp;pagina=1" in second.content.decode()


@pytest.mark.parametrize("who", ["applicant", "auditor", "association_member", "admin_user"])
def test_only_the_committee_manages_applications(client, request, who, draft):
    client.force_login(request.getfixturevalue(who))

    assert client.get(_url("manage_applications")).status_code == 403
    assert client.get(_url("manage_application", draft)).status_code == 403
    response = client.post(_url("manage_transition", draft), {"to": "in_istruttoria"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_the_committee_sees_the_whole_application(client, committee, applicant):
    application = application_in(S.SUBMITTED, applicant=applicant, committee=committee)
    answer = application.answers.select_related("item").get(item__code="A.1")
    answer.__class__.objects.filter(pk=answer.pk).update(comment="Log allegati.")
    evidence = EvidenceFile.objects.get(item=answer.item)
    visura = EvidenceFile.objects.get(document_kind="visura")
    client.force_login(committee)

    page = client.get(_url("manage_application", application)).content.decode()

    organization = application.organization
    for text in (
        organization.legal_name,
        organization.partita_iva,
        organization.pec,
        "Lombardia",
        "Sede principale",
        "A.1 — La voce A.1 è rispettata?",
        "Log allegati.",
        "Visura camerale",
        CallingNumber.objects.get().number,
        "DPR 445/2000",
        "Storico della domanda",
        "Prendi in istruttoria",
    ):
        assert text in page, text
    assert _url("evidence_download", application, evidence.pk) in page
    assert _url("evidence_download", application, visura.pk) in page
    assert "Richiedi integrazioni" not in page  # not from «inviata»


def test_the_committee_moves_an_application_on(client, committee, applicant):
    application = application_in(S.SUBMITTED, applicant=applicant, committee=committee)
    client.force_login(committee)

    response = client.post(
        _url("manage_transition", application), {"to": "in_istruttoria", "note": "Avvio."}
    )

    assert response.status_code == 302
    assert response["Location"] == _url("manage_application", application)
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW
    event = ApplicationEvent.objects.filter(application=application).latest("id")
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        committee,
        S.SUBMITTED,
        S.UNDER_REVIEW,
        "Avvio.",
    )


def test_asking_for_information_needs_a_note(client, committee, applicant):
    application = application_in(S.UNDER_REVIEW, applicant=applicant, committee=committee)
    client.force_login(committee)

    response = client.post(
        _url("manage_transition", application), {"to": "integrazione_richiesta", "note": " "}
    )

    assert response.status_code == 200
    assert "Scrivi una nota per il richiedente" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW


def test_approval_is_only_on_the_decision_page(client, committee, applicant):
    application = application_in(S.EVALUATED, applicant=applicant, committee=committee)
    client.force_login(committee)

    response = client.post(
        _url("manage_transition", application), {"to": "approvata", "note": "Ok"}
    )

    assert response.status_code == 200
    assert "pagina della decisione" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.EVALUATED


def test_a_transition_from_the_wrong_state_is_refused_in_the_page(client, committee, applicant):
    application = application_in(S.SUBMITTED, applicant=applicant, committee=committee)
    client.force_login(committee)
    events = ApplicationEvent.objects.count()

    response = client.post(_url("manage_transition", application), {"to": "in_valutazione"})

    assert response.status_code == 200
    assert "non può passare" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert ApplicationEvent.objects.count() == events


def test_an_unknown_target_state_is_refused_in_the_page(client, committee, applicant):
    application = application_in(S.SUBMITTED, applicant=applicant, committee=committee)
    client.force_login(committee)

    response = client.post(_url("manage_transition", application), {"to": "sospesa"})

    assert response.status_code == 200
    assert "Passaggio di stato non valido." in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_the_committee_cannot_make_the_applicants_transitions(client, committee, applicant):
    application = application_in(S.UNDER_REVIEW, applicant=applicant, committee=committee)
    client.force_login(committee)

    response = client.post(_url("manage_transition", application), {"to": "ritirata"})

    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW


def test_the_transition_page_needs_a_post(client, committee, applicant):
    application = application_in(S.SUBMITTED, applicant=applicant, committee=committee)
    client.force_login(committee)

    assert client.get(_url("manage_transition", application)).status_code == 405


def test_the_committee_gets_404_for_a_missing_application(client, committee):
    client.force_login(committee)

    assert client.get(reverse("certification:manage_application", args=[999999])).status_code == 404


# --- admin ----------------------------------------------------------------------------------


def test_the_admin_shows_applications_and_numbers_read_only(
    client, admin_user, applicant, committee
):
    application = application_in(S.SUBMITTED, applicant=applicant, committee=committee)
    number = CallingNumber.objects.get()
    client.force_login(admin_user)

    changelist = client.get(reverse("admin:certification_application_changelist"))
    change = client.get(reverse("admin:certification_application_change", args=[application.pk]))
    numbers = client.get(reverse("admin:certification_callingnumber_changelist"))
    number_page = client.get(reverse("admin:certification_callingnumber_change", args=[number.pk]))
    add = client.get(reverse("admin:certification_application_add"))

    assert changelist.status_code == 200
    assert change.status_code == 200
    assert "Storico" in change.content.decode() or "storico" in change.content.decode()
    assert 'name="status"' not in change.content.decode()
    assert numbers.status_code == 200 and number.number in numbers.content.decode()
    assert number_page.status_code == 200
    assert add.status_code == 403


# --- in a real browser, with axe -------------------------------------------------------------


def _h1(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_application_from_start_to_review_in_a_browser(
    reference_data,  # noqa: F811
    page,
    live_server,
    axe,
    login_as,
    applicant,
    committee,
    tmp_path,
):
    pdf = tmp_path / "verbale.pdf"
    pdf.write_bytes(PDF)
    login_as(applicant)
    page.wait_for_url("**/area-riservata/")

    page.goto(f"{live_server.url}{_url('applications')}")
    assert _h1(page) == "Domande di certificazione"
    axe(page)
    page.get_by_label("Prima certificazione").check()
    page.get_by_role("button", name="Inizia una nuova domanda").click()
    page.wait_for_url("**/domande/*/")
    application = Application.objects.get()
    expect(page.get_by_text("Cosa manca per inviare la domanda")).to_be_visible()
    axe(page)

    # The self-assessment: a comment without an answer is refused, then everything is saved.
    page.get_by_role("link", name="Autovalutazione", exact=True).click()
    assert _h1(page) == "Autovalutazione"
    axe(page)
    page.get_by_label("Commento alla voce A.1").fill("Orari rispettati.")
    page.get_by_role("button", name="Salva l'autovalutazione").first.click()
    expect(page.get_by_text("Scegli una risposta per salvare il commento.").first).to_be_visible()
    axe(page)
    for fieldset in page.get_by_role("group").all():
        # Bootstrap Italia draws the radio button in its label: people click the label.
        fieldset.get_by_text("Conforme", exact=True).click()
        assert fieldset.get_by_label("Conforme", exact=True).is_checked()
    page.get_by_label("Commento alla voce A.1").fill("Orari rispettati.")
    page.get_by_label("Aggiungi un file di evidenza per la voce A.1").set_input_files(str(pdf))
    page.get_by_label("Aggiungi un file di evidenza per la voce B.1").set_input_files(str(pdf))
    page.get_by_role("button", name="Salva l'autovalutazione").first.click()
    expect(page.get_by_text("Autovalutazione salvata.")).to_be_visible()
    assert SelfAssessmentAnswer.objects.filter(application=application).count() == 3
    assert EvidenceFile.objects.filter(application=application).count() == 2
    axe(page)

    # Documents, numbers, declarations.
    page.goto(f"{live_server.url}{_url('documents', application)}")
    axe(page)
    for kind in ("Visura camerale", "Informativa privacy", "Script delle chiamate"):
        page.get_by_label("Tipo di documento").select_option(label=kind)
        page.get_by_label("File").set_input_files(str(pdf))
        page.get_by_role("button", name="Carica il documento").click()
    axe(page)
    page.goto(f"{live_server.url}{_url('calling_numbers', application)}")
    page.get_by_label("Numero chiamante").fill("12")
    page.get_by_role("button", name="Dichiara il numero").click()
    expect(page.get_by_text("non è un numero di telefono italiano valido")).to_be_visible()
    axe(page)
    page.get_by_label("Numero chiamante").fill("+39 02 1234 5678")
    page.get_by_role("button", name="Dichiara il numero").click()
    expect(page.get_by_role("rowheader", name="+390212345678")).to_be_visible()
    axe(page)
    page.goto(f"{live_server.url}{_url('declarations', application)}")
    for checkbox in page.get_by_role("checkbox").all():
        page.locator(f'label[for="{checkbox.get_attribute("id")}"]').click()
        assert checkbox.is_checked()
    page.get_by_role("button", name="Rendi le dichiarazioni selezionate").click()
    expect(page.get_by_text("Dichiarazioni registrate.")).to_be_visible()
    axe(page)

    # Submitting says exactly what is still missing.
    page.goto(f"{live_server.url}{_url('application', application)}")
    page.get_by_role("button", name="Invia la domanda").click()
    expect(page.get_by_text("Documenti: manca «Registro della formazione».").first).to_be_visible()
    axe(page)
    page.goto(f"{live_server.url}{_url('documents', application)}")
    page.get_by_label("Tipo di documento").select_option(label="Registro della formazione")
    page.get_by_label("File").set_input_files(str(pdf))
    page.get_by_role("button", name="Carica il documento").click()
    page.goto(f"{live_server.url}{_url('application', application)}")
    page.get_by_role("button", name="Invia la domanda").click()
    expect(page.get_by_text("Domanda inviata.")).to_be_visible()
    axe(page)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED

    # The committee takes it up; asking for information needs a note.
    page.context.clear_cookies()
    login_as(committee)
    page.wait_for_url("**/area-riservata/")
    page.goto(f"{live_server.url}{_url('manage_applications')}")
    assert _h1(page) == "Gestione delle domande"
    axe(page)
    page.get_by_role("link", name=f"Domanda n. {application.pk}").click()
    axe(page)
    page.get_by_role("button", name="Prendi in istruttoria").click()
    expect(page.get_by_text("La domanda è ora «In istruttoria».")).to_be_visible()
    page.get_by_role("button", name="Richiedi integrazioni").click()
    expect(page.get_by_text("Scrivi una nota per il richiedente")).to_be_visible()
    axe(page)
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW
