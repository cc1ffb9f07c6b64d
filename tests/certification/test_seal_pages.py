"""The seal pages: the committee's register, a seal's page with its actions, the bulk
re-rendering and its progress; the firm's seals, certificate downloads and the renewal button."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certification.models import (
    Application,
    ApplicationEvent,
    CertificateBatch,
    CertificateFile,
    Seal,
    SealCounter,
    SealEvent,
)
from certification.services.seals import format_number, seal_suspend
from codice.models import CodeVersion
from tests.certification.application_helpers import reference_data  # noqa: F401
from tests.certification.seal_helpers import approve
from tests.factories import (
    ApplicationFactory,
    OrganizationFactory,
    UserFactory,
    make_current_version_with_checklist,
)

pytestmark = pytest.mark.django_db

St = Seal.Status
R = Seal.PublicReason

REGISTER = reverse("certification:seal_register")
MINE = reverse("certification:my_seals")


@pytest.fixture(autouse=True)
def _private(private_root):
    return private_root


@pytest.fixture
def seal(firm_a, applicant, committee, auditor, django_capture_on_commit_callbacks) -> Seal:
    """Firm A's active seal, its certificate rendered."""
    with django_capture_on_commit_callbacks(execute=True):
        seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    seal.refresh_from_db()
    return seal


def make_seals(count: int, *, organization=None, name: str = "Azienda Registro") -> list[Seal]:
    """`count` seals written directly (no audit, no certificate): each of a new firm, or all of
    `organization` (then expired, as a firm has one current seal at most)."""
    version = CodeVersion.objects.current() or make_current_version_with_checklist()
    now = timezone.now()
    today = timezone.localdate()
    made = []
    for n in range(count):
        firm = organization or OrganizationFactory(legal_name=f"{name} {n} S.r.l.")
        application = ApplicationFactory(organization=firm, code_version=version)
        Application.objects.filter(pk=application.pk).update(
            status=Application.Status.APPROVED, submitted_at=now
        )
        sequence = SealCounter.next_sequence(today.year)
        made.append(
            Seal.objects.create(
                number=format_number(today.year, sequence),
                year=today.year,
                sequence=sequence,
                organization=firm,
                application=application,
                code_version=version,
                score=Decimal("81.50"),
                issued_at=now,
                valid_from=today,
                valid_until=today + datetime.timedelta(days=730),
                status=St.EXPIRED if organization else St.ACTIVE,
                public_reason=R.EXPIRY if organization else "",
                status_changed_at=now,
            )
        )
    return made


def detail_url(seal: Seal, action: str = "") -> str:
    if action:
        return reverse(f"certification:seal_{action}", args=[seal.number])
    return reverse("certification:seal_detail", args=[seal.number])


def certificate_url(seal: Seal) -> str:
    return reverse("certification:seal_certificate", args=[seal.number])


# --- who gets in ---------------------------------------------------------------------------


def committee_pages(seal: Seal) -> list[str]:
    batch = CertificateBatch.objects.create(requested_by=UserFactory(role="comitato"), total=0)
    return [
        REGISTER,
        detail_url(seal),
        reverse("certification:certificate_batch", args=[batch.pk]),
        reverse("certification:certificate_batch_status", args=[batch.pk]),
    ]


def test_a_visitor_is_asked_to_log_in(client, seal):
    for url in [*committee_pages(seal), MINE, certificate_url(seal)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("who", ["applicant", "auditor", "association_member", "admin_user"])
def test_only_the_committee_sees_the_committee_pages(request, client, seal, who):
    client.force_login(request.getfixturevalue(who))
    for url in committee_pages(seal):
        assert client.get(url).status_code == 403, url
    for action in ("suspend", "reinstate", "revoke", "rerender", "score"):
        assert client.post(detail_url(seal, action), {}).status_code == 403
    assert client.post(REGISTER, {}).status_code == 403
    assert not CertificateBatch.objects.filter(total__gt=0).exists()


def test_the_committee_sees_the_committee_pages(client, seal, committee):
    client.force_login(committee)
    for url in committee_pages(seal):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["committee", "auditor", "association_member"])
