"""Committee pages for code versions: list, new draft, version page, metadata, publish."""

import datetime

import pytest
from django.urls import reverse

from codice.models import Article, CodeEvent, CodeVersion
from codice.services import amendment_propose, codeversion_create_draft
from tests.factories import make_version

ARTICLES = [
    ("orari", "Orari delle chiamate", "Le chiamate si fanno dalle 9 alle 20 nei giorni feriali."),
    ("identificativo", "Numero visibile", "Il numero chiamante è sempre visibile."),
    ("rpo", "Registro delle opposizioni", "Prima di ogni campagna si consulta il Registro."),
]
DECALOGO = [("consumatori", "Diritto di opposizione", "Puoi chiedere di non essere richiamato.")]


@pytest.fixture
def current(db):
    return make_version(
        "1.0", articles=ARTICLES, decalogo=DECALOGO, effective_date=datetime.date(2025, 3, 1)
    )


@pytest.fixture
def draft(committee, current):
    return codeversion_create_draft(by=committee, number="2.0", title="Codice 2026")


def page_urls(version):
    return [
        reverse("codice_manage:versions"),
        reverse("codice_manage:draft_create"),
        reverse("codice_manage:version", args=[version.pk]),
        reverse("codice_manage:version_edit", args=[version.pk]),
        reverse("codice_manage:version_publish", args=[version.pk]),
    ]


def test_every_page_sends_a_visitor_to_the_login_page(client, draft):
    for url in page_urls(draft):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accesso/?next={url}"


@pytest.mark.parametrize("role", ["applicant", "auditor", "association_member"])
def test_every_page_is_forbidden_to_people_outside_the_committee(client, draft, request, role):
    client.force_login(request.getfixturevalue(role))
    for url in page_urls(draft):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"number": "9.0", "title": "x"}).status_code == 403, url
    assert CodeVersion.objects.count() == 2


def test_every_page_opens_for_the_committee(client, committee, draft):
    client.force_login(committee)
    for url in page_urls(draft):
        assert client.get(url).status_code == 200, url


def test_the_pages_refuse_other_http_methods(client, committee, draft):
    client.force_login(committee)
    assert client.delete(reverse("codice_manage:version", args=[draft.pk])).status_code == 405


def test_an_unknown_version_is_a_404(client, committee, db):
    client.force_login(committee)
    assert client.get(reverse("codice_manage:version", args=[999999])).status_code == 404


# --- list ----------------------------------------------------------------------------------


def test_the_list_shows_every_version_with_status_and_date(
    client, committee, current, draft, django_assert_num_queries
):
    client.force_login(committee)
    # session, user, permissions (2), versions with their publisher
    with django_assert_num_queries(5):
        response = client.get(reverse("codice_manage:versions"))
    page = response.content.decode()
    assert "Versione 1.0" in page
    assert "Versione 2.0" in page
    assert "Pubblicata" in page
    assert "Bozza" in page
    assert "01/03/2025" in page
    assert "Vai alla bozza 2.0" in page
    assert "Nuova bozza dalla versione corrente" not in page


def test_the_list_costs_the_same_queries_with_more_versions(
    client, committee, db, django_assert_num_queries
):
    make_version("1.0", status=CodeVersion.Status.SUPERSEDED, articles=ARTICLES[:1])
    make_version("1.1", articles=ARTICLES[:1], effective_date=datetime.date(2025, 6, 1))
    client.force_login(committee)
    with django_assert_num_queries(5):
        response = client.get(reverse("codice_manage:versions"))
    assert "Superata" in response.content.decode()
    assert "Nuova bozza dalla versione corrente" in response.content.decode()


# --- new draft -----------------------------------------------------------------------------


