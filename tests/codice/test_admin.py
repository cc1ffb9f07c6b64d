"""The admin shows a frozen version and its content read-only and refuses any write to them, while
a draft stays editable there; the user admin works with e-mail logins."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.models import Association, User
from codice.models import (
    Amendment,
    Article,
    Chapter,
    CodeEvent,
    CodeVersion,
    DecalogoEntry,
    Meeting,
)
from codice.services import amendment_propose
from tests.factories import ArticleFactory, MeetingFactory, make_version

ARTICLES = [
    ("ambito", "Ambito di applicazione", "Il codice si applica al telemarketing."),
    ("orari", "Orari delle chiamate", "Le chiamate sono effettuate dalle 9 alle 20."),
]
DECALOGO = [("consumatori", "Diritto di opposizione", "Puoi opporti in ogni momento.")]
FROZEN = [CodeVersion.Status.PUBLISHED, CodeVersion.Status.SUPERSEDED]


def url(model, action: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def form_data(response) -> dict:
    """What the browser would post back from an admin change form, as it was rendered."""
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(v) for v in value]
            data[form.add_prefix(name)] = value
    return data


def snapshot(version: CodeVersion) -> dict:
    return {
        "version": CodeVersion.objects.filter(pk=version.pk).values().get(),
        "chapters": list(Chapter.objects.filter(version=version).order_by("pk").values()),
        "articles": list(Article.objects.filter(version=version).order_by("pk").values()),
        "decalogo": list(DecalogoEntry.objects.filter(version=version).order_by("pk").values()),
    }


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture(params=FROZEN)
def frozen(request, db):
    return make_version("1.0", status=request.param, articles=ARTICLES, decalogo=DECALOGO)


@pytest.fixture
def draft(db):
    return make_version(
        "2.0", status=CodeVersion.Status.DRAFT, articles=ARTICLES, decalogo=DECALOGO
    )


@pytest.fixture
def amendment(draft, admin_user):
    return amendment_propose(
        version=draft,
        by=admin_user,
        article_key="orari",
        proposed_text="Dalle 9 alle 19.",
        rationale="Allineamento al Garante.",
        proposer="Luca Marini (Assocontact)",
    )


def article_post(version, chapter, **overrides) -> dict:
    data = {
        "version": version.pk,
        "chapter": chapter.pk,
        "key": "nuovo-articolo",
        "number": "9",
        "title": "Nuovo articolo",
        "body": "Testo del nuovo articolo.",
        "order": 9,
    }
    data.update(overrides)
    return data


# --- every page loads ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", [CodeVersion, Chapter, Article, DecalogoEntry, Meeting, Amendment, CodeEvent]
)
def test_each_codice_changelist_loads(admin_client, frozen, draft, amendment, model):
    MeetingFactory()
    response = admin_client.get(url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.django_db
def test_each_codice_change_page_loads(admin_client, frozen, draft, amendment):
    meeting = MeetingFactory()
    objects = [
        frozen,
        draft,
        frozen.chapters.first(),
        draft.chapters.first(),
        frozen.articles.first(),
        draft.articles.first(),
        frozen.decalogo.first(),
        draft.decalogo.first(),
        meeting,
        amendment,
        CodeEvent.objects.first(),
    ]
    for obj in objects:
        response = admin_client.get(url(type(obj), "change", obj.pk))
        assert response.status_code == 200, obj
    for model in (CodeVersion, Chapter, Article, DecalogoEntry, Meeting):
        assert admin_client.get(url(model, "add")).status_code == 200, model


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Article, CodeEvent])
def test_the_long_changelists_do_not_query_per_row(admin_client, admin_user, draft, model):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url(model, "changelist")).status_code == 200
        return len(queries)

    few = count_queries()
    chapter = draft.chapters.get()
    for i in range(10):
        ArticleFactory(version=draft, chapter=chapter, key=f"extra-{i}", number=f"x{i}")
        CodeEvent.objects.create(version=draft, action=CodeEvent.Action.EDITED, actor=admin_user)
    assert count_queries() == few


# --- a frozen version is read-only --------------------------------------------------------------


@pytest.mark.django_db
def test_a_frozen_versions_page_has_no_save_button_and_no_editable_field(admin_client, frozen):
    response = admin_client.get(url(CodeVersion, "change", frozen.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in content
    assert 'name="title"' not in content
    assert 'name="chapters-0-title"' not in content
    assert 'name="decalogo-0-title"' not in content
    assert url(CodeVersion, "delete", frozen.pk) not in content
    assert frozen.title in content
    assert "Orari delle chiamate" in content  # the article index


@pytest.mark.django_db
def test_a_drafts_page_has_the_save_button_and_editable_content(admin_client, draft):
    content = admin_client.get(url(CodeVersion, "change", draft.pk)).content.decode()
    assert 'name="_save"' in content
    assert 'name="title"' in content
    assert 'name="chapters-0-title"' in content
    assert 'name="decalogo-0-title"' in content


@pytest.mark.django_db
def test_the_admin_offers_no_way_to_change_a_status(admin_client, draft):
    content = admin_client.get(url(CodeVersion, "change", draft.pk)).content.decode()
    assert 'name="status"' not in content
    assert 'name="published_at' not in content
    assert 'name="published_by"' not in content
    assert 'name="effective_date"' not in content


@pytest.mark.django_db
def test_it_refuses_a_change_of_a_frozen_version_and_leaves_the_database_alone(
    admin_client, frozen, draft
):
    # The form as a draft's page renders it, pointed at the frozen version.
    data = form_data(admin_client.get(url(CodeVersion, "change", draft.pk)))
    data.update({"number": frozen.number, "title": "Titolo riscritto", "change_summary": "X"})
    before = snapshot(frozen)
    response = admin_client.post(url(CodeVersion, "change", frozen.pk), data)
    assert response.status_code == 403
    assert snapshot(frozen) == before


@pytest.mark.django_db
def test_a_draft_version_and_its_chapters_can_be_changed(admin_client, admin_user, draft):
    data = form_data(admin_client.get(url(CodeVersion, "change", draft.pk)))
    data["title"] = "Bozza riveduta"
    data["chapters-0-title"] = "Capitolo riveduto"
    response = admin_client.post(url(CodeVersion, "change", draft.pk), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert CodeVersion.objects.get(pk=draft.pk).title == "Bozza riveduta"
    assert draft.chapters.get().title == "Capitolo riveduto"
    assert CodeEvent.objects.filter(
        version=draft, action=CodeEvent.Action.EDITED, actor=admin_user
    ).exists()


@pytest.mark.django_db
def test_it_refuses_to_delete_a_frozen_version(admin_client, frozen):
    assert admin_client.get(url(CodeVersion, "delete", frozen.pk)).status_code == 403
    response = admin_client.post(url(CodeVersion, "delete", frozen.pk), {"post": "yes"})
    assert response.status_code == 403
    assert CodeVersion.objects.filter(pk=frozen.pk).exists()
    assert frozen.articles.count() == 2


@pytest.mark.django_db
def test_it_refuses_to_bulk_delete_a_frozen_version(admin_client, frozen):
    response = admin_client.post(
        url(CodeVersion, "changelist"),
        {"action": "delete_selected", "_selected_action": [frozen.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert CodeVersion.objects.filter(pk=frozen.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Chapter, Article, DecalogoEntry])
def test_a_frozen_versions_content_is_read_only(admin_client, frozen, draft, model):
    row = model.objects.filter(version=frozen).first()
    page = admin_client.get(url(model, "change", row.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert 'name="title"' not in page.content.decode()

    # The same form as a draft row's page renders it, pointed at the frozen row.
    draft_row = model.objects.filter(version=draft).first()
    data = form_data(admin_client.get(url(model, "change", draft_row.pk)))
    data["title"] = "Titolo riscritto"
    before = snapshot(frozen)
    assert admin_client.post(url(model, "change", row.pk), data).status_code == 403
    assert admin_client.post(url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert bulk.status_code == 403
    assert snapshot(frozen) == before


@pytest.mark.django_db
def test_the_add_form_offers_only_the_draft(admin_client, frozen, draft):
    response = admin_client.get(url(Article, "add"))
    versions = list(response.context["adminform"].form.fields["version"].queryset)
    chapters = list(response.context["adminform"].form.fields["chapter"].queryset)
    assert versions == [draft]
    assert {c.version_id for c in chapters} == {draft.pk}
    for model in (Chapter, DecalogoEntry):
        form = admin_client.get(url(model, "add")).context["adminform"].form
        assert list(form.fields["version"].queryset) == [draft]


@pytest.mark.django_db
def test_it_refuses_a_forged_article_in_a_frozen_version_with_a_form_error(
    admin_client, frozen, draft
):
    before = snapshot(frozen)
    response = admin_client.post(url(Article, "add"), article_post(frozen, frozen.chapters.get()))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert snapshot(frozen) == before
    assert not Article.objects.filter(key="nuovo-articolo").exists()


@pytest.mark.django_db
def test_it_refuses_a_forged_article_with_a_frozen_chapter_in_the_draft(
    admin_client, frozen, draft
):
    response = admin_client.post(url(Article, "add"), article_post(draft, frozen.chapters.get()))
    assert response.status_code == 200
    assert "chapter" in response.context["adminform"].form.errors
    assert not Article.objects.filter(key="nuovo-articolo").exists()


@pytest.mark.django_db
def test_it_refuses_a_forged_chapter_or_entry_in_a_frozen_version(admin_client, frozen, draft):
    before = snapshot(frozen)
    chapter = admin_client.post(
        url(Chapter, "add"), {"version": frozen.pk, "number": "IX", "title": "Nuovo", "order": 9}
    )
    entry = admin_client.post(
        url(DecalogoEntry, "add"),
        {"version": frozen.pk, "audience": "aziende", "title": "Nuovo", "body": "T", "order": 9},
    )
    for response in (chapter, entry):
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
    assert snapshot(frozen) == before


@pytest.mark.django_db
def test_without_a_draft_there_is_nothing_to_add_content_to(admin_client, frozen):
    before = snapshot(frozen)
    response = admin_client.post(url(Article, "add"), article_post(frozen, frozen.chapters.get()))
    assert response.status_code == 403
    assert snapshot(frozen) == before


@pytest.mark.django_db
def test_an_article_can_be_added_to_the_draft(admin_client, draft):
    response = admin_client.post(url(Article, "add"), article_post(draft, draft.chapters.get()))
    assert response.status_code == 302
    assert draft.articles.filter(key="nuovo-articolo", title="Nuovo articolo").exists()


@pytest.mark.django_db
def test_a_drafts_article_can_be_changed(admin_client, admin_user, draft):
    article = draft.articles.get(key="orari")
    data = form_data(admin_client.get(url(Article, "change", article.pk)))
    data["body"] = "Le chiamate sono effettuate dalle 10 alle 19."
    response = admin_client.post(url(Article, "change", article.pk), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "Le chiamate sono effettuate dalle 10 alle 19."
    assert article.version == draft
    assert CodeEvent.objects.filter(version=draft, action=CodeEvent.Action.EDITED).exists()


# --- new drafts, proposals, history ---------------------------------------------------------


@pytest.mark.django_db
def test_a_draft_added_in_the_admin_is_a_copy_of_the_current_version(admin_client, admin_user):
    current = make_version("1.0", articles=ARTICLES, decalogo=DECALOGO)
    response = admin_client.post(
        url(CodeVersion, "add"), {"number": "2.0", "title": "Codice 2.0", "change_summary": ""}
    )
    assert response.status_code == 302
    draft = CodeVersion.objects.drafts().get()
    assert draft.based_on == current
    assert sorted(draft.articles.values_list("key", "body")) == sorted(
        current.articles.values_list("key", "body")
    )
    assert draft.decalogo.count() == 1
    assert CodeEvent.objects.filter(
        version=draft, action=CodeEvent.Action.DRAFT_CREATED, actor=admin_user
    ).exists()


@pytest.mark.django_db
def test_it_refuses_a_second_draft_in_the_admin_with_a_form_error(admin_client, draft):
    response = admin_client.post(
        url(CodeVersion, "add"), {"number": "3.0", "title": "Codice 3.0", "change_summary": ""}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert CodeVersion.objects.drafts().get() == draft


@pytest.mark.django_db
def test_a_decided_proposal_is_read_only(admin_client, admin_user, amendment):
    from codice.services import amendment_decide

    amendment_decide(amendment=amendment, by=admin_user, accept=False, meeting=MeetingFactory())
    page = admin_client.get(url(Amendment, "change", amendment.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = admin_client.post(
        url(Amendment, "change", amendment.pk),
        {"proposer": "X", "proposed_text": "Y", "rationale": "Z"},
    )
    assert response.status_code == 403
    assert Amendment.objects.get(pk=amendment.pk).proposer == "Luca Marini (Assocontact)"
    assert admin_client.get(url(Amendment, "add")).status_code == 403


@pytest.mark.django_db
def test_the_history_cannot_be_written_from_the_admin(admin_client, amendment):
    event = CodeEvent.objects.get()
    assert admin_client.get(url(CodeEvent, "add")).status_code == 403
    page = admin_client.get(url(CodeEvent, "change", event.pk))
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(url(CodeEvent, "change", event.pk), {"note": "X"}).status_code == 403
    assert admin_client.post(url(CodeEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    assert CodeEvent.objects.get(pk=event.pk).note == event.note


# --- users ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_user_pages_load(admin_client, committee, association_member):
    assert admin_client.get(url(User, "changelist")).status_code == 200
    assert admin_client.get(url(User, "changelist"), {"role__exact": "comitato"}).status_code == 200
    assert admin_client.get(url(User, "changelist"), {"q": "carla"}).status_code == 200
    assert admin_client.get(url(User, "add")).status_code == 200
    assert admin_client.get(url(User, "change", committee.pk)).status_code == 200
    assert admin_client.get(url(Association, "changelist")).status_code == 200
    assert (
        admin_client.get(url(Association, "change", association_member.association_id)).status_code
        == 200
    )


@pytest.mark.django_db
def test_the_user_changelist_filters_by_role(admin_client, committee, auditor, applicant):
    response = admin_client.get(url(User, "changelist"), {"role__exact": "comitato"})
    assert list(response.context["cl"].result_list) == [committee]


@pytest.mark.django_db
def test_a_user_added_in_the_admin_logs_in_with_the_email_and_gets_the_role_group(admin_client):
    response = admin_client.post(
        url(User, "add"),
        {
            "email": "Nuova.Auditor@OIC.example",
            "first_name": "Nadia",
            "last_name": "Verdi",
            "role": "auditor",
            "usable_password": "true",
            "password1": "una-password-lunga-2026",
            "password2": "una-password-lunga-2026",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    user = User.objects.get(email="nuova.auditor@oic.example")
    assert user.check_password("una-password-lunga-2026")
    assert list(user.groups.values_list("name", flat=True)) == ["ruolo:auditor"]


@pytest.mark.django_db
def test_the_user_admin_refuses_an_association_member_without_association(admin_client):
    response = admin_client.post(
        url(User, "add"),
        {
            "email": "senza@associazione.example",
            "role": "associazione",
            "usable_password": "true",
            "password1": "una-password-lunga-2026",
            "password2": "una-password-lunga-2026",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not User.objects.filter(email="senza@associazione.example").exists()


@pytest.mark.django_db
def test_changing_the_role_in_the_admin_moves_the_group(admin_client, committee):
    data = form_data(admin_client.get(url(User, "change", committee.pk)))
    data["role"] = "auditor"
    response = admin_client.post(url(User, "change", committee.pk), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    committee.refresh_from_db()
    assert committee.role == "auditor"
    assert list(committee.groups.values_list("name", flat=True)) == ["ruolo:auditor"]


@pytest.mark.django_db
def test_the_user_admin_refuses_an_address_already_used_in_another_case(admin_client, committee):
    response = admin_client.post(
        url(User, "add"),
        {
            "email": "Carla.Comitato@OIC.example",
            "role": "auditor",
            "usable_password": "true",
            "password1": "una-password-lunga-2026",
            "password2": "una-password-lunga-2026",
        },
    )
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="carla.comitato@oic.example").count() == 1