def test_my_seals_is_for_applicants(request, client, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(MINE).status_code == 403


def test_an_applicant_without_organization_is_sent_to_register_it(client):
    client.force_login(UserFactory(role="richiedente"))
    response = client.get(MINE)
    assert response.status_code == 302
    assert response["Location"] == reverse("certification:organization_create")


def test_an_unknown_seal_is_not_found(client, committee):
    client.force_login(committee)
    assert client.get("/gestione/bollini/BB-2020-99999/").status_code == 404
    assert client.get("/gestione/bollini/niente/").status_code == 404
    assert client.post("/gestione/bollini/BB-2020-99999/sospendi/", {}).status_code == 404


# --- the register --------------------------------------------------------------------------


def test_the_register_lists_every_seal_with_status_validity_and_certificate(
    client, committee, seal
):
    [other] = make_seals(1, name="Telefonia Sud")
    seal_suspend(seal=seal, by=committee, reason="Verifica", public_reason=R.REPORTS)
    Seal.objects.filter(pk=other.pk).update(
        pdf_status=Seal.PdfStatus.FAILED, pdf_error="OSError: font mancante"
    )
    client.force_login(committee)

    html = client.get(REGISTER).content.decode()

    assert seal.number in html and "Contact Uno S.r.l." in html
    assert other.number in html and "Telefonia Sud 0 S.r.l." in html
    assert "Sospeso" in html and "Attivo" in html
    assert seal.valid_until.strftime("%d/%m/%Y") in html
    assert "Pronto" in html
    assert 'title="OSError: font mancante"' in html
    assert "2 bollini" in html


def test_the_register_shows_each_certificate_state_as_its_badge(client, committee):
    pending, ready, failed = make_seals(3)
    Seal.objects.filter(pk=pending.pk).update(pdf_error="Tentativo 1: timeout")
    Seal.objects.filter(pk=ready.pk).update(
        pdf_status=Seal.PdfStatus.READY,
        pdf_rendered_version=1,
        pdf_file="certificati/pronto.pdf",
        pdf_sha256="0" * 64,
        pdf_error="vecchio",
    )
    Seal.objects.filter(pk=failed.pk).update(pdf_status=Seal.PdfStatus.FAILED, pdf_error="")
    client.force_login(committee)

    html = client.get(REGISTER).content.decode()

    assert (
        '<span class="badge bg-light text-dark border" title="Tentativo 1: timeout">'
        "In preparazione</span>"
    ) in html
    assert '<span class="badge bg-success">Pronto</span>' in html
    assert 'title="vecchio"' not in html
    assert '<span class="badge bg-danger" title="">Non riuscito</span>' in html
    assert html.count("vedi l'errore") == 1
    assert f'href="{detail_url(failed)}#certificato"' in html
    assert f'href="{detail_url(pending)}">{pending.number}</a>' in html
    assert '<span class="badge bg-success">Attivo</span>' in html


@pytest.mark.parametrize(
    ("status", "badge"),
    [
        (St.SUSPENDED, "bg-warning text-dark"),
        (St.REVOKED, "bg-danger"),
        (St.EXPIRED, "bg-secondary"),
    ],
)
def test_the_register_shows_each_seal_status_as_its_badge(client, committee, status, badge):
    [seal] = make_seals(1)
    Seal.objects.filter(pk=seal.pk).update(status=status, public_reason=R.FIRM_REQUEST)
    client.force_login(committee)

    html = client.get(REGISTER).content.decode()

    assert f'<span class="badge {badge}">{status.label}</span>' in html


@pytest.mark.parametrize(
    ("status", "pdf_status", "pdf_error", "badges"),
    [
        (St.ACTIVE, Seal.PdfStatus.PENDING, "", ['class="badge bg-success">Attivo<']),
        (
            St.SUSPENDED,
            Seal.PdfStatus.FAILED,
            "font mancante",
            [
                'class="badge bg-warning text-dark">Sospeso<',
                'class="badge bg-danger" title="font mancante">Non riuscito<',
            ],
        ),
        (
            St.REVOKED,
            Seal.PdfStatus.PENDING,
            "Tentativo 1",
            [
                'class="badge bg-danger">Revocato<',
                'class="badge bg-light text-dark border" title="Tentativo 1">In preparazione<',
            ],
        ),
    ],
)
def test_a_seals_page_shows_its_status_and_certificate_as_badges(
    client, committee, status, pdf_status, pdf_error, badges
):
    [seal] = make_seals(1)
    Seal.objects.filter(pk=seal.pk).update(
        status=status, public_reason=R.FIRM_REQUEST, pdf_status=pdf_status, pdf_error=pdf_error
    )
    client.force_login(committee)

    html = client.get(detail_url(seal)).content.decode()

    for badge in badges:
        assert badge in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"stato": "sospeso"}, "Contact Uno", "Telefonia Sud"),
        ({"stato": "attivo"}, "Telefonia Sud", "Contact Uno"),
        ({"certificato": "errore"}, "Telefonia Sud", "Contact Uno"),
        ({"certificato": "pronto"}, "Contact Uno", "Telefonia Sud"),
        ({"q": "contact uno"}, "Contact Uno", "Telefonia Sud"),
        ({"q": "01234560157"}, "Contact Uno", "Telefonia Sud"),
    ],
)
def test_the_register_filters_and_searches(client, committee, seal, query, shown, hidden):
    make_seals(1, name="Telefonia Sud")
    Seal.objects.exclude(pk=seal.pk).update(pdf_status=Seal.PdfStatus.FAILED, pdf_error="x")
    seal_suspend(seal=seal, by=committee, reason="Verifica", public_reason=R.REPORTS)
    client.force_login(committee)

    html = client.get(REGISTER, query).content.decode()

    assert shown in html
    assert hidden not in html
    for name, value in query.items():
        if name != "q":  # the menu shows the choice
            assert f'<option value="{value}" selected>' in html
    assert html.count(" selected>") == 2  # one option of each menu


