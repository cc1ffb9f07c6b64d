"""The parts of every page rendered once per process ({% include_cached %} in base.html): the
head's links, the language buttons, the menus and the footer. Each person still sees their own
menu, the page they are on is marked in it, and each language its own words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from oic_portal import fragments
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_MENU = ["home", "registry", "who_called", "verify", "codice", "statistics"]


@pytest.fixture(autouse=True)
def _fresh_fragments():
    fragments._rendered.cache_clear()


def _menu(html: str) -> list[str]:
    """The hrefs of the main menu, in order."""
    menu = html.split('<ul class="navbar-nav">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'class="nav-link[^"]*" href="([^"]+)"', menu)


def _current(html: str) -> list[str]:
    """The menu links marked as the current page."""
    menu = html.split('<ul class="navbar-nav">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="([^"]+)" aria-current="page"', menu)


def _reserved(html: str) -> list[str]:
    return _menu(html)[len(PUBLIC_MENU) :]


def test_each_person_sees_the_menu_of_their_role_whoever_came_before(
    client, committee, auditor, applicant, association_member
):
    newcomer = UserFactory(email="nuova@example.it", role="richiedente", organization=None)
    expected = {
        committee: [
            reverse("certification:manage_applications"),
            reverse("certification:seal_register"),
            reverse("certification:manage_reports"),
            reverse("codice_manage:versions"),
            reverse("codice_manage:meetings"),
        ],
        auditor: [reverse("certification:auditor_queue")],
        applicant: [
            reverse("certification:applications"),
            reverse("certification:my_seals"),
            reverse("certification:firm_reports"),
            reverse("certification:organization"),
        ],
        newcomer: [reverse("certification:organization_create")],
        association_member: [reverse("certification:association_reports")],
    }
    for person, links in expected.items():
        client.force_login(person)
        assert _reserved(client.get("/").text) == links, person.role
        client.logout()
        assert _reserved(client.get("/").text) == [], "a visitor sees only the public menu"


def test_the_page_you_are_on_is_marked_in_the_menu_and_no_other(client):
    links = _menu(client.get("/").text)
    assert len(links) == len(PUBLIC_MENU)
    for link in links:
        assert _current(client.get(link).text) == [link]
    assert _current(client.get("/privacy/").text) == []
    assert _current(client.get("/registro/?q=roma").text) == ["/registro/"]


def test_each_language_has_its_own_fragments(client):
    italian = client.get("/").text
    assert "Informativa sulla privacy" in italian and "Statistiche" in italian
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").text
    assert "Informativa sulla privacy" not in english
    assert 'lang="en"' in english and 'aria-current="true"' in english
    assert english.count('value="en" lang="en"') == 1
    assert re.search(r'value="en" lang="en"\s+class="[^"]*bb-lang-active', english)


def test_the_fragments_are_rendered_once_then_reused(client, committee):
    shared = {
        "portal/_head.html",
        "portal/_language_buttons.html",
        "portal/_navigation.html",
        "portal/_visitor_links.html",
        "portal/_footer.html",
    }
    first = {t.name for t in client.get("/").templates}
    assert shared <= first
    assert not shared & {t.name for t in client.get("/").templates}
    # Another page: only its menu, where no link is marked, is new.
    assert shared & {t.name for t in client.get("/privacy/").templates} == {
        "portal/_navigation.html"
    }
    client.force_login(committee)
    # The committee's menu is another fragment; the rest is the visitor's.
    assert shared & {t.name for t in client.get("/").templates} == {"portal/_navigation.html"}


def test_a_changed_setting_renders_them_again(client, settings):
    client.get("/")
    settings.STATIC_URL = "/statici/"
    html = client.get("/").text
    assert 'href="/statici/css/portal.css"' in html


def test_in_development_they_are_rendered_every_time(client, settings):
    settings.DEBUG = True
    client.get("/")
    assert "portal/_footer.html" in {t.name for t in client.get("/").templates}
