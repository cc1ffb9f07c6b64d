"""gunicorn settings for the portal (Procfile: web). Every value can be set from the
environment, so one file serves a laptop and a rack of web servers behind a load balancer."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers, as many as cores (two at least). The pages are CPU-bound, and a worker's
# PostgreSQL backend runs while the worker waits for its answer: bench/web.py measured queries
# waiting up to 25 ms for a core with 2 × cores + 1 workers, a few with cores + 1, none with
# cores, for the same throughput; gthread workers made requests wait for each other's GIL.
# A sync worker is held by a long request, but the only long one, the whole registry's
# export, is written once per registry generation and then sent from a file
# (services.export_files); slow clients are the reverse proxy's to buffer.
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count())))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter), so slow leaks never pile up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
# Large uploads: the body limit belongs to the reverse proxy in front (see README); gunicorn
# only bounds the request line and headers.
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '{"time": "%(t)s", "remote": "%(h)s", "request": "%(r)s", "status": %(s)s, '
    '"bytes": %(B)s, "duration_ms": %(M)s, "agent": "%(a)s"}'
)


def post_worker_init(worker) -> None:
    """Move everything loaded so far (Django, the apps, the models) out of the garbage
    collector's reach: a full collection then walks only what requests create, instead of
    pausing a worker for ~100 ms every hundred requests."""
    import gc

    gc.freeze()