def test_the_register_searches_by_number(client, committee, seal):
    others = make_seals(2)
    client.force_login(committee)

    html = client.get(REGISTER, {"q": others[1].number.lower()}).content.decode()

    assert others[1].number in html
    assert others[0].number not in html and seal.number not in html


def test_a_filter_that_does_not_exist_is_ignored_with_a_message(client, committee, seal):
    client.force_login(committee)

    response = client.get(REGISTER, {"stato": "cancellato", "certificato": "<b>"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Un filtro indicato non esiste" in html
    assert seal.number in html
    # Neither menu shows the unknown values: both are back on "all".
    assert '<option value="" selected>Tutti gli stati</option>' in html
    assert '<option value="" selected>Tutti</option>' in html
    assert "<b>" not in html


def test_the_registers_menus_speak_the_visitors_language(client, committee, seal):
    client.force_login(committee)
    client.cookies.load({"django_language": "en"})

    html = client.get(REGISTER, {"stato": "sospeso"}).content.decode()

    assert '<option value="sospeso" selected>Suspended</option>' in html
    assert "Sospeso</option>" not in html


def test_the_register_shows_25_seals_a_page(client, committee):
    seals = make_seals(30)
    client.force_login(committee)

    first = client.get(REGISTER).content.decode()
    second = client.get(REGISTER, {"pagina": 2}).content.decode()

    newest_first = sorted(seals, key=lambda s: s.sequence, reverse=True)
    assert all(s.number in first for s in newest_first[:25])
    assert not any(s.number in first for s in newest_first[25:])
    assert all(s.number in second for s in newest_first[25:])
    assert "Pagina 1 di 2" in first and "Pagina 2 di 2" in second
    assert client.get(REGISTER, {"pagina": "ultima"}).status_code == 200


def test_the_pages_keep_the_filters(client, committee):
    make_seals(30)
    client.force_login(committee)

    html = client.get(REGISTER, {"stato": "attivo"}).content.decode()

    assert "?stato=attivo&amp;pagina=2" in html


def test_the_register_query_count_does_not_grow_with_the_seals(
    client, committee, django_assert_num_queries
):
    make_seals(2)
    client.force_login(committee)
    client.get(REGISTER)  # warm up: session

    with CaptureQueriesContext(connection) as for_two:
        response = client.get(REGISTER)
    assert "2 bollini" in response.content.decode()

    make_seals(28)
    with django_assert_num_queries(len(for_two)):
        response = client.get(REGISTER)
    assert "30 bollini" in response.content.decode()


# --- one seal ------------------------------------------------------------------------------


def test_the_seal_page_shows_data_history_and_certificate_files(client, committee, seal):
    seal_suspend(
        seal=seal, by=committee, reason="Segnalazioni ripetute di chiamate", public_reason=R.REPORTS
    )
    client.force_login(committee)

    html = client.get(detail_url(seal)).content.decode()

    assert seal.number in html and "Contact Uno S.r.l." in html
    assert "01234560157" in html
    assert seal.valid_until.strftime("%d/%m/%Y") in html
    assert "Segnalazioni ripetute di chiamate" in html  # the internal reason
    assert "Segnalazioni fondate dei consumatori" in html  # the public category
    assert "carla.comitato@oic.example" in html or "Carla" in html
    cert = CertificateFile.objects.get(seal=seal)
    assert cert.sha256 in html
    assert f'<td class="text-end">{cert.render_ms}</td>' in html
    assert certificate_url(seal) in html
    # a suspended seal can be reinstated or revoked, not suspended again
    assert detail_url(seal, "reinstate") in html
    assert detail_url(seal, "revoke") in html
    assert detail_url(seal, "suspend") not in html


def test_the_committee_suspends_a_seal_from_its_page(client, committee, seal):
    client.force_login(committee)

    response = client.post(
        detail_url(seal, "suspend"),
        {"sospensione-reason": "Chiamate dopo le 21", "sospensione-public_reason": "segnalazioni"},
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(seal)
    seal.refresh_from_db()
    assert (seal.status, seal.public_reason) == (St.SUSPENDED, R.REPORTS)
    assert SealEvent.objects.filter(seal=seal, reason="Chiamate dopo le 21").exists()
    assert f"Il bollino {seal.number} è sospeso." in client.get(detail_url(seal)).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"sospensione-public_reason": "segnalazioni"}, "Scrivi la motivazione"),
        ({"sospensione-reason": "  ", "sospensione-public_reason": "segnalazioni"}, "motivazione"),
        ({"sospensione-reason": "Chiamate"}, "Scegli il motivo pubblico"),
        ({"sospensione-reason": "Chiamate", "sospensione-public_reason": "rinnovato"}, "motivo"),
    ],
)
def test_a_bad_suspension_shows_the_page_again_with_errors(client, committee, seal, data, message):
    client.force_login(committee)

    response = client.post(detail_url(seal, "suspend"), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    seal.refresh_from_db()
    assert seal.status == St.ACTIVE
    assert SealEvent.objects.filter(seal=seal).count() == 1


def test_reinstating_an_active_seal_says_why_and_writes_nothing(client, committee, seal):
    client.force_login(committee)

    response = client.post(detail_url(seal, "reinstate"), {"riattivazione-reason": "Per prova"})

    assert response.status_code == 200
    assert "è attivo: questa operazione non è possibile" in response.content.decode()
    assert SealEvent.objects.filter(seal=seal).count() == 1


def test_the_committee_reinstates_then_revokes(client, committee, seal):
    seal_suspend(seal=seal, by=committee, reason="Verifica", public_reason=R.REPORTS)
    client.force_login(committee)

    response = client.post(detail_url(seal, "reinstate"), {"riattivazione-reason": "Rientrato"})
    assert response.status_code == 302
    seal.refresh_from_db()
    assert seal.status == St.ACTIVE

    response = client.post(
        detail_url(seal, "revoke"),
        {"revoca-reason": "Violazioni gravi", "revoca-public_reason": "non_conformita"},
    )
    assert response.status_code == 302
    seal.refresh_from_db()
    assert (seal.status, seal.public_reason) == (St.REVOKED, R.NONCONFORMITY)
    html = client.get(detail_url(seal)).content.decode()
    assert "il suo stato non cambia più" in html
    assert detail_url(seal, "rerender") not in html


def test_a_revocation_without_category_is_refused(client, committee, seal):
    client.force_login(committee)

    response = client.post(detail_url(seal, "revoke"), {"revoca-reason": "Violazioni"})

    assert response.status_code == 200
    assert "Scegli il motivo pubblico" in response.content.decode()
    seal.refresh_from_db()
    assert seal.status == St.ACTIVE


def test_the_actions_need_a_post(client, committee, seal):
    client.force_login(committee)
    for action in ("suspend", "reinstate", "revoke", "rerender", "score"):
        assert client.get(detail_url(seal, action)).status_code == 405


def test_the_committee_asks_for_a_new_certificate(
    client, committee, seal, django_capture_on_commit_callbacks
):
    client.force_login(committee)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail_url(seal, "rerender"))

    assert response.status_code == 302
    seal.refresh_from_db()
    assert (seal.pdf_version, seal.pdf_status) == (2, Seal.PdfStatus.READY)
    assert CertificateFile.objects.filter(seal=seal).count() == 2


