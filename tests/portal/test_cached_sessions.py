"""With a shared cache (production's Redis) sessions are read from the cache and written to both
it and the database: the staff session's end on logout and on erasure work the same way (its
time limits: tests/portal/test_security.py, on both engines)."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oic_portal.security import LAST_SEEN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cached_sessions(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def _session_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q["sql"] for q in queries if "django_session" in q["sql"]]


def test_a_staff_page_reads_the_session_from_the_cache(client, committee):
    client.force_login(committee)
    client.get(reverse("dashboard"))
    response, queries = _session_queries(client, reverse("dashboard"))
    assert response.status_code == 200
    assert queries == []


def test_a_logged_out_session_cannot_be_used_again(client, committee, settings):
    client.force_login(committee)
    assert client.get(reverse("dashboard")).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"))
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_last_request_time_still_reaches_the_database(client, committee):
    """Once a minute the session is written, to the cache and to the database both."""
    client.force_login(committee)
    client.get(reverse("dashboard"))
    session = client.session
    session[LAST_SEEN] = time.time() - 5 * 60
    session.save()
    _, queries = _session_queries(client, reverse("dashboard"))
    assert any("UPDATE" in sql for sql in queries)
    _, queries = _session_queries(client, reverse("dashboard"))
    assert queries == []


def test_erasing_a_person_ends_their_cached_session_too(client, applicant, admin_user, settings):
    from importlib import import_module

    from django.core.cache import cache

    from certification.services.privacy import user_erase

    client.force_login(applicant)
    client.get(reverse("dashboard"))
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert cache.get(store.cache_key_prefix + key) is not None
    user_erase(user=applicant, by=admin_user)
    assert cache.get(store.cache_key_prefix + key) is None
    assert store(key).load() == {}
