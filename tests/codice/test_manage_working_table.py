"""Committee pages for the working table: meetings and amendment proposals."""

import datetime

import pytest
from django.urls import reverse

from codice.models import Amendment, CodeEvent, Meeting
from codice.services import (
    amendment_decide,
    amendment_propose,
    codeversion_create_draft,
)
from tests.factories import AmendmentFactory, MeetingFactory, make_version

ORARI = "Le chiamate si fanno dalle 9 alle 20 nei giorni feriali."
PROPOSED = "Le chiamate si fanno dalle 9 alle 19 nei giorni feriali."
ARTICLES = [
    ("orari", "Orari delle chiamate", ORARI),
    ("identificativo", "Numero visibile", "Il numero chiamante è sempre visibile."),
]


@pytest.fixture
def current(db):
    return make_version("1.0", articles=ARTICLES)


@pytest.fixture
def draft(committee, current):
    return codeversion_create_draft(by=committee, number="2.0", title="Codice 2026")


@pytest.fixture
def meeting(db):
    return MeetingFactory(date=datetime.date(2026, 10, 6))


@pytest.fixture
def amendment(committee, draft):
    return amendment_propose(
        version=draft,
        by=committee,
        article_key="orari",
        proposed_text=PROPOSED,
        rationale="Allineamento al codice del Garante.",
        proposer="Luca Marini (Assocontact)",
    )


@pytest.fixture
def logged_in(client, committee):
    client.force_login(committee)
    return client


def page_urls(draft, meeting, amendment):
    return [
        reverse("codice_manage:meetings"),
        reverse("codice_manage:meeting_create"),
        reverse("codice_manage:meeting", args=[meeting.pk]),
        reverse("codice_manage:meeting_edit", args=[meeting.pk]),
        reverse("codice_manage:amendments", args=[draft.pk]),
        reverse("codice_manage:amendment_create", args=[draft.pk]),
        reverse("codice_manage:amendment", args=[draft.pk, amendment.pk]),
    ]


def test_every_page_sends_a_visitor_to_the_login_page(client, draft, meeting, amendment):
    for url in page_urls(draft, meeting, amendment):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accesso/?next={url}"


@pytest.mark.parametrize("role", ["applicant", "auditor", "association_member"])
def test_every_page_is_forbidden_outside_the_committee(
    client, draft, meeting, amendment, request, role
):
    client.force_login(request.getfixturevalue(role))
    for url in page_urls(draft, meeting, amendment):
        assert client.get(url).status_code == 403, url
        data = {"decision": "accolta", "meeting": meeting.pk, "date": "2026-10-13"}
        assert client.post(url, data).status_code == 403, url
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.OPEN
    assert Meeting.objects.count() == 1


def test_every_page_opens_for_the_committee(logged_in, draft, meeting, amendment):
    for url in page_urls(draft, meeting, amendment):
        assert logged_in.get(url).status_code == 200, url


# --- meetings ------------------------------------------------------------------------------


MEETING_DATA = {
    "date": "2026-10-13",
    "place": "Milano, sede Assocontact",
    "participants_oic": (
        "Giulia Ferri (OIC)\nPaolo Conti (Adiconsum)\n\nSara Neri (Federconsumatori)"
    ),
    "participants_assocontact": "Luca Marini (Assocontact)",
    "agenda": "1. Orari delle chiamate",
    "minutes": "Il tavolo approva **all'unanimità** la riduzione degli orari.",
}


def test_the_committee_records_a_meeting(logged_in, committee):
    response = logged_in.post(reverse("codice_manage:meeting_create"), MEETING_DATA)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("codice_manage:meeting", args=[meeting.pk])
    assert meeting.date == datetime.date(2026, 10, 13)
    assert meeting.created_by == committee
    assert meeting.participants_oic_list() == [
        "Giulia Ferri (OIC)",
        "Paolo Conti (Adiconsum)",
        "Sara Neri (Federconsumatori)",
    ]