def test_the_committee_publishes_and_withdraws_the_score(client, committee, seal):
    client.force_login(committee)

    response = client.post(detail_url(seal, "score"), {"published": "1"})
    assert response.status_code == 302
    seal.refresh_from_db()
    assert seal.score_published
    assert ApplicationEvent.objects.filter(
        application=seal.application, note__contains="pubblicato"
    ).exists()

    again = client.post(detail_url(seal, "score"), {"published": "1"})
    assert again.status_code == 200
    assert "Il punteggio è già pubblicato." in again.content.decode()

    client.post(detail_url(seal, "score"), {"published": "0"})
    seal.refresh_from_db()
    assert not seal.score_published


def test_a_forged_score_request_is_refused(client, committee, seal):
    client.force_login(committee)

    response = client.post(detail_url(seal, "score"), {"published": "forse"})

    assert response.status_code == 200
    assert "Richiesta non valida." in response.content.decode()


# --- re-rendering every certificate --------------------------------------------------------


def test_re_rendering_all_shows_the_progress(
    client, committee, seal, django_capture_on_commit_callbacks
):
    make_seals(1)  # a current seal without a certificate yet
    client.force_login(committee)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REGISTER, {"rigenerazione-note": "Nuovo logo"})

    batch = CertificateBatch.objects.get()
    assert (batch.total, batch.note, batch.requested_by) == (2, "Nuovo logo", committee)
    assert response.status_code == 302
    assert response["Location"] == reverse("certification:certificate_batch", args=[batch.pk])
    # Eager mode: both rendered synchronously once the request committed.
    status = json.loads(
        client.get(reverse("certification:certificate_batch_status", args=[batch.pk])).content
    )
    assert status == {
        "total": 2,
        "ready": 2,
        "failed": 0,
        "pending": 0,
        "done": 2,
        "percent": 100,
        "finished": True,
    }
    html = client.get(response["Location"]).content.decode()
    assert "<progress" in html and 'max="2" value="2"' in html
    assert "Rigenerazione completata." in html
    assert "Aggiorna" not in html
    seal.refresh_from_db()
    assert seal.pdf_version == 2