def test_a_new_draft_is_a_full_copy_of_the_current_version(client, committee, current):
    client.force_login(committee)
    response = client.post(
        reverse("codice_manage:draft_create"),
        {"number": "2.0", "title": "Codice 2026", "change_summary": "Nuovi orari."},
    )
    draft = CodeVersion.objects.get(number="2.0")
    assert response.status_code == 302
    assert response["Location"] == reverse("codice_manage:version", args=[draft.pk])
    assert draft.status == CodeVersion.Status.DRAFT
    assert draft.based_on == current
    assert draft.created_by == committee
    assert draft.articles.count() == current.articles.count() == 3
    assert draft.decalogo.count() == current.decalogo.count() == 1
    assert set(draft.articles.values_list("key", "body")) == set(
        current.articles.values_list("key", "body")
    )
    event = draft.events.get()
    assert event.action == CodeEvent.Action.DRAFT_CREATED
    assert event.actor == committee


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"number": "", "title": ""}, "Questo campo è obbligatorio."),
        ({"number": "1.0", "title": "Doppione"}, "Esiste già una versione con questo numero."),
        ({"number": "2", "title": "Senza punto"}, "Il numero di versione ha la forma 2.0 o 2.1."),
        ({"number": "v2.0", "title": "Lettera"}, "Il numero di versione ha la forma 2.0 o 2.1."),
    ],
)
def test_a_new_draft_with_bad_input_is_refused_with_a_message(
    client, committee, current, data, message
):
    client.force_login(committee)
    response = client.post(reverse("codice_manage:draft_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CodeVersion.objects.count() == 1
    assert Article.objects.count() == 3
    assert CodeEvent.objects.count() == 0


def test_a_second_draft_is_refused_while_one_exists(client, committee, draft):
    client.force_login(committee)
    articles_before = Article.objects.count()
    response = client.post(
        reverse("codice_manage:draft_create"), {"number": "3.0", "title": "Un'altra bozza"}
    )
    assert response.status_code == 200
    assert "Esiste già una bozza in lavorazione" in response.content.decode()
    assert not CodeVersion.objects.filter(number="3.0").exists()
    assert Article.objects.count() == articles_before


def test_a_draft_without_a_published_version_starts_empty(client, committee):
    client.force_login(committee)
    page = client.get(reverse("codice_manage:draft_create")).content.decode()
    assert "la bozza parte vuota" in page
    client.post(reverse("codice_manage:draft_create"), {"number": "1.0", "title": "Prima"})
    draft = CodeVersion.objects.get()
    assert draft.is_draft
    assert draft.articles.count() == 0


# --- version page --------------------------------------------------------------------------


def test_the_version_page_shows_content_and_history(client, committee, draft):
    client.force_login(committee)
    page = client.get(reverse("codice_manage:version", args=[draft.pk])).content.decode()
    assert "Versione 2.0 — Codice 2026" in page
    assert "Art. 1 — Orari delle chiamate" in page
    assert "Diritto di opposizione" in page
    assert "Bozza creata" in page
    assert "Copia della versione 1.0" in page
    assert "Carla Rossi" in page
    assert "Modifica l'articolo 1" in page
    assert "Pubblica questa bozza" in page


def test_the_page_of_a_published_version_offers_no_edit(client, committee, current):
    client.force_login(committee)
    page = client.get(reverse("codice_manage:version", args=[current.pk])).content.decode()
    assert "Art. 1 — Orari delle chiamate" in page
    assert "non si modifica più" in page
    assert reverse("codice_manage:version_edit", args=[current.pk]) not in page
    assert "Modifica l'articolo" not in page


# --- metadata ------------------------------------------------------------------------------


def test_the_committee_edits_the_metadata_of_a_draft(client, committee, draft):
    client.force_login(committee)
    response = client.post(
        reverse("codice_manage:version_edit", args=[draft.pk]),
        {"number": "2.1", "title": "Codice 2026 rivisto", "change_summary": "Orari."},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.number, draft.title, draft.change_summary) == (
        "2.1",
        "Codice 2026 rivisto",
        "Orari.",
    )
    event = draft.events.filter(action=CodeEvent.Action.EDITED).get()
    assert event.note == "Dati della versione modificati"
    assert event.actor == committee


def test_metadata_with_a_taken_number_is_refused(client, committee, draft):
    client.force_login(committee)
    response = client.post(
        reverse("codice_manage:version_edit", args=[draft.pk]),
        {"number": "1.0", "title": "Codice 2026"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Esiste già una versione con questo numero." in page
    assert "Modifica la versione 2.0" in page
    draft.refresh_from_db()
    assert draft.number == "2.0"
    assert not draft.events.filter(action=CodeEvent.Action.EDITED).exists()


def test_metadata_of_a_published_version_cannot_be_edited(client, committee, current):
    client.force_login(committee)
    url = reverse("codice_manage:version_edit", args=[current.pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("codice_manage:version", args=[current.pk])
    assert "è pubblicata e non può essere modificata" in response.content.decode()
    response = client.post(url, {"number": "1.9", "title": "Riscritta"})
    assert response.status_code == 302
    current.refresh_from_db()
    assert (current.number, current.title) == ("1.0", "Codice versione 1.0")
    assert CodeEvent.objects.count() == 0


# --- publish -------------------------------------------------------------------------------


def test_the_publish_page_says_what_will_be_superseded(client, committee, draft):
    client.force_login(committee)
    page = client.get(reverse("codice_manage:version_publish", args=[draft.pk])).content.decode()
    assert "La versione 1.0, in vigore dal 01/03/2025, diventa superata" in page
    assert 'type="date"' in page
    assert "3 articoli" in page


def test_publishing_supersedes_the_previous_version(client, committee, current, draft):
    client.force_login(committee)
    response = client.post(
        reverse("codice_manage:version_publish", args=[draft.pk]),
        {"effective_date": "2026-01-01", "confirm": "on", "note": "Approvata dal tavolo."},
    )
    assert response.status_code == 302
    current.refresh_from_db()
    draft.refresh_from_db()
    assert current.status == CodeVersion.Status.SUPERSEDED
    assert draft.status == CodeVersion.Status.PUBLISHED
    assert draft.effective_date == datetime.date(2026, 1, 1)
    assert draft.published_by == committee
    assert draft.published_at is not None
    assert CodeVersion.objects.current() == draft
    assert draft.events.filter(action=CodeEvent.Action.PUBLISHED, actor=committee).exists()
    assert current.events.filter(action=CodeEvent.Action.SUPERSEDED).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Versione 2.0 pubblicata." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"effective_date": "", "confirm": "on"}, "Questo campo è obbligatorio."),
        ({"effective_date": "2026-02-31", "confirm": "on"}, "Inserisci una data valida."),
        ({"effective_date": "domani", "confirm": "on"}, "Inserisci una data valida."),
        ({"effective_date": "2026-01-01"}, "Conferma la pubblicazione spuntando la casella."),
        (
            {"effective_date": "2025-02-28", "confirm": "on"},
            "La data non può precedere l&#x27;entrata in vigore della versione 1.0",
        ),
    ],
)
def test_publishing_with_bad_input_is_refused(client, committee, current, draft, data, message):
    client.force_login(committee)
    events_before = CodeEvent.objects.count()
    response = client.post(reverse("codice_manage:version_publish", args=[draft.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    current.refresh_from_db()
    draft.refresh_from_db()
    assert current.status == CodeVersion.Status.PUBLISHED
    assert draft.status == CodeVersion.Status.DRAFT
    assert CodeEvent.objects.count() == events_before


def test_a_draft_without_articles_cannot_be_published(client, committee):
    client.force_login(committee)
    draft = codeversion_create_draft(by=committee, number="1.0", title="Vuota")
    url = reverse("codice_manage:version_publish", args=[draft.pk])
    assert "La bozza non ha articoli" in client.get(url).content.decode()
    response = client.post(url, {"effective_date": "2026-01-01", "confirm": "on"})
    assert response.status_code == 200
    assert "Una versione senza articoli non si può pubblicare." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == CodeVersion.Status.DRAFT


def test_a_published_version_cannot_be_published_again(client, committee, current):
    client.force_login(committee)
    response = client.post(
        reverse("codice_manage:version_publish", args=[current.pk]),
        {"effective_date": "2030-01-01", "confirm": "on"},
        follow=True,
    )
    assert "Si può pubblicare solo una bozza." in response.content.decode()
    current.refresh_from_db()
    assert current.effective_date == datetime.date(2025, 3, 1)


def test_a_draft_with_open_proposals_cannot_be_published(client, committee, draft):
    amendment_propose(
        version=draft,
        by=committee,
        article_key="orari",
        proposed_text="Dalle 9 alle 19.",
        rationale="Garante.",
        proposer="Luca Marini (Assocontact)",
    )
    client.force_login(committee)
    url = reverse("codice_manage:version_publish", args=[draft.pk])
    assert "va decisa prima della pubblicazione" in client.get(url).content.decode()
    response = client.post(url, {"effective_date": "2026-01-01", "confirm": "on"})
    assert response.status_code == 200
    assert "decidila prima di pubblicare" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == CodeVersion.Status.DRAFT
