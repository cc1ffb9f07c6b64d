"""Celery workers keep their database connection from task to task (issue 7), and drop one that
is unusable or too old before a task; eager tasks, inside the caller's transaction, never."""

from types import SimpleNamespace

from django.conf import settings

from oic_portal.celery import app, drop_unfit_database_connection


def task(*, eager: bool):
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


def test_the_worker_is_told_to_keep_its_connection():
    assert settings.CELERY_DB_REUSE_MAX > 0
    assert app.conf.get("CELERY_DB_REUSE_MAX") == settings.CELERY_DB_REUSE_MAX


def test_an_unfit_connection_is_dropped_before_a_worker_task_only(monkeypatch):
    checked = []
    monkeypatch.setattr("django.db.close_old_connections", lambda: checked.append(True))
    drop_unfit_database_connection(task=task(eager=True))
    assert checked == []
    drop_unfit_database_connection(task=task(eager=False))
    assert checked == [True]