def test_a_refused_re_rendering_shows_its_error_though_the_empty_form_is_cached(
    client, committee, seal
):
    client.force_login(committee)
    client.get(REGISTER)  # the empty form is now cached

    response = client.post(REGISTER, {"rigenerazione-note": "x" * 201})

    assert response.status_code == 200
    assert not CertificateBatch.objects.exists()
    html = response.content.decode()
    assert 'id="id_rigenerazione-note"' in html and "is-invalid" in html
    assert "is-invalid" not in client.get(REGISTER).content.decode()


def test_the_progress_counts_ready_failed_and_pending_certificates(client, committee, seal):
    make_seals(2)
    client.force_login(committee)
    client.post(REGISTER, {})  # the render tasks never run here: all pending
    batch = CertificateBatch.objects.get()
    first, second = Seal.objects.filter(pdf_batch=batch).exclude(pk=seal.pk).order_by("pk")
    Seal.objects.filter(pk=first.pk).update(pdf_status=Seal.PdfStatus.FAILED, pdf_error="boom")

    html = client.get(reverse("certification:certificate_batch", args=[batch.pk])).content.decode()
    status = json.loads(
        client.get(reverse("certification:certificate_batch_status", args=[batch.pk])).content
    )

    assert status == {
        "total": 3,
        "ready": 0,
        "failed": 1,
        "pending": 2,
        "done": 1,
        "percent": 33,
        "finished": False,
    }
    for name, value in (("total", 3), ("ready", 0), ("failed", 1), ("pending", 2)):
        assert f'data-progress="{name}">{value}<' in html
    assert 'max="3" value="1"' in html


