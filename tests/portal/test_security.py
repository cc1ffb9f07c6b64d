"""Hardening: security headers, login lockout and rate limit, the second factor for staff,
staff session limits, and the security log."""

import logging
import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from oic_portal.security import LAST_SEEN, SESSION_STARTED

pytestmark = pytest.mark.django_db

PASSWORD = "una-password-lunga-2026"


def _login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_pages_carry_the_security_headers(client):
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_five_failures_lock_the_account_out_even_with_the_right_password(client, applicant):
    applicant.set_password(PASSWORD)
    applicant.save()
    for _ in range(4):
        assert _login(client, applicant.email, "sbagliata").status_code == 200
    assert _login(client, applicant.email, "sbagliata").status_code == 429  # the fifth
    response = _login(client, applicant.email, PASSWORD)
    assert response.status_code in (403, 429)
    assert "Accesso temporaneamente bloccato" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_success_before_the_limit_resets_the_count(client, applicant):
    applicant.set_password(PASSWORD)
    applicant.save()
    for _ in range(4):
        _login(client, applicant.email, "sbagliata")
    assert _login(client, applicant.email, PASSWORD).status_code == 302


def test_the_login_form_is_rate_limited_per_address(client, settings):
    for n in range(20):
        assert _login(client, f"persona{n}@example.com", "x").status_code == 200
    response = _login(client, "altra@example.com", "x")
    assert response.status_code == 429
    assert response["Retry-After"]


def test_failed_logins_and_refusals_are_logged(client, applicant, caplog):
    with caplog.at_level(logging.INFO, logger="portal.security"):
        _login(client, applicant.email, "sbagliata")
        client.force_login(applicant)
        client.get(reverse("codice_manage:versions"))
    messages = [r.getMessage() for r in caplog.records if r.name == "portal.security"]
    assert any(m.startswith("login_failed") and applicant.email not in m for m in messages)
    assert any(m.startswith("access_refused status=403") for m in messages)


@pytest.fixture
def otp_on(settings):
    settings.OTP_REQUIRED = True
    # django-otp's own delay after a wrong code would slow the tests; the portal's cap stays.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.mark.usefixtures("otp_on")
def test_staff_set_up_an_authenticator_before_anything_else(client, committee):
    client.force_login(committee)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    page = client.get(response["Location"])
    assert "otpauth" not in page.content.decode()  # the secret is in the QR code and as text
    device = TOTPDevice.objects.get(user=committee, confirmed=False)
    wrong = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "Codice non valido" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    done = client.post(
        reverse("two_factor_setup"), {"code": _code(device), "next": "/area-riservata/"}
    )
    assert done.status_code == 302 and done["Location"] == "/area-riservata/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.usefixtures("otp_on")
def test_staff_type_a_code_at_each_login(client, auditor):
    device = TOTPDevice.objects.create(user=auditor, name="app", confirmed=True)
    client.force_login(auditor)
    response = client.get(reverse("dashboard"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert client.get("/admin/").status_code == 302
    bad = client.post(reverse("two_factor_verify"), {"code": "12"})
    assert "6 cifre" in bad.content.decode()
    ok = client.post(reverse("two_factor_verify"), {"code": _code(device)})
    assert ok.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.usefixtures("otp_on")
def test_guessing_the_code_is_capped(client, auditor, settings):
    settings.OTP_ATTEMPTS_PER_HOUR = 3
    device = TOTPDevice.objects.create(user=auditor, name="app", confirmed=True)
    client.force_login(auditor)
    for _ in range(3):
        client.post(reverse("two_factor_verify"), {"code": "000000"})
    response = client.post(reverse("two_factor_verify"), {"code": _code(device)})
    assert "Troppi tentativi" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.usefixtures("otp_on")
def test_applicants_need_no_second_factor(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("dashboard")).status_code == 200


def _verified(client, user) -> TOTPDevice:
    """`user` logged in, past the second factor."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    assert client.post(reverse("two_factor_verify"), {"code": _code(device)}).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    return device


def test_a_deactivated_persons_session_ends_at_their_next_request(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("dashboard")).status_code == 200

    applicant.is_active = False
    applicant.save(update_fields=["is_active"])

    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.usefixtures("otp_on")
def test_removing_the_authenticator_asks_for_the_second_factor_again(client, auditor):
    device = _verified(client, auditor)

    device.delete()

    response = client.get(reverse("dashboard"))
    assert response["Location"].startswith(reverse("two_factor_setup"))


@pytest.mark.usefixtures("otp_on")
def test_an_authenticator_no_longer_confirmed_or_someone_elses_does_not_count(
    client, auditor, committee
):
    device = _verified(client, auditor)

    TOTPDevice.objects.filter(pk=device.pk).update(user=committee)
    assert client.get(reverse("dashboard"))["Location"].startswith("/accesso/due-fattori/")

    device = _verified(client, auditor)
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    assert client.get(reverse("dashboard"))["Location"].startswith("/accesso/due-fattori/")


@pytest.fixture(params=["db", "cached_db"])
def session_engine(request, settings):
    """Both engines the portal runs on: the database (the demo) and Redis in front of it
    (production)."""
    settings.SESSION_ENGINE = f"django.contrib.sessions.backends.{request.param}"


@pytest.mark.usefixtures("session_engine")
def test_a_staff_session_ends_after_30_idle_minutes(client, committee):
    client.force_login(committee)
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.session.get_expiry_age() == 12 * 3600
    session = client.session
    session[LAST_SEEN] = time.time() - 29 * 60
    session.save()
    assert client.get(reverse("dashboard")).status_code == 200  # and the clock restarts
    assert time.time() - client.session[LAST_SEEN] < 5
    session = client.session
    session[LAST_SEEN] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("session_engine")
def test_a_staff_session_ends_after_12_hours_in_all(client, committee):
    client.force_login(committee)
    session = client.session
    session[SESSION_STARTED] = time.time() - 12 * 3600 - 1
    session.save()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_busy_staff_pages_do_not_write_the_session_on_every_request(client, committee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(committee)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboard"))
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


def test_an_applicant_session_keeps_the_usual_length(client, applicant, settings):
    client.force_login(applicant)
    client.get(reverse("dashboard"))
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_production_logs_are_one_json_object_per_line():
    import json as json_module

    from oic_portal.log_format import JsonFormatter

    record = logging.LogRecord(
        "portal.security", logging.WARNING, __file__, 1, "login_failed who=%s", ("abc",), None
    )
    record.request_id = "r-1"
    line = JsonFormatter().format(record)
    entry = json_module.loads(line)
    assert entry["message"] == "login_failed who=abc"
    assert (entry["level"], entry["logger"], entry["request_id"]) == (
        "WARNING",
        "portal.security",
        "r-1",
    )
