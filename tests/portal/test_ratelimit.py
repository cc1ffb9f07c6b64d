"""The fixed-window rate limiter (oic_portal.ratelimit): counting per scope and key, the window
rolling over, the client's address behind proxies, and the 429 answers of the decorator."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from oic_portal import ratelimit
from oic_portal.ratelimit import client_ip, hit, rate_limit, too_many

WINDOW = 3600


@pytest.fixture
def rf():
    return RequestFactory()


def _at(seconds: float):
    return mock.patch("oic_portal.ratelimit.time.time", return_value=seconds)


def test_the_limit_allows_exactly_n_events_in_a_window():
    results = [hit("prova", "1.2.3.4", limit=3, window=WINDOW) for _ in range(5)]
    assert results == [True, True, True, False, False]


def test_scopes_and_keys_are_counted_apart():
    assert hit("a", "k", limit=1, window=WINDOW)
    assert not hit("a", "k", limit=1, window=WINDOW)
    assert hit("b", "k", limit=1, window=WINDOW)
    assert hit("a", "altra", limit=1, window=WINDOW)


def test_a_new_window_starts_counting_again():
    start = 1_800_000_000 - 1_800_000_000 % WINDOW
    with _at(start + 10):
        assert hit("w", "k", limit=1, window=WINDOW)
        assert not hit("w", "k", limit=1, window=WINDOW)
    with _at(start + WINDOW - 1):
        assert not hit("w", "k", limit=1, window=WINDOW)
    with _at(start + WINDOW):
        assert hit("w", "k", limit=1, window=WINDOW)


def test_a_limit_of_zero_refuses_everything():
    assert not hit("zero", "k", limit=0, window=WINDOW)


def test_the_key_is_stored_hashed_not_in_clear():
    key = ratelimit._key("segnalazioni", "mario@example.it", WINDOW)
    assert "mario" not in key and key.startswith("rl:segnalazioni:")


def test_limits_can_be_switched_off(settings):
    settings.RATELIMIT_ENABLED = False
    assert all(hit("off", "k", limit=1, window=WINDOW) for _ in range(5))


def test_the_clients_address_is_remote_addr_without_trusted_proxies(rf, settings):
    settings.RATELIMIT_TRUSTED_PROXY_HOPS = 0
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip(request) == "10.0.0.1"


def test_behind_a_proxy_the_last_hop_it_appended_counts_not_what_the_client_claims(rf, settings):
    settings.RATELIMIT_TRUSTED_PROXY_HOPS = 1
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "203.0.113.7"
    settings.RATELIMIT_TRUSTED_PROXY_HOPS = 2
    assert client_ip(request) == "6.6.6.6"


def test_a_chain_shorter_than_the_proxies_falls_back_to_remote_addr(rf, settings):
    settings.RATELIMIT_TRUSTED_PROXY_HOPS = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == "10.0.0.1"
    request = rf.get("/", REMOTE_ADDR="")
    assert client_ip(request) == "unknown"


@rate_limit("vista", limit=2, window=60)
def _view(request):
    return HttpResponse("ok")


@rate_limit("solo-post", limit=1, window=60, methods=("POST",))
def _post_view(request):
    return HttpResponse("ok")


@pytest.mark.django_db
def test_the_decorator_answers_429_with_the_page_and_retry_after(rf):
    responses = [_view(rf.get("/pagina/", REMOTE_ADDR="10.0.0.1")) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[-1]["Retry-After"] == "60"
    assert "Troppe richieste" in responses[-1].content.decode()
    # Another client is not affected.
    assert _view(rf.get("/pagina/", REMOTE_ADDR="10.0.0.2")).status_code == 200


def test_under_api_the_refusal_is_json(rf):
    for _ in range(2):
        _view(rf.get("/api/registro/", REMOTE_ADDR="10.0.0.3"))
    response = _view(rf.get("/api/registro/", REMOTE_ADDR="10.0.0.3"))
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["codice"] == "troppe_richieste"


def test_the_decorator_counts_only_the_methods_it_is_told(rf):
    for _ in range(3):
        assert _post_view(rf.get("/", REMOTE_ADDR="10.0.0.4")).status_code == 200
    assert _post_view(rf.post("/", REMOTE_ADDR="10.0.0.4")).status_code == 200
    assert _post_view(rf.post("/", REMOTE_ADDR="10.0.0.4")).status_code == 429


@pytest.mark.django_db
def test_too_many_says_how_long_to_wait(rf):
    response = too_many(rf.get("/segnalazioni/nuova/"), window=3600)
    assert (response.status_code, response["Retry-After"]) == (429, "3600")