def test_the_meeting_form_uses_a_date_input(logged_in):
    page = logged_in.get(reverse("codice_manage:meeting_create")).content.decode()
    assert 'type="date"' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date": ""}, "Questo campo è obbligatorio."),
        ({"date": "2026-13-01"}, "Inserisci una data valida."),
        ({"date": "ieri"}, "Inserisci una data valida."),
        ({"participants_oic": "", "agenda": ""}, "Questo campo è obbligatorio."),
    ],
)
def test_a_meeting_with_bad_input_is_refused(logged_in, overrides, message):
    response = logged_in.post(
        reverse("codice_manage:meeting_create"), {**MEETING_DATA, **overrides}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Meeting.objects.count() == 0


def test_the_committee_edits_a_meeting(logged_in, meeting):
    response = logged_in.post(
        reverse("codice_manage:meeting_edit", args=[meeting.pk]),
        {**MEETING_DATA, "minutes": "Verbale approvato."},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Verbale approvato."
    assert meeting.date == datetime.date(2026, 10, 13)


def test_a_meeting_edit_with_a_bad_date_changes_nothing(logged_in, meeting):
    response = logged_in.post(
        reverse("codice_manage:meeting_edit", args=[meeting.pk]), {**MEETING_DATA, "date": "x"}
    )
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2026, 10, 6)


def test_the_meetings_list_shows_counts(
    logged_in, committee, amendment, meeting, django_assert_num_queries
):
    amendment_decide(amendment=amendment, by=committee, accept=False, meeting=meeting)
    MeetingFactory(date=datetime.date(2026, 9, 29), place="Videoconferenza")
    # session, user, permissions (2), meetings with their count of decided amendments
    with django_assert_num_queries(5):
        response = logged_in.get(reverse("codice_manage:meetings"))
    page = response.content.decode()
    assert "Riunione del 06/10/2026" in page
    assert "Videoconferenza" in page
    # 2 OIC participants, 1 Assocontact, 1 decided amendment for the first meeting
    assert '<td class="text-end">2</td>' in page
    assert '<td class="text-end">1</td>' in page
    assert '<td class="text-end">0</td>' in page


def test_the_meeting_page_shows_minutes_and_decided_amendments(
    logged_in, committee, amendment, meeting
):
    meeting.minutes = "Il tavolo approva **all'unanimità**."
    meeting.save()
    amendment_decide(amendment=amendment, by=committee, accept=True, meeting=meeting)
    page = logged_in.get(reverse("codice_manage:meeting", args=[meeting.pk])).content.decode()
    assert "<strong>all'unanimità</strong>" in page
    assert "Giulia Ferri (OIC)" in page
    assert f"Proposta n. {amendment.pk}" in page
    assert "Art. 1 — Orari delle chiamate" in page
    assert "Accolta" in page


def test_an_unknown_meeting_is_a_404(logged_in, db):
    assert logged_in.get(reverse("codice_manage:meeting", args=[999999])).status_code == 404


# --- amendments: list and proposal ---------------------------------------------------------


def test_the_amendments_list_shows_each_status(
    logged_in, committee, draft, amendment, meeting, django_assert_num_queries
):
    other = amendment_propose(
        version=draft,
        by=committee,
        article_key="identificativo",
        proposed_text="Il numero è visibile e richiamabile.",
        rationale="Richiamabilità.",
        proposer="Paolo Conti (Adiconsum)",
    )
    amendment_decide(amendment=other, by=committee, accept=False, meeting=meeting)
    # session, user, permissions (2), version, articles, amendments with meetings
    with django_assert_num_queries(7):
        response = logged_in.get(reverse("codice_manage:amendments", args=[draft.pk]))
    page = response.content.decode()
    assert "Art. 1 — Orari delle chiamate" in page
    assert "Art. 2 — Numero visibile" in page
    assert "Aperta" in page
    assert "Respinta" in page
    assert "Nuova proposta di modifica" in page


def test_proposing_starts_from_a_choice_of_article(logged_in, draft):
    url = reverse("codice_manage:amendment_create", args=[draft.pk])
    page = logged_in.get(url).content.decode()
    assert "Articolo da modificare" in page
    assert "Art. 2 — Numero visibile" in page
    page = logged_in.get(url, {"articolo": "orari"}).content.decode()
    assert f"{ORARI}</textarea>" in page
    assert '<option value="orari" selected>Art. 1 — Orari delle chiamate</option>' in page
    assert 'value="Carla Rossi"' in page


def test_an_unknown_article_in_the_choice_is_refused(logged_in, draft):
    url = reverse("codice_manage:amendment_create", args=[draft.pk])
    response = logged_in.get(url, {"articolo": "non-esiste"})
    assert response.status_code == 200
    assert "Scegli un&#x27;opzione valida" in response.content.decode()


def test_the_committee_proposes_an_amendment(logged_in, committee, draft):
    response = logged_in.post(
        reverse("codice_manage:amendment_create", args=[draft.pk]),
        {
            "article_key": "orari",
            "proposed_text": PROPOSED,
            "rationale": "Codice del Garante.",
            "proposer": "Luca Marini (Assocontact)",
        },
    )
    amendment = Amendment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("codice_manage:amendment", args=[draft.pk, amendment.pk])
    assert amendment.status == Amendment.Status.OPEN
    assert amendment.created_by == committee
    assert draft.events.filter(action=CodeEvent.Action.AMENDMENT_PROPOSED).count() == 1
    assert draft.articles.get(key="orari").body == ORARI


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"proposed_text": "", "rationale": ""}, "Questo campo è obbligatorio."),
        ({"proposer": ""}, "Questo campo è obbligatorio."),
        ({"article_key": "non-esiste"}, "Scegli un&#x27;opzione valida"),
        ({"article_key": ""}, "Questo campo è obbligatorio."),
    ],
)
def test_a_proposal_with_bad_input_is_refused(logged_in, draft, overrides, message):
    data = {
        "article_key": "orari",
        "proposed_text": PROPOSED,
        "rationale": "Codice del Garante.",
        "proposer": "Luca Marini",
        **overrides,
    }
    response = logged_in.post(reverse("codice_manage:amendment_create", args=[draft.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Amendment.objects.count() == 0
    assert not draft.events.filter(action=CodeEvent.Action.AMENDMENT_PROPOSED).exists()


def test_no_proposal_on_a_published_version(logged_in, current):
    url = reverse("codice_manage:amendment_create", args=[current.pk])
    response = logged_in.post(
        url,
        {"article_key": "orari", "proposed_text": "X", "rationale": "Y", "proposer": "Z"},
        follow=True,
    )
    assert "è pubblicata e non può essere modificata" in response.content.decode()
    assert Amendment.objects.count() == 0


# --- amendments: decision ------------------------------------------------------------------


def test_the_amendment_page_shows_both_texts_and_the_word_changes(logged_in, draft, amendment):
    page = logged_in.get(
        reverse("codice_manage:amendment", args=[draft.pk, amendment.pk])
    ).content.decode()
    assert "Testo attuale" in page
    assert ORARI in page
    assert PROPOSED in page
    assert "<del>20</del>" in page
    assert "<ins>19</ins>" in page
    assert "Registra la decisione" in page


def test_accepting_an_amendment_applies_it_to_the_draft(
    logged_in, committee, draft, amendment, meeting
):
    url = reverse("codice_manage:amendment", args=[draft.pk, amendment.pk])
    response = logged_in.post(
        url, {"decision": "accolta", "meeting": meeting.pk, "note": "All'unanimità."}
    )
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.ACCEPTED
    assert amendment.decided_by == committee
    assert amendment.decided_at is not None
    assert amendment.meeting == meeting
    assert amendment.previous_text == ORARI
    assert draft.articles.get(key="orari").body == PROPOSED
    assert CodeEvent.objects.filter(
        version=draft, action=CodeEvent.Action.AMENDMENT_ACCEPTED, amendment=amendment
    ).exists()
    page = logged_in.get(url).content.decode()
    assert "Proposta accolta" in page
    assert "Carla Rossi" in page
    assert f"il {amendment.decided_at.astimezone():%d/%m/%Y}" in page
    assert "Riunione del 06/10/2026" in page
    assert "Testo precedente" in page
    assert "Registra la decisione" not in page


def test_rejecting_an_amendment_leaves_the_draft_unchanged(
    logged_in, committee, draft, amendment, meeting
):
    response = logged_in.post(
        reverse("codice_manage:amendment", args=[draft.pk, amendment.pk]),
        {"decision": "respinta", "meeting": meeting.pk},
    )
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.REJECTED
    assert amendment.decided_by == committee
    assert draft.articles.get(key="orari").body == ORARI
    assert CodeEvent.objects.filter(action=CodeEvent.Action.AMENDMENT_REJECTED).count() == 1


def test_an_amendment_cannot_be_decided_twice(logged_in, committee, draft, amendment, meeting):
    url = reverse("codice_manage:amendment", args=[draft.pk, amendment.pk])
    logged_in.post(url, {"decision": "respinta", "meeting": meeting.pk})
    other_meeting = MeetingFactory(date=datetime.date(2026, 10, 20))
    response = logged_in.post(
        url, {"decision": "accolta", "meeting": other_meeting.pk}, follow=True
    )
    assert "Questa proposta è già stata decisa." in response.content.decode()
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.REJECTED
    assert amendment.meeting == meeting
    assert draft.articles.get(key="orari").body == ORARI
    assert CodeEvent.objects.filter(amendment=amendment).count() == 2  # proposed, rejected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "accolta"}, "Indica la riunione del tavolo di lavoro che ha deciso."),
        ({"decision": "accolta", "meeting": "999999"}, "La riunione indicata non esiste."),
        ({"meeting": "MEETING"}, "Scegli se accogliere o respingere la proposta."),
        ({"decision": "forse", "meeting": "MEETING"}, "Scegli un&#x27;opzione valida"),
    ],
)
def test_a_decision_with_bad_input_is_refused(logged_in, draft, amendment, meeting, data, message):
    data = {k: (meeting.pk if v == "MEETING" else v) for k, v in data.items()}
    response = logged_in.post(
        reverse("codice_manage:amendment", args=[draft.pk, amendment.pk]), data
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.OPEN
    assert amendment.decided_at is None
    assert draft.articles.get(key="orari").body == ORARI


def test_the_decision_form_asks_for_a_meeting_when_there_is_none(logged_in, draft, amendment):
    page = logged_in.get(
        reverse("codice_manage:amendment", args=[draft.pk, amendment.pk])
    ).content.decode()
    assert "Registra prima la riunione" in page


def test_an_amendment_of_a_published_version_cannot_be_decided(logged_in, current, meeting):
    # Publishing refuses open proposals; this one slipped in on a frozen version anyway.
    amendment = AmendmentFactory(version=current, article_key="orari")
    url = reverse("codice_manage:amendment", args=[current.pk, amendment.pk])
    assert "Registra la decisione" not in logged_in.get(url).content.decode()
    response = logged_in.post(url, {"decision": "accolta", "meeting": meeting.pk})
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.OPEN
    assert current.articles.get(key="orari").body == ORARI


def test_an_amendment_of_another_version_is_a_404(logged_in, current, amendment):
    url = reverse("codice_manage:amendment", args=[current.pk, amendment.pk])
    assert logged_in.get(url).status_code == 404
