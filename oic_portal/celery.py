"""The Celery app.

Worker: `celery -A oic_portal worker -l info`; beat: `celery -A oic_portal beat -l info`.
"""

import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oic_portal.settings")

app = Celery("oic_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def drop_unfit_database_connection(task=None, **kwargs) -> None:
    """A worker keeps its database connection from task to task (CELERY_DB_REUSE_MAX): opening
    one costs more than a certificate's queries. Drop it, as Django does between requests, when
    it is unusable (PostgreSQL restarted) or older than CONN_MAX_AGE. Not for eager tasks: they
    run inside the caller's transaction."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