def test_a_pending_batch_page_polls_with_a_script_file_and_offers_a_link(client, committee, seal):
    client.force_login(committee)
    client.post(REGISTER, {})
    batch = CertificateBatch.objects.get()

    html = client.get(reverse("certification:certificate_batch", args=[batch.pk])).content.decode()

    assert 'data-progress="pending">1<' in html
    assert "js/batch-progress.js" in html
    assert "<script>" not in html and "onclick" not in html
    assert 'aria-live="polite"' in html
    assert ">Aggiorna</a>" in html
    status = json.loads(
        client.get(reverse("certification:certificate_batch_status", args=[batch.pk])).content
    )
    assert (status["total"], status["pending"], status["percent"], status["finished"]) == (
        1,
        1,
        0,
        False,
    )


def test_an_unknown_batch_is_not_found(client, committee):
    client.force_login(committee)
    assert client.get("/gestione/bollini/rigenerazioni/999/").status_code == 404
    assert client.get("/gestione/bollini/rigenerazioni/999/stato.json").status_code == 404


# --- the firm's seals ----------------------------------------------------------------------


def test_the_firm_sees_its_seals_with_download_and_verification_links(
    client, applicant, seal, firm_b
):
    [other] = make_seals(1, name="Altra Azienda")
    client.force_login(applicant)

    html = client.get(MINE).content.decode()

    assert seal.number in html and other.number not in html
    assert certificate_url(seal) in html
    assert reverse("certification:verify_seal", args=[seal.number]) in html
    assert seal.valid_until.strftime("%d/%m/%Y") in html


def test_a_suspended_seal_offers_no_download(client, applicant, committee, seal):
    seal_suspend(seal=seal, by=committee, reason="Verifica", public_reason=R.REPORTS)
    client.force_login(applicant)

    html = client.get(MINE).content.decode()

    assert "Sospeso" in html
    assert certificate_url(seal) not in html


def test_my_seals_query_count_does_not_grow_with_the_seals(
    client, applicant, firm_a, django_assert_num_queries
):
    make_seals(2, organization=firm_a)
    client.force_login(applicant)
    client.get(MINE)

    with CaptureQueriesContext(connection) as for_two:
        client.get(MINE)

    make_seals(28, organization=firm_a)
    with django_assert_num_queries(len(for_two)):
        html = client.get(MINE).content.decode()
    assert html.count("Scaduto") == 30


