"""The portal's Redis cache (oic_portal.cache): Django's, reusing one Redis client; and a
value missing from it computed by one request at a time."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache

from oic_portal.cache import PortalRedisCache, cached_once, computing, taking_turns

# One Redis database per pytest-xdist process (gw0: 13, gw1: 12; the Celery tests' are 15, 14):
# the tests empty it.
REDIS_URL = (
    f"redis://127.0.0.1:6379/{13 - int(os.environ.get('PYTEST_XDIST_WORKER', 'gw0')[2:] or 0)}"
)


@pytest.fixture
def redis_cache():
    cache = PortalRedisCache(REDIS_URL, {"KEY_PREFIX": "test-cache"})
    cache.clear()
    yield cache
    cache.clear()


def test_values_go_in_and_come_back(redis_cache):
    redis_cache.set("a", {"count": 3}, 60)
    redis_cache.set_many({"b": [1, 2], "c": b"\x00\x01"}, 60)
    assert redis_cache.get("a") == {"count": 3}
    assert redis_cache.get_many(["b", "c", "missing"]) == {"b": [1, 2], "c": b"\x00\x01"}
    assert redis_cache.add("counter", 1, 60)
    assert not redis_cache.add("counter", 5, 60)
    assert redis_cache.incr("counter") == 2
    assert redis_cache.get("counter") == 2
    redis_cache.delete("a")
    assert redis_cache.get("a") is None


def test_every_operation_uses_the_same_client(redis_cache):
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client() is client
    redis_cache.set("a", 1, 60)
    assert redis_cache._cache.get_client("a") is client


# --- one computation at a time (computing, cached_once) ------------------------------------


@pytest.fixture
def shared_cache(settings):
    """The default cache on Redis, shared by threads as by the server's processes."""
    settings.CACHES = {
        "default": {
            "BACKEND": "oic_portal.cache.PortalRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "test-once",
        }
    }
    cache.clear()
    yield cache
    cache.clear()


def in_threads(*calls):
    """Run the calls at once, each in its thread; their results, in order."""
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result(timeout=10) for future in futures]


def test_a_missing_value_is_computed_once_while_the_others_wait(shared_cache):
    computed = []

    def slow():
        computed.append(1)
        time.sleep(0.3)
        return "la pagina"

    results = in_threads(*[lambda: cached_once("pagina", slow, 60)] * 4)

    assert results == ["la pagina"] * 4
    assert len(computed) == 1
    assert shared_cache.get("pagina") == "la pagina"
    assert shared_cache.get("pagina:computing") is None


def test_a_request_stops_waiting_and_computes_when_the_other_is_too_slow(shared_cache, monkeypatch):
    monkeypatch.setattr("oic_portal.cache.WAIT_SECONDS", 0.1)
    release = threading.Event()

    def stuck():
        release.wait(5)
        return "tardi"

    def waiting():
        time.sleep(0.05)  # after the first has the mark
        started = time.monotonic()
        value = cached_once("pagina", lambda: "subito", 60)
        return value, time.monotonic() - started

    def release_later():
        time.sleep(0.5)
        release.set()
        return None

    first, (second, waited), _ = in_threads(
        lambda: cached_once("pagina", stuck, 60), waiting, release_later
    )

    assert second == "subito"
    assert 0.1 <= waited < 0.4
    assert first == "tardi"


def test_a_failed_computation_leaves_no_mark_behind(shared_cache):
    def failing():
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError):
        cached_once("pagina", failing, 60)

    started = time.monotonic()
    assert cached_once("pagina", lambda: "ricalcolata", 60) == "ricalcolata"
    assert time.monotonic() - started < 0.1  # nobody waited for the failed one


def test_computing_tells_the_waiter_to_look_again(shared_cache):
    order = []

    def holder():
        with computing("blocco") as mine:
            order.append(("holder", mine))
            time.sleep(0.2)
            shared_cache.set("blocco", "letto", 60)

    def waiter():
        time.sleep(0.05)
        with computing("blocco") as mine:
            order.append(("waiter", mine, shared_cache.get("blocco")))

    in_threads(holder, waiter)

    assert order == [("holder", True), ("waiter", False, "letto")]


# --- heavy work one request at a time (taking_turns) ----------------------------------------


def test_blocks_under_the_same_turn_never_run_side_by_side(shared_cache):
    running, most = [], []
    lock = threading.Lock()

    def heavy(n):
        with taking_turns("ordinamento") as taken:
            with lock:
                running.append(n)
                most.append(len(running))
            time.sleep(0.05)
            with lock:
                running.remove(n)
        return taken

    assert in_threads(*[lambda n=n: heavy(n) for n in range(4)]) == [True] * 4
    assert max(most) == 1
    assert shared_cache.get("ordinamento:turn") is None


def test_different_turns_do_not_wait_for_each_other(shared_cache):
    def heavy(key):
        started = time.monotonic()
        with taking_turns(key):
            time.sleep(0.2)
        return time.monotonic() - started

    assert max(in_threads(lambda: heavy("uno"), lambda: heavy("due"))) < 0.35


def test_a_turn_held_too_long_is_not_waited_for_beyond_the_limit(shared_cache):
    release = threading.Event()

    def holder():
        with taking_turns("ordinamento"):
            release.wait(5)

    def waiter():
        time.sleep(0.05)
        started = time.monotonic()
        with taking_turns("ordinamento", wait=0.1) as taken:
            waited = time.monotonic() - started
        # The turn is still the holder's: the waiter that went ahead did not end it.
        still_held = shared_cache.get("ordinamento:turn") is not None
        release.set()
        return taken, waited, still_held

    _, (taken, waited, still_held) = in_threads(holder, waiter)
    assert taken is False
    assert 0.1 <= waited < 0.4
    assert still_held
    assert shared_cache.get("ordinamento:turn") is None


def test_a_failed_block_gives_the_turn_back(shared_cache):
    with pytest.raises(RuntimeError), taking_turns("ordinamento"):
        raise RuntimeError("database gone")
    started = time.monotonic()
    with taking_turns("ordinamento") as taken:
        assert taken
    assert time.monotonic() - started < 0.05
