import pytest

from tests.celery_worker import use_broker


@pytest.mark.django_db
def test_it_reports_database_and_broker(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "in-process"}


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    from oic_portal.celery import app

    previous = (app.conf.broker_url, app.conf.task_always_eager)
    use_broker(settings.CELERY_BROKER_URL, eager=False)
    try:
        response = client.get("/healthz")
    finally:
        use_broker(previous[0], eager=previous[1])
    assert response.status_code == 503
    assert response.json()["broker"] == "unreachable"


@pytest.mark.django_db
def test_it_refuses_post(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_it_reports_a_reachable_redis_broker(client, settings):
    from oic_portal.celery import app
    from tests.celery_worker import TEST_BROKER_URL

    settings.CELERY_BROKER_URL = TEST_BROKER_URL
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    use_broker(TEST_BROKER_URL, eager=False)
    try:
        response = client.get("/healthz")
    finally:
        use_broker(previous[0], eager=previous[1])
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"
