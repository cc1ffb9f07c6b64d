"""The Celery app.

Worker: `celery -A oic_portal worker -l info`; beat: `celery -A oic_portal beat -l info`.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oic_portal.settings")

app = Celery("oic_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