# --- certificate downloads -----------------------------------------------------------------


def test_the_firm_downloads_its_certificate(client, applicant, seal, private_root):
    client.force_login(applicant)

    response = client.get(certificate_url(seal))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body == (private_root / seal.pdf_file).read_bytes()
    assert body.startswith(b"%PDF")


def test_another_firm_cannot_download_it(client, applicant_b, seal):
    client.force_login(applicant_b)
    assert client.get(certificate_url(seal)).status_code == 404


@pytest.mark.parametrize("who", ["auditor", "association_member"])
def test_other_roles_cannot_download_it(request, client, seal, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(certificate_url(seal)).status_code == 404


def test_the_committee_downloads_any_ready_certificate(client, committee, seal):
    seal_suspend(seal=seal, by=committee, reason="Verifica", public_reason=R.REPORTS)
    client.force_login(committee)
    assert client.get(certificate_url(seal)).status_code == 200


def test_the_firm_cannot_download_the_certificate_of_a_suspended_seal(
    client, applicant, committee, seal
):
    seal_suspend(seal=seal, by=committee, reason="Verifica", public_reason=R.REPORTS)
    client.force_login(applicant)
    assert client.get(certificate_url(seal)).status_code == 404


def test_a_certificate_not_ready_or_missing_is_not_found(
    client, applicant, seal, private_root, committee
):
    (private_root / seal.pdf_file).unlink()
    client.force_login(applicant)
    assert client.get(certificate_url(seal)).status_code == 404
    client.force_login(committee)
    assert client.get(certificate_url(seal)).status_code == 404
    assert client.get("/azienda/bollini/BB-1999-00001/certificato.pdf").status_code == 404


# --- the renewal button --------------------------------------------------------------------


def test_a_current_seal_offers_the_renewal(client, applicant, seal):
    client.force_login(applicant)

    html = client.get(MINE).content.decode()

    assert "Avvia il rinnovo" in html
    assert reverse("certification:seal_renewal_start") in html


def test_an_open_application_replaces_the_button_with_a_link(client, applicant, seal):
    ApplicationFactory(organization=seal.organization, created_by=applicant)
    client.force_login(applicant)

    html = client.get(MINE).content.decode()

    assert "Avvia il rinnovo" not in html
    assert "C&#x27;è già una domanda in corso" in html or "già una domanda in corso" in html


def test_a_revoked_seal_offers_no_renewal(client, applicant, committee, seal):
    from certification.services.seals import seal_revoke

    seal_revoke(seal=seal, by=committee, reason="Revoca", public_reason=R.NONCONFORMITY)
    client.force_login(applicant)

    assert "Avvia il rinnovo" not in client.get(MINE).content.decode()
    response = client.post(reverse("certification:seal_renewal_start"))
    assert response.status_code == 302
    assert not Application.objects.filter(kind=Application.Kind.RENEWAL).exists()
    assert "Non c&#x27;è un bollino da rinnovare" in client.get(MINE).content.decode()


def test_a_firm_without_seals_is_told_how_to_get_one(client, applicant):
    client.force_login(applicant)

    html = client.get(MINE).content.decode()

    assert "non ha ancora un bollino" in html
    assert "Avvia il rinnovo" not in html


def test_starting_the_renewal_opens_the_prefilled_application(client, applicant, seal):
    client.force_login(applicant)

    response = client.post(reverse("certification:seal_renewal_start"))

    renewal = Application.objects.get(kind=Application.Kind.RENEWAL)
    assert response.status_code == 302
    assert response["Location"] == reverse("certification:application", args=[renewal.pk])
    assert renewal.previous == seal.application
    assert client.get(reverse("certification:seal_renewal_start")).status_code == 405


def test_only_applicants_start_a_renewal(client, committee, seal):
    client.force_login(committee)
    assert client.post(reverse("certification:seal_renewal_start")).status_code == 403
    assert not Application.objects.filter(kind=Application.Kind.RENEWAL).exists()


# --- in a browser --------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_committee_suspends_a_seal_in_the_browser(
    reference_data,  # noqa: F811
    page,
    live_server,
    axe,
    login_as,
    firm_a,
    applicant,
    committee,
    auditor,
):
    from playwright.sync_api import expect

    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    seal.refresh_from_db()
    assert seal.pdf_status == Seal.PdfStatus.READY  # rendered after the real commit

    login_as(committee)
    page.wait_for_url("**/area-riservata/")
    page.goto(live_server.url + REGISTER)
    expect(page.get_by_role("heading", name="Registro dei bollini")).to_be_visible()
    axe(page)

    page.get_by_role("link", name=seal.number).click()
    expect(page.locator("#stato-bollino")).to_contain_text("Attivo")
    axe(page)

    page.get_by_label("Motivazione della sospensione").fill("Tre segnalazioni fondate a marzo")
    page.get_by_label("Motivo pubblico").first.select_option("segnalazioni")
    page.get_by_role("button", name="Sospendi", exact=True).click()

    expect(page.get_by_text(f"Il bollino {seal.number} è sospeso.")).to_be_visible()
    expect(page.locator("#stato-bollino")).to_contain_text("Sospeso")
    expect(page.locator("#stato-bollino")).to_contain_text("Segnalazioni fondate dei consumatori")
    expect(page.locator("#storico")).to_be_visible()
    expect(page.get_by_text("Tre segnalazioni fondate a marzo")).to_be_visible()
    axe(page)
    seal.refresh_from_db()
    assert (seal.status, seal.public_reason) == (St.SUSPENDED, R.REPORTS)

    # A bulk re-rendering and its progress page (rendered synchronously in eager mode).
    page.goto(live_server.url + REGISTER)
    page.get_by_role("button", name="Rigenera tutti i certificati").click()
    expect(page.get_by_text("Rigenerazione completata.")).to_be_visible()
    expect(page.locator('[data-progress="ready"]')).to_have_text("1")
    axe(page)
    # While a certificate is pending the page polls its JSON and updates itself.
    Seal.objects.filter(pk=seal.pk).update(pdf_status=Seal.PdfStatus.PENDING)
    page.reload()
    expect(page.locator('[data-progress="pending"]')).to_have_text("1")
    expect(page.get_by_role("link", name="Aggiorna")).to_be_visible()
    axe(page)
    Seal.objects.filter(pk=seal.pk).update(pdf_status=Seal.PdfStatus.READY)
    expect(page.locator('[data-progress="pending"]')).to_have_text("0", timeout=10_000)
    expect(page.locator('[data-progress="ready"]')).to_have_text("1")
    expect(page.locator('[data-progress="percent"]')).to_have_text("100")
    expect(page.get_by_text("Rigenerazione completata.")).to_be_visible()
    expect(page.get_by_role("link", name="Aggiorna")).to_be_hidden()

    page.context.clear_cookies()
    login_as(applicant)
    page.wait_for_url("**/area-riservata/")
    page.goto(live_server.url + MINE)
    expect(page.get_by_role("cell", name="Sospeso")).to_be_visible()
    axe(page)


def test_the_register_shows_a_firms_name_and_a_certificate_error_as_text(client, committee):
    (seal,) = make_seals(1, name="Voce <b>Chiara</b> &")
    Seal.objects.filter(pk=seal.pk).update(pdf_error='Errore "x" <script>')
    client.force_login(committee)
    html = client.get(REGISTER).content.decode()
    assert "Voce &lt;b&gt;Chiara&lt;/b&gt; &amp; 0 S.r.l." in html
    assert 'title="Errore &quot;x&quot; &lt;script&gt;"' in html
    assert "<b>Chiara" not in html and "<script>" not in html
