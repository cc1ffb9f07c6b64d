"""Committee pages for a version's checklist: create it, threshold, scale, sections, items,
the overview; who may use them, bad input, and frozen versions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from certification.models import ChecklistItem, ChecklistSection, ChecklistTemplate, ScaleLevel
from certification.services.checklists import (
    checklist_edit,
    checklist_set_scale,
    checklist_set_threshold,
)
from codice.models import CodeEvent, CodeVersion, VersionLocked
from codice.services import codeversion_create_draft
from tests.factories import make_checklist, make_version

ARTICLES = [
    ("orari", "Fasce orarie", "Dalle 9 alle 20 nei giorni feriali."),
    ("rpo", "Registro delle opposizioni", "Verifica prima di ogni campagna."),
    ("cli", "Numero chiamante", "Sempre visibile."),
]


def publish(version: CodeVersion, by, status=CodeVersion.Status.PUBLISHED) -> CodeVersion:
    version.status = status
    version.effective_date = datetime.date(2025, 1, 1)
    version.published_at = timezone.now()
    version.published_by = by
    version.save()
    return version


@pytest.fixture
def current(committee):
    """Version 1.0, in force, with a checklist."""
    version = make_version("1.0", status=CodeVersion.Status.DRAFT, articles=ARTICLES)
    make_checklist(version)
    return publish(version, committee)


@pytest.fixture
def draft(committee, current):
    """Draft 2.0, a copy of 1.0 with its checklist."""
    return codeversion_create_draft(by=committee, number="2.0", title="Codice 2026")


@pytest.fixture
def bare_draft(db):
    """A draft with articles and no checklist yet."""
    return make_version("2.0", status=CodeVersion.Status.DRAFT, articles=ARTICLES)


@pytest.fixture
def logged_in(client, committee):
    client.force_login(committee)
    return client


def edit_events(version) -> list[str]:
    return list(
        version.events.filter(action=CodeEvent.Action.EDITED)
        .order_by("id")
        .values_list("note", flat=True)
    )


def url(name: str, version, *args) -> str:
    return reverse(f"certification:{name}", args=[version.pk, *args])


def edit_urls(version) -> list[str]:
    section = version.checklist_sections.order_by("order").first()
    item = version.checklist_items.order_by("id").first()
    return [
        url("checklist_threshold", version),
        url("checklist_scale", version),
        url("checklist_section_create", version),
        url("checklist_section_edit", version, section.pk),
        url("checklist_section_delete", version, section.pk),
        url("checklist_item_create", version),
        url("checklist_item_edit", version, item.pk),
        url("checklist_item_delete", version, item.pk),
    ]


def all_urls(version) -> list[str]:
    return [url("checklist", version), url("checklist_create", version), *edit_urls(version)]


def snapshot(version) -> dict:
    return {
        "template": list(ChecklistTemplate.objects.filter(version=version).values()),
        "levels": list(ScaleLevel.objects.filter(version=version).order_by("pk").values()),
        "sections": list(ChecklistSection.objects.filter(version=version).order_by("pk").values()),
        "items": list(ChecklistItem.objects.filter(version=version).order_by("pk").values()),
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- who may use the pages -----------------------------------------------------------------


def test_every_checklist_page_sends_a_visitor_to_the_login_page(client, draft):
    for address in all_urls(draft):
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"] == f"/accesso/?next={address}"


@pytest.mark.parametrize("role", ["applicant", "auditor", "association_member"])
def test_every_checklist_page_is_forbidden_outside_the_committee(client, draft, request, role):
    client.force_login(request.getfixturevalue(role))
    before = snapshot(draft)
    for address in all_urls(draft):
        assert client.get(address).status_code == 403, address
        response = client.post(
            address, {"code": "Z", "title": "x", "pass_threshold": "50", "weight": "1"}
        )
        assert response.status_code == 403, address
    assert snapshot(draft) == before
    assert edit_events(draft) == []


def test_every_checklist_page_opens_for_the_committee(logged_in, draft):
    for address in [url("checklist", draft), *edit_urls(draft)]:
        assert logged_in.get(address).status_code == 200, address


def test_the_pages_refuse_other_methods(logged_in, draft):
    assert logged_in.put(url("checklist", draft)).status_code == 405
    assert logged_in.delete(url("checklist_section_create", draft)).status_code == 405


def test_rows_of_another_version_are_a_404(logged_in, current, draft):
    section = current.checklist_sections.first()
    item = current.checklist_items.first()
    assert logged_in.get(url("checklist_section_edit", draft, section.pk)).status_code == 404
    assert logged_in.post(url("checklist_section_delete", draft, section.pk)).status_code == 404
    assert logged_in.get(url("checklist_item_edit", draft, item.pk)).status_code == 404
    assert logged_in.post(url("checklist_item_delete", draft, item.pk)).status_code == 404
    assert logged_in.get(reverse("certification:checklist", args=[99999])).status_code == 404


# --- creating the checklist ----------------------------------------------------------------


def test_a_draft_without_checklist_offers_to_create_one(logged_in, bare_draft):
    page = logged_in.get(url("checklist", bare_draft)).content.decode()
    assert "Questa versione non ha una lista di controllo." in page
    assert url("checklist_create", bare_draft) in page


def test_the_committee_creates_a_checklist_with_the_default_scale(logged_in, bare_draft):
    page = logged_in.get(url("checklist_create", bare_draft)).content.decode()
    assert 'value="70"' in page
    response = logged_in.post(url("checklist_create", bare_draft), {"pass_threshold": "72,5"})
    assert response.status_code == 302
    assert response["Location"] == url("checklist", bare_draft)
    template = ChecklistTemplate.objects.get(version=bare_draft)
    assert template.pass_threshold == Decimal("72.50")
    assert list(bare_draft.scale_levels.values_list("points", "label")) == [
        (0, "Non conforme"),
        (1, "Parzialmente conforme"),
        (2, "Conforme"),
        (3, "Eccellente"),
    ]
    assert edit_events(bare_draft) == ["Lista di controllo creata"]
    page = logged_in.get(response["Location"]).content.decode()
    assert "Lista di controllo creata." in page
    assert "72,50%" in page


@pytest.mark.parametrize(
    ("threshold", "message"),
    [
        ("", "Questo campo è obbligatorio."),
        ("0", "La soglia è una percentuale maggiore di 0 e al massimo 100."),
        ("100,01", "La soglia è una percentuale maggiore di 0 e al massimo 100."),
        ("settanta", "Inserisci un numero, per esempio 70 o 72,5."),
        ("70,123", "Assicurati che non vi siano più di 2 cifre decimali."),
    ],
)
def test_a_checklist_with_a_bad_threshold_is_refused(logged_in, bare_draft, threshold, message):
    response = logged_in.post(url("checklist_create", bare_draft), {"pass_threshold": threshold})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ChecklistTemplate.objects.filter(version=bare_draft).exists()
    assert not bare_draft.scale_levels.exists()
    assert edit_events(bare_draft) == []


def test_a_second_checklist_for_the_same_version_is_refused(logged_in, draft):
    before = snapshot(draft)
    response = logged_in.post(url("checklist_create", draft), {"pass_threshold": "50"}, follow=True)
    assert "Questa versione ha già una lista di controllo." in messages_of(response)
    assert snapshot(draft) == before


def test_the_edit_pages_of_a_draft_without_checklist_send_back_to_create_it(logged_in, bare_draft):
    for name in ["checklist_threshold", "checklist_scale", "checklist_section_create"]:
        response = logged_in.get(url(name, bare_draft), follow=True)
        assert response.redirect_chain[-1][0] == url("checklist", bare_draft)
        assert "Questa versione non ha ancora una lista di controllo." in messages_of(response)


# --- threshold -----------------------------------------------------------------------------


def test_the_committee_changes_the_threshold(logged_in, draft):
    page = logged_in.get(url("checklist_threshold", draft)).content.decode()
    assert 'value="70,00"' in page
    response = logged_in.post(url("checklist_threshold", draft), {"pass_threshold": "75.5"})
    assert response.status_code == 302
    assert ChecklistTemplate.objects.get(version=draft).pass_threshold == Decimal("75.50")
    assert edit_events(draft) == ["Soglia della lista di controllo: 75,50%"]


def test_a_bad_threshold_leaves_the_old_one(logged_in, draft):
    response = logged_in.post(url("checklist_threshold", draft), {"pass_threshold": "-3"})
    assert response.status_code == 200
    assert "La soglia è una percentuale maggiore di 0 e al massimo 100." in (
        response.content.decode()
    )
    assert ChecklistTemplate.objects.get(version=draft).pass_threshold == Decimal("70")
    assert edit_events(draft) == []


# --- scale ---------------------------------------------------------------------------------


def scale_data(levels: list[tuple[str, str, bool]], initial: int = 4) -> dict:
    """levels: [(points, label, delete)] — the first `initial` rows are the stored ones."""
    data = {
        "livelli-TOTAL_FORMS": str(len(levels)),
        "livelli-INITIAL_FORMS": str(initial),
        "livelli-MIN_NUM_FORMS": "0",
        "livelli-MAX_NUM_FORMS": "20",
    }
    for n, (points, label, delete) in enumerate(levels):
        data[f"livelli-{n}-points"] = points
        data[f"livelli-{n}-label"] = label
        if delete:
            data[f"livelli-{n}-DELETE"] = "on"
    return data


def scale_of(version) -> list[tuple[int, str]]:
    return list(version.scale_levels.order_by("points").values_list("points", "label"))


def test_the_scale_page_shows_the_stored_levels_and_an_empty_row(logged_in, draft):
    page = logged_in.get(url("checklist_scale", draft)).content.decode()
    assert 'value="Parzialmente conforme"' in page
    assert "Nuovo livello (facoltativo)" in page
    assert "Togli questo livello dalla scala" in page


def test_the_committee_relabels_adds_and_removes_levels(logged_in, draft):
    data = scale_data(
        [
            ("0", "Assente", False),
            ("1", "Parzialmente conforme", True),
            ("2", "Conforme", False),
            ("3", "Eccellente", False),
            ("4", "Esemplare", False),
        ]
    )
    response = logged_in.post(url("checklist_scale", draft), data)
    assert response.status_code == 302
    assert scale_of(draft) == [(0, "Assente"), (2, "Conforme"), (3, "Eccellente"), (4, "Esemplare")]
    assert edit_events(draft) == [
        "Scala dei livelli: 0 Assente, 2 Conforme, 3 Eccellente, 4 Esemplare"
    ]


def test_levels_can_swap_points(logged_in, draft):
    data = scale_data(
        [
            ("0", "Non conforme", False),
            ("2", "Parzialmente conforme", False),
            ("1", "Conforme", False),
            ("3", "Eccellente", False),
        ]
    )
    assert logged_in.post(url("checklist_scale", draft), data).status_code == 302
    assert scale_of(draft)[1:3] == [(1, "Conforme"), (2, "Parzialmente conforme")]


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        (
            [
                ("1", "Poco", False),
                ("2", "Molto", False),
                ("3", "Tanto", False),
                ("4", "Sì", False),
            ],
            "Serve un livello da 0 punti",
        ),
        (
            [("0", "No", False), ("2", "Sì", False), ("2", "Sì, bene", False), ("3", "Ok", False)],
            "Due livelli non possono avere gli stessi punti.",
        ),
        (
            [("0", "No", False), ("1", "Sì", True), ("2", "Bene", True), ("3", "Ottimo", True)],
            "La scala deve avere almeno due livelli.",
        ),
        (
            [("0", "No", False), ("1", "", False), ("2", "Bene", False), ("3", "Ottimo", False)],
            "Questo campo è obbligatorio.",
        ),
        (
            [("0", "No", False), ("uno", "Sì", False), ("2", "Bene", False), ("3", "Ok", False)],
            "I punti sono un numero intero.",
        ),
        (
            [("0", "No", False), ("-1", "Sì", False), ("2", "Bene", False), ("3", "Ok", False)],
            "maggiore o uguale a 0",
        ),
    ],
)
def test_a_scale_the_formula_cannot_use_is_refused(logged_in, draft, levels, message):
    before = scale_of(draft)
    response = logged_in.post(url("checklist_scale", draft), scale_data(levels))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert scale_of(draft) == before
    assert edit_events(draft) == []


def test_a_tampered_management_form_is_a_message_not_a_500(logged_in, draft):
    response = logged_in.post(url("checklist_scale", draft), {"livelli-TOTAL_FORMS": "x"})
    assert response.status_code == 200
    assert scale_of(draft) == [
        (0, "Non conforme"),
        (1, "Parzialmente conforme"),
        (2, "Conforme"),
        (3, "Eccellente"),
    ]


# --- sections ------------------------------------------------------------------------------


def test_the_committee_adds_a_section(logged_in, draft):
    page = logged_in.get(url("checklist_section_create", draft)).content.decode()
    assert 'value="3"' in page  # proposed order: after the two copied sections
    response = logged_in.post(
        url("checklist_section_create", draft),
        {"code": "C", "title": "Reclami", "minimum_percent": "62,5", "order": "3"},
    )
    section = draft.checklist_sections.get(code="C")
    assert response.status_code == 302
    assert response["Location"] == url("checklist", draft) + f"#sezione-{section.pk}"
    assert (section.title, section.minimum_percent) == ("Reclami", Decimal("62.50"))
    assert edit_events(draft) == ["Sezione C della lista di controllo aggiunta"]


def test_a_section_without_minimum_is_fine(logged_in, draft):
    logged_in.post(
        url("checklist_section_create", draft),
        {"code": "C", "title": "Reclami", "minimum_percent": "", "order": "3"},
    )
    assert draft.checklist_sections.get(code="C").minimum_percent is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "A", "title": "Doppione", "order": "1"}, "Esiste già una sezione con questo"),
        ({"code": "", "title": "", "order": "1"}, "Questo campo è obbligatorio."),
        ({"code": "C", "title": "Troppo", "minimum_percent": "101", "order": "1"}, "tra 0 e 100"),
        ({"code": "C", "title": "Negativo", "minimum_percent": "-1", "order": "1"}, "tra 0 e 100"),
        ({"code": "C", "title": "Parole", "minimum_percent": "metà", "order": "1"}, "Inserisci"),
        (
            {"code": "CODICELUNGO", "title": "Lungo", "order": "1"},
            "non contenga più di 10 caratteri",
        ),
    ],
)
def test_a_section_with_bad_input_is_refused(logged_in, draft, data, message):
    before = snapshot(draft)
    response = logged_in.post(url("checklist_section_create", draft), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(draft) == before
    assert edit_events(draft) == []


def test_a_section_code_used_in_another_version_is_free(logged_in, draft):
    section = draft.checklist_sections.get(code="B")
    response = logged_in.post(
        url("checklist_section_edit", draft, section.pk),
        {"code": "B", "title": "Consenso e RPO rivisti", "minimum_percent": "70", "order": "2"},
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert (section.title, section.minimum_percent) == ("Consenso e RPO rivisti", Decimal("70"))
    assert edit_events(draft) == ["Sezione B della lista di controllo modificata"]


def test_deleting_a_section_asks_first_and_removes_its_items(logged_in, draft):
    section = draft.checklist_sections.get(code="A")
    address = url("checklist_section_delete", draft, section.pk)
    page = logged_in.get(address).content.decode()
    assert "Vuoi eliminare la sezione «A. Orari e modalità delle chiamate»" in page
    assert "A.1 — La voce A.1 è rispettata?" in page
    assert draft.checklist_items.filter(section=section).count() == 2
    response = logged_in.post(address)
    assert response.status_code == 302
    assert not ChecklistSection.objects.filter(pk=section.pk).exists()
    assert list(draft.checklist_items.values_list("code", flat=True)) == ["B.1"]
    assert edit_events(draft) == ["Sezione A della lista di controllo eliminata"]


# --- items ---------------------------------------------------------------------------------


def item_data(draft, **overrides) -> dict:
    data = {
        "section": str(draft.checklist_sections.get(code="B").pk),
        "code": "B.2",
        "question": "Le liste sono verificate sul RPO prima di ogni campagna?",
        "guidance": "Confrontare la data dell'esito con la prima chiamata.",
        "article_keys": ["rpo", "orari"],
        "weight": "1,5",
        "blocking": "on",
        "evidence_hint": "Esiti delle verifiche RPO",
        "order": "2",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_item_form_offers_the_versions_articles_as_checkboxes(logged_in, draft):
    page = logged_in.get(url("checklist_item_create", draft)).content.decode()
    assert 'name="article_keys" value="orari"' in page
    assert "Art. 3 — Numero chiamante" in page


def test_the_committee_adds_an_item(logged_in, draft):
    response = logged_in.post(url("checklist_item_create", draft), item_data(draft))
    item = draft.checklist_items.get(code="B.2")
    assert response.status_code == 302
    assert response["Location"] == url("checklist", draft) + f"#voce-{item.pk}"
    assert item.section.code == "B"
    assert item.article_keys == ["rpo", "orari"]
    assert item.weight == Decimal("1.50")
    assert (item.blocking, item.allows_na) == (True, False)
    assert item.evidence_hint == "Esiti delle verifiche RPO"
    assert edit_events(draft) == ["Voce B.2 della lista di controllo aggiunta"]


def test_an_item_link_from_a_section_preselects_it(logged_in, draft):
    section = draft.checklist_sections.get(code="B")
    page = logged_in.get(url("checklist_item_create", draft) + f"?sezione={section.pk}")
    assert f'<option value="{section.pk}" selected>' in page.content.decode()
    for junk in ["abc", "99999999999999999999", "²", "-1"]:
        response = logged_in.get(url("checklist_item_create", draft) + f"?sezione={junk}")
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "A.1"}, "Esiste già una voce con questo codice."),
        ({"weight": "0"}, "Il peso deve essere maggiore di zero."),
        ({"weight": "-2"}, "Il peso deve essere maggiore di zero."),
        ({"weight": "tanto"}, "Inserisci un numero, per esempio 1, 2 o 1,5."),
        ({"article_keys": ["inesistente"]}, "Scegli un&#x27;opzione valida"),
        ({"question": "", "section": ""}, "Questo campo è obbligatorio."),
    ],
)
def test_an_item_with_bad_input_is_refused(logged_in, draft, overrides, message):
    before = snapshot(draft)
    response = logged_in.post(url("checklist_item_create", draft), item_data(draft, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(draft) == before
    assert edit_events(draft) == []


def test_an_item_cannot_go_into_a_section_of_another_version(logged_in, current, draft):
    foreign = current.checklist_sections.get(code="B")
    page = logged_in.get(url("checklist_item_create", draft)).content.decode()
    assert f'value="{foreign.pk}"' not in page
    response = logged_in.post(
        url("checklist_item_create", draft), item_data(draft, section=str(foreign.pk))
    )
    assert response.status_code == 200
    assert "Scegli un&#x27;opzione valida" in response.content.decode()
    assert not draft.checklist_items.filter(code="B.2").exists()


def test_the_committee_edits_an_item(logged_in, draft):
    item = draft.checklist_items.get(code="A.2")
    page = logged_in.get(url("checklist_item_edit", draft, item.pk)).content.decode()
    assert "La voce A.2 è rispettata?" in page
    response = logged_in.post(
        url("checklist_item_edit", draft, item.pk),
        item_data(
            draft,
            section=str(item.section_id),
            code="A.2",
            question="Il richiamo su appuntamento rispetta le fasce?",
            article_keys=["orari"],
            weight="2",
            blocking=None,
            allows_na="on",
        ),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.question == "Il richiamo su appuntamento rispetta le fasce?"
    assert (item.weight, item.blocking, item.allows_na) == (Decimal("2"), False, True)
    assert item.article_keys == ["orari"]
    assert edit_events(draft) == ["Voce A.2 della lista di controllo modificata"]


def test_an_article_removed_from_the_draft_shows_up_and_must_be_unticked(logged_in, draft):
    item = draft.checklist_items.get(code="B.1")
    item.article_keys = ["rpo"]
    item.save()
    draft.articles.get(key="rpo").delete()

    overview = logged_in.get(url("checklist", draft)).content.decode()
    assert "rpo: articolo non presente in questa versione" in overview

    address = url("checklist_item_edit", draft, item.pk)
    assert "rpo (articolo non più presente in questa versione)" in (
        logged_in.get(address).content.decode()
    )
    kept = item_data(
        draft, section=str(item.section_id), code="B.1", article_keys=["rpo"], blocking=None
    )
    response = logged_in.post(address, kept)
    assert response.status_code == 200
    assert "Articoli inesistenti in questa versione: rpo" in response.content.decode()
    response = logged_in.post(address, {**kept, "article_keys": []})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.article_keys == []


def test_deleting_an_item_asks_first(logged_in, draft):
    item = draft.checklist_items.get(code="A.1")
    address = url("checklist_item_delete", draft, item.pk)
    assert "Vuoi eliminare la voce «A.1 — La voce A.1" in logged_in.get(address).content.decode()
    assert ChecklistItem.objects.filter(pk=item.pk).exists()
    response = logged_in.post(address)
    assert response.status_code == 302
    assert not ChecklistItem.objects.filter(pk=item.pk).exists()
    assert edit_events(draft) == ["Voce A.1 della lista di controllo eliminata"]


def test_an_item_needs_a_section_first(logged_in, bare_draft, committee):
    logged_in.post(url("checklist_create", bare_draft), {"pass_threshold": "70"})
    response = logged_in.get(url("checklist_item_create", bare_draft), follow=True)
    assert "Aggiungi prima una sezione: ogni voce appartiene a una sezione." in messages_of(
        response
    )


# --- the overview --------------------------------------------------------------------------


def test_the_overview_of_a_draft_shows_everything_with_edit_links(logged_in, draft):
    item = draft.checklist_items.get(code="B.1")
    item.article_keys = ["rpo", "cli"]
    item.save()
    page = logged_in.get(url("checklist", draft)).content.decode()
    assert "Lista di controllo della versione 2.0" in page
    assert "Sezione A. Orari e modalità delle chiamate" in page
    assert "La voce B.1 è rispettata?" in page
    assert "Verbale di verifica RPO" in page
    assert "Art. 2 — Registro delle opposizioni" in page
    assert "Art. 3 — Numero chiamante" in page
    assert "Bloccante" in page and "Ammette N/A" in page
    assert "Modifica la voce B.1" in page
    assert "Aggiungi una voce alla sezione A" in page
    assert url("checklist_scale", draft) in page


@pytest.mark.parametrize("status", [CodeVersion.Status.PUBLISHED, CodeVersion.Status.SUPERSEDED])
def test_the_overview_of_a_frozen_version_is_read_only(logged_in, committee, status):
    version = make_version("1.0", status=CodeVersion.Status.DRAFT, articles=ARTICLES)
    make_checklist(version)
    version.status = status
    version.effective_date = datetime.date(2024, 1, 1)
    version.published_at = timezone.now()
    version.published_by = committee
    version.save()
    page = logged_in.get(url("checklist", version)).content.decode()
    assert "La voce A.1 è rispettata?" in page
    assert "la sua lista di controllo non si modifica più" in page
    assert "Modifica" not in page.split("<main", 1)[1].split("Torna alla versione")[0]
    assert url("checklist_scale", version) not in page


def test_a_frozen_version_without_checklist_offers_nothing_to_create(logged_in):
    version = make_version("1.0", articles=ARTICLES)
    page = logged_in.get(url("checklist", version)).content.decode()
    assert "Questa versione non ha una lista di controllo." in page
    assert url("checklist_create", version) not in page


def build_checklist(version, items: int) -> None:
    per_section = items // 5
    make_checklist(
        version,
        sections=[
            (
                code,
                f"Sezione {code}",
                [
                    (f"{code}.{n}", "2", n == 1, n == 2, "Documenti")
                    for n in range(1, per_section + 1)
                ],
            )
            for code in "ABCDE"
        ],
    )
    ChecklistItem.objects.filter(version=version).update(article_keys=["orari", "rpo"])


@pytest.mark.parametrize("items", [5, 50])
def test_the_overview_takes_the_same_queries_for_5_or_50_items(
    logged_in, committee, items, django_assert_num_queries
):
    version = make_version("2.0", status=CodeVersion.Status.DRAFT, articles=ARTICLES)
    build_checklist(version, items)
    assert version.checklist_items.count() == items
    with django_assert_num_queries(10):
        response = logged_in.get(url("checklist", version))
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row">') == items


# --- frozen versions -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_every_edit_page_of_a_frozen_version_refuses_with_a_message(logged_in, current, method):
    before = snapshot(current)
    for address in [url("checklist_create", current), *edit_urls(current)]:
        response = getattr(logged_in, method)(
            address, {"code": "Z", "title": "x", "pass_threshold": "50", "weight": "1"}
        )
        assert response.status_code == 302, address
        assert response["Location"] == url("checklist", current)
        page = logged_in.get(response["Location"])
        assert "La versione 1.0 è pubblicata e non può essere modificata." in messages_of(page)
    assert snapshot(current) == before
    assert edit_events(current) == []


def test_a_version_published_while_the_form_was_open_refuses_the_write(
    logged_in, committee, draft, monkeypatch
):
    """The page saw a draft; by the time the service locks the row the version is frozen."""
    from certification.views import checklists as views

    def freeze_then_write(**kwargs):
        # 1.0 is the published one: the draft is frozen as superseded, the message is the same.
        publish(CodeVersion.objects.get(pk=draft.pk), committee, CodeVersion.Status.SUPERSEDED)
        return checklist_edit(**kwargs)

    monkeypatch.setattr(views, "checklist_edit", freeze_then_write)
    before = snapshot(draft)
    response = logged_in.post(
        url("checklist_section_create", draft),
        {"code": "C", "title": "Reclami", "order": "3"},
        follow=True,
    )
    assert response.status_code == 200
    assert "La versione 2.0 è pubblicata e non può essere modificata." in messages_of(response)
    assert snapshot(draft) == before


# --- the services on their own -------------------------------------------------------------


def test_the_services_refuse_a_person_outside_the_committee(draft, auditor):
    with pytest.raises(PermissionDenied):
        checklist_set_threshold(version=draft, by=auditor, pass_threshold=Decimal("50"))
    with pytest.raises(PermissionDenied):
        checklist_edit(version=draft, by=auditor, note="x", write=lambda: None)


def test_the_services_refuse_a_frozen_version(current, committee):
    with pytest.raises(VersionLocked):
        checklist_set_threshold(version=current, by=committee, pass_threshold=Decimal("50"))
    with pytest.raises(VersionLocked):
        checklist_set_scale(version=current, by=committee, levels=[(0, "No"), (1, "Sì")])
    assert ChecklistTemplate.objects.get(version=current).pass_threshold == Decimal("70")


# --- the admin -----------------------------------------------------------------------------

ADMIN_MODELS = ["checklisttemplate", "scalelevel", "checklistsection", "checklistitem"]


def test_the_admin_lists_the_checklist_rows(client, admin_user, current, draft):
    client.force_login(admin_user)
    for model in ADMIN_MODELS:
        assert client.get(f"/admin/certification/{model}/").status_code == 200, model
    item = draft.checklist_items.get(code="A.1")
    assert client.get(f"/admin/certification/checklistitem/{item.pk}/change/").status_code == 200


def test_the_admin_shows_a_frozen_checklist_read_only(client, admin_user, current):
    client.force_login(admin_user)
    item = current.checklist_items.get(code="A.1")
    address = f"/admin/certification/checklistitem/{item.pk}/change/"
    page = client.get(address).content.decode()
    assert 'name="question"' not in page
    response = client.post(address, {"question": "Riscritta?"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.question == "La voce A.1 è rispettata?"


def test_an_admin_edit_of_a_drafts_item_is_recorded(client, admin_user, draft):
    client.force_login(admin_user)
    item = draft.checklist_items.get(code="B.1")
    response = client.post(
        f"/admin/certification/checklistitem/{item.pk}/change/",
        {
            "section": str(item.section_id),
            "code": "B.1",
            "question": "Le liste sono verificate sul RPO?",
            "guidance": "",
            "article_keys": '["rpo"]',
            "weight": "2",
            "evidence_hint": "",
            "order": "1",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.question, item.article_keys) == ("Le liste sono verificate sul RPO?", ["rpo"])
    assert len(edit_events(draft)) == 1
