"""Fixed-window rate limits kept in the cache (Redis in production, so every web server
counts together; local memory in the embedded demo).

    if not hit("segnalazioni", client_ip(request), limit=10, window=3600): ...

    @rate_limit("numero", limit=30, window=60)
    def lookup(request): ...
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind the load balancer the last hop it appended to
    X-Forwarded-For is the one to trust (RATELIMIT_TRUSTED_PROXY_HOPS hops), never the first."""
    hops = settings.RATELIMIT_TRUSTED_PROXY_HOPS
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        chain = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, key: str, window: int) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"rl:{scope}:{int(time.time() // window)}:{digest}"


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one event for (scope, key) in the current window; False once past the limit."""
    if not settings.RATELIMIT_ENABLED:
        return True
    cache_key = _key(scope, key, window)
    if cache.add(cache_key, 1, timeout=window + 1):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window + 1)
        count = 1
    return count <= limit


def too_many(request: HttpRequest, *, window: int) -> HttpResponse:
    message = _("Troppe richieste in poco tempo. Riprova tra qualche minuto.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"errore": message, "codice": "troppe_richieste"}, status=429)
    else:
        response = render(request, "portal/429.html", {"message": message}, status=429)
    response["Retry-After"] = str(window)
    return response


def rate_limit(
    scope: str,
    *,
    limit: int,
    window: int,
    key: Callable[[HttpRequest], str] = client_ip,
    methods: tuple[str, ...] = ("GET", "POST"),
):
    """Refuse with 429 (a page, or JSON under /api/) once a client passes the limit."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and not hit(
                scope, key(request), limit=limit, window=window
            ):
                return too_many(request, window=window)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
