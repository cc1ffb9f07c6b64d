"""Settings for bench/web.py and bench/exports.py: the portal's own settings (production when
DJANGO_ENV=production) plus the baseline view's URL and the probe that times each request and
its queries on the server side. Never used outside the benchmarks."""

from oic_portal.settings import *  # noqa: F403
from oic_portal.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# Outermost, so the time it records covers every other middleware too.
MIDDLEWARE = ["bench.probe.ProbeMiddleware", *MIDDLEWARE]
