"""The public verification of a seal (/verifica/): the form, the seal's page (the QR code's
target), its JSON twin and the certificate download, for a visitor who is not logged in."""

import datetime
import hashlib

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from certification.models import Seal
from certification.services.seals import seal_reinstate, seal_revoke, seal_suspend, seals_expire
from tests.certification.seal_helpers import approve

pytestmark = pytest.mark.django_db

R = Seal.PublicReason
INTERNAL_REASON = "Telefonata del 3 marzo alle 22:40 al sig. Rossi (pratica riservata n. 4471)"
JSON_KEYS = {
    "number",
    "url",
    "status",
    "status_label",
    "valid",
    "public_reason",
    "public_reason_label",
    "organization",
    "valid_from",
    "valid_until",
    "code_version",
    "certificate",
    "history",
}


@pytest.fixture
def seal(firm_a, applicant, committee, auditor, private_root, django_capture_on_commit_callbacks):
    """Firm A's active seal, its certificate rendered (eager Celery, after the commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        issued = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    issued.refresh_from_db()
    assert issued.pdf_status == Seal.PdfStatus.READY
    return issued


@pytest.fixture
def pending_seal(firm_a, applicant, committee, auditor, private_root):
    """Approved, but the render task has not run yet (the commit callbacks never fire)."""
    issued = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    assert issued.pdf_status == Seal.PdfStatus.PENDING
    return issued


def suspended(seal, committee):
    return seal_suspend(seal=seal, by=committee, reason=INTERNAL_REASON, public_reason=R.REPORTS)


def revoked(seal, committee):
    return seal_revoke(seal=seal, by=committee, reason=INTERNAL_REASON, public_reason=R.CEASED)


def expired(seal):
    assert seals_expire(today=seal.valid_until + datetime.timedelta(days=1)) == 1
    seal.refresh_from_db()
    return seal


def page_url(seal) -> str:
    return f"/verifica/{seal.number}/"


def json_url(seal) -> str:
    return f"/verifica/{seal.number}.json"


def pdf_url(seal) -> str:
    return f"/verifica/{seal.number}/certificato.pdf"


# --- The form ---------------------------------------------------------------------------------


def test_the_form_asks_for_a_seal_number(client):
    response = client.get("/verifica/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Verifica un bollino" in page
    assert 'name="numero"' in page
    assert "BB-2025-00042" in page  # what a number looks like
    assert "is-invalid" not in page


@pytest.mark.parametrize(
    "typed",
    [
        "BB-2026-00042",
        "bb-2026-00042",
        "  bb 2026 00042  ",
        "BB_2026_00042",
        "bb - 2026 - 00042",
        "BB\u20132026\u201300042",  # en dashes, as pasted from a PDF
        "bb\u00a02026\u00a000042",  # non-breaking spaces
    ],
)
def test_the_form_tidies_a_sloppy_number_and_goes_to_its_page(
    client, typed, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/verifica/", {"numero": typed})
    assert response.status_code == 302
    assert response["Location"] == "/verifica/BB-2026-00042/"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Scrivi il numero del bollino da verificare."),
        ("   ", "Scrivi il numero del bollino da verificare."),
        ("BB-2026-42", "aggiungi gli zeri iniziali"),
        ("bb 2026 0042", "aggiungi gli zeri iniziali"),
        ("BB-2026-000042", "Questo non è un numero di bollino."),
        ("BB-26-00042", "Questo non è un numero di bollino."),
        ("XB-2026-00042", "Questo non è un numero di bollino."),
        ("BB2026-00042", "Questo non è un numero di bollino."),
        ("BB-\uff12\uff10\uff12\uff16-00042", "Questo non è un numero di bollino."),  # wide digits
        ("Contact Uno S.r.l.", "Questo non è un numero di bollino."),
        ("../../etc/passwd", "Questo non è un numero di bollino."),
        ("B" * 5000, "Il testo è troppo lungo per essere un numero di bollino."),
    ],
)
def test_the_form_explains_what_is_wrong_with_a_number(client, typed, message):
    response = client.get("/verifica/", {"numero": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "is-invalid" in page
    assert "Il numero non è stato riconosciuto" in page


def test_the_form_takes_only_get(client):
    assert client.post("/verifica/", {"numero": "BB-2026-00042"}).status_code == 405


# --- An active seal ---------------------------------------------------------------------------


def test_an_active_seal_shows_status_firm_validity_code_and_fingerprint(
    client, seal, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the seal with firm and code version; its history
        response = client.get(page_url(seal))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Bollino n. {seal.number}" in page
    assert '<span class="badge bg-success">Attivo</span>' in page
    assert "alert-success" in page
    assert "Il bollino è attivo: il certificato è valido." in page
    assert '<a href="/registro/01234560157/">Contact Uno S.r.l.</a>' in page
    assert "01234560157" in page
    assert f"{seal.organization.comune} ({seal.organization.provincia_id})" in page
    assert date_format(seal.valid_from) in page and date_format(seal.valid_until) in page
    assert f'href="/codice/{seal.code_version.number}/"' in page
    assert seal.pdf_sha256 in page
    assert f'href="{pdf_url(seal)}"' in page
    assert "Rilascio del bollino" in page
    assert 'name="robots"' not in page
    assert "no-cache" in response["Cache-Control"]


def test_an_active_seals_json_has_the_same_public_data(
    client, seal, settings, django_assert_num_queries
):
    with django_assert_num_queries(2):
        response = client.get(json_url(seal))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == JSON_KEYS
    assert data["number"] == seal.number
    assert data["url"] == f"{settings.SITE_URL}/verifica/{seal.number}/"
    assert (data["status"], data["status_label"], data["valid"]) == ("attivo", "Attivo", True)
    assert data["public_reason"] is None
    assert data["organization"] == {
        "legal_name": "Contact Uno S.r.l.",
        "partita_iva": "01234560157",
        "comune": seal.organization.comune,
        "provincia": seal.organization.provincia_id,
    }
    assert data["valid_from"] == seal.valid_from.isoformat()
    assert data["valid_until"] == seal.valid_until.isoformat()
    assert data["code_version"]["number"] == seal.code_version.number
    assert data["code_version"]["url"].endswith(f"/codice/{seal.code_version.number}/")
    assert data["certificate"] == {
        "ready": True,
        "sha256": seal.pdf_sha256,
        "url": f"{settings.SITE_URL}{pdf_url(seal)}",
    }
    assert data["history"] == [
        {
            "date": timezone.localdate(seal.issued_at).isoformat(),
            "status": "attivo",
            "status_label": "Attivo",
            "public_reason": None,
            "public_reason_label": None,
        }
    ]


def test_an_active_seals_certificate_downloads_as_the_pdf_whose_fingerprint_is_shown(
    client, seal, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = client.get(pdf_url(seal))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{seal.number}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == seal.pdf_sha256


def test_the_pages_need_no_login_and_a_lowercase_address_leads_to_the_right_one(client, seal):
    response = client.get(f"/verifica/{seal.number.lower()}/")
    assert response.status_code == 301
    assert response["Location"] == page_url(seal)
    assert client.get(f"/verifica/{seal.number.lower()}.json").json()["number"] == seal.number


def test_the_seal_pages_take_only_get(client, seal):
    assert client.post(page_url(seal)).status_code == 405
    assert client.post(json_url(seal)).status_code == 405
    assert client.post(pdf_url(seal)).status_code == 405


# --- Suspended, revoked, expired ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "word", "tone", "verdict", "reason"),
    [
        (
            "suspend",
            "Sospeso",
            "warning",
            "Il bollino è sospeso: il certificato non è valido",
            "Segnalazioni fondate dei consumatori",
        ),
        (
            "revoke",
            "Revocato",
            "danger",
            "Il bollino è stato revocato: il certificato non è valido.",
            "Cessazione dell&#x27;attività",
        ),
        (
            "expire",
            "Scaduto",
            "secondary",
            "Il bollino è scaduto: il certificato non è più valido.",
            "Fine del periodo di validità",
        ),
    ],
)
def test_a_seal_that_is_not_active_says_so_and_offers_no_certificate(
    client, seal, committee, change, word, tone, verdict, reason, django_assert_num_queries
):
    {
        "suspend": lambda: suspended(seal, committee),
        "revoke": lambda: revoked(seal, committee),
        "expire": lambda: expired(seal),
    }[change]()
    with django_assert_num_queries(2):
        response = client.get(page_url(seal))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<span class="badge bg-{tone}">{word}</span>' in page
    assert f"alert-{tone}" in page
    assert verdict in page
    assert f"Motivo: {reason}." in page
    assert "Il certificato di questo bollino non è valido e non si può scaricare." in page
    assert "certificato.pdf" not in page
    assert "bg-success" not in page
    # The fingerprint of the certificate once issued stays, so a copy can be recognised.
    assert seal.pdf_sha256 in page
    assert INTERNAL_REASON not in page
    assert "Carla" not in page and "carla.comitato@oic.example" not in page

    response = client.get(pdf_url(seal))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert f'href="{page_url(seal)}"' in response.content.decode()


@pytest.mark.parametrize(
    ("change", "status", "label", "public_reason"),
    [
        ("suspend", "sospeso", "Sospeso", "segnalazioni"),
        ("revoke", "revocato", "Revocato", "cessata_attivita"),
        ("expire", "scaduto", "Scaduto", "scadenza"),
    ],
)
def test_the_json_of_a_seal_that_is_not_active_hides_internal_reasons_and_actors(
    client, seal, committee, change, status, label, public_reason
):
    {
        "suspend": lambda: suspended(seal, committee),
        "revoke": lambda: revoked(seal, committee),
        "expire": lambda: expired(seal),
    }[change]()
    response = client.get(json_url(seal))
    assert response.status_code == 200
    data = response.json()
    assert set(data) == JSON_KEYS
    assert (data["status"], data["status_label"], data["valid"]) == (status, label, False)
    assert data["public_reason"] == public_reason
    assert data["certificate"] == {"ready": True, "sha256": seal.pdf_sha256, "url": None}
    assert [row["status"] for row in data["history"]] == ["attivo", status]
    assert data["history"][-1]["public_reason"] == public_reason
    assert all(set(row) == {"date", "status", "status_label", "public_reason",
                            "public_reason_label"} for row in data["history"])  # fmt: skip
    raw = response.content.decode()
    for secret in (INTERNAL_REASON, "Requisiti rispettati", "Carla", "carla.comitato"):
        assert secret not in raw


def test_a_reinstated_seal_is_active_again_and_its_history_says_why(client, seal, committee):
    suspended(seal, committee)
    seal_reinstate(seal=seal, by=committee, reason="Verifica straordinaria superata")
    page = client.get(page_url(seal)).content.decode()
    assert '<span class="badge bg-success">Attivo</span>' in page
    assert "Segnalazioni fondate dei consumatori" in page
    assert "Cause della sospensione rimosse" in page
    assert "Verifica straordinaria superata" not in page
    assert client.get(pdf_url(seal)).status_code == 200
    history = client.get(json_url(seal)).json()["history"]
    assert [(row["status"], row["public_reason"]) for row in history] == [
        ("attivo", None),
        ("sospeso", "segnalazioni"),
        ("attivo", "rientrato"),
    ]


def test_a_seal_past_its_last_day_is_shown_expired_before_the_daily_task_records_it(
    client, firm_a, applicant, committee, auditor, private_root, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    three_years_ago = timezone.now() - datetime.timedelta(days=3 * 365)
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: three_years_ago)
        with django_capture_on_commit_callbacks(execute=True):
            old = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    old.refresh_from_db()
    assert old.status == Seal.Status.ACTIVE and old.valid_until < timezone.localdate()

    page = client.get(page_url(old)).content.decode()
    assert '<span class="badge bg-secondary">Scaduto</span>' in page
    assert "Il bollino è scaduto: il certificato non è più valido." in page
    assert "certificato.pdf" not in page
    assert client.get(pdf_url(old)).status_code == 404
    data = client.get(json_url(old)).json()
    assert (data["status"], data["valid"], data["certificate"]["url"]) == ("scaduto", False, None)


# --- A certificate being prepared --------------------------------------------------------------


def test_a_certificate_being_prepared_is_announced_and_not_downloadable(client, pending_seal):
    page = client.get(page_url(pending_seal)).content.decode()
    assert '<span class="badge bg-success">Attivo</span>' in page
    assert "Il certificato è in preparazione" in page
    assert "certificato.pdf" not in page
    assert "SHA-256" not in page
    assert client.get(pdf_url(pending_seal)).status_code == 404
    certificate = client.get(json_url(pending_seal)).json()["certificate"]
    assert certificate == {"ready": False, "sha256": None, "url": None}


def test_a_certificate_gone_from_the_disk_is_a_404_not_a_500(client, seal, private_root):
    (private_root / seal.pdf_file).unlink()
    assert client.get(pdf_url(seal)).status_code == 404


# --- Unknown and malformed numbers -------------------------------------------------------------


def test_an_unknown_number_gets_a_clear_page_and_a_json_error(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = client.get("/verifica/BB-2026-99999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Bollino non trovato" in page
    assert "Non esiste nessun Bollino Blu Qualità con il numero BB-2026-99999." in page
    assert "BB-2025-00042" in page
    assert 'href="/verifica/"' in page
    assert 'href="/registro/"' in page

    response = client.get("/verifica/BB-2026-99999.json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
    assert response.json()["error"]

    assert client.get("/verifica/BB-2026-99999/certificato.pdf").status_code == 404


ODD_NUMBERS = [
    "BB-2026-1",
    "hello",
    "BB-2026-000001",
    "A" * 5000,
    "%E2%9C%93%F0%9F%98%80",  # ✓😀
    "BB-%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96-00001",  # wide digits
    "..%2E",
    "%3Cscript%3Ealert(1)%3C%5Cscript%3E",
    "BB-2026-00001%27%20OR%20%271%27=%271",
    "%00",
    "%FF%FE",  # not UTF-8
]


@pytest.mark.parametrize("odd", ODD_NUMBERS)
def test_a_malformed_number_gets_a_clear_404_page_without_touching_the_database(
    client, db, odd, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(f"/verifica/{odd}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Numero di bollino non valido" in page
    assert "BB-2025-00042" in page
    assert 'href="/verifica/"' in page and 'href="/registro/"' in page
    assert "<script>alert" not in page


@pytest.mark.parametrize("odd", ODD_NUMBERS)
def test_a_malformed_number_gets_a_json_404(client, db, odd):
    response = client.get(f"/verifica/{odd}.json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "malformed"
    assert client.get(f"/verifica/{odd}/certificato.pdf").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/verifica/../../etc/passwd",
        "/verifica/..%2F..%2Fsettings.py/",
        "/verifica/BB-2026-00001/../../",
        "/verifica/a/b/c/",
        "/verifica/..%2F..%2Fsettings.json",
    ],
)
def test_paths_that_climb_or_nest_are_a_404_never_a_500(client, db, path):
    assert client.get(path).status_code == 404


# --- the page's body from the cache (issue 7) ----------------------------------------------


def test_the_page_again_costs_one_query_and_every_change_shows_at_once(
    client, seal, committee, django_assert_num_queries
):
    from certification.models import Organization

    assert client.get(page_url(seal)).status_code == 200
    with django_assert_num_queries(1):  # the seal, its firm and version; the body is cached
        assert "Attivo" in client.get(page_url(seal)).text
    suspended(seal, committee)
    assert 'id="stato"' in (text := client.get(page_url(seal)).text)
    assert "sospeso" in text.lower()
    Organization.objects.filter(pk=seal.organization_id).update(legal_name="Nuovo Nome S.r.l.")
    assert "Nuovo Nome S.r.l." in client.get(page_url(seal)).text


def test_a_seal_past_its_last_day_reads_expired_the_next_day_even_if_cached(client, seal):
    from unittest import mock

    assert "Il bollino è scaduto" not in client.get(page_url(seal)).text
    day_after = timezone.make_aware(
        datetime.datetime.combine(seal.valid_until + datetime.timedelta(days=1), datetime.time(9))
    )
    with mock.patch("django.utils.timezone.now", return_value=day_after):
        assert "Il bollino è scaduto" in client.get(page_url(seal)).text
