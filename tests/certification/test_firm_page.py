"""A firm's public page in the registry, /registro/<partita IVA>/: public data, sites, the seal
history, the published score, founded reports, and nothing private."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import Report, Seal, SealEvent
from tests.certification.registry_helpers import add_sites, certify
from tests.certification.seal_helpers import approve
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

St = Seal.Status


def url(organization) -> str:
    return reverse("certification:registry_firm", args=[organization.partita_iva])


def report(organization, *, outcome: str = "", closed_days_ago: int | None = None, **fields):
    closed = closed_days_ago is not None
    return Report.objects.create(
        organization=organization,
        category=Report.Category.OUTSIDE_HOURS,
        call_at=timezone.now() - datetime.timedelta(days=400),
        description=fields.pop("description", "Mi hanno chiamato di domenica alle 21."),
        reporter_email="consumatore@example.it",
        status=Report.Status.CLOSED if closed else Report.Status.RECEIVED,
        outcome=outcome,
        closed_at=timezone.now() - datetime.timedelta(days=closed_days_ago) if closed else None,
        **fields,
    )


def test_a_visitor_sees_the_public_data_of_a_certified_firm(client, firm_a):
    firm_a.website = "https://www.contactuno.example"
    firm_a.save()
    seal = certify(firm_a)
    response = client.get(url(firm_a))
    assert response.status_code == 200
    content = response.text
    assert "<h1>Contact Uno S.r.l.</h1>" in content
    assert "Azienda certificata Bollino Blu Qualità" in content
    for text in (
        "01234560157",
        "Via Roma 1, 20121 Milano (MI) – Lombardia",
        'href="https://www.contactuno.example"',
        "Inbound, Outbound",
        "Energia e gas",
        "<dd>120</dd>",  # operators
        f'href="/verifica/{seal.number}/"',
        'href="/decalogo/"',
        'href="/segnalazioni/nuova/?azienda=01234560157"',
        "Rilascio del bollino",
    ):
        assert text in content, text


def test_it_shows_the_operational_sites(client, firm_a):
    certify(firm_a)
    add_sites(firm_a, 2)
    content = client.get(url(firm_a)).text
    sites = re.search(r'id="sedi".*?</table>', content, re.S).group(0)
    assert "Sede 0" in sites and "Sede 1" in sites and "Sede principale" in sites
    assert "Bergamo (BG)" in sites


def test_it_never_shows_private_data(client, firm_a, applicant):
    certify(
        firm_a,
        status=St.SUSPENDED,
        internal_reason="Verbale interno: il responsabile qualità non ha risposto.",
    )
    report(
        firm_a,
        outcome=Report.Outcome.FOUNDED,
        closed_days_ago=10,
        description="Il signor Mario Bianchi di via Verdi è stato chiamato alle 22.",
        reporter_name="Mario Bianchi",
    )
    content = client.get(url(firm_a)).text
    assert firm_a.pec not in content
    assert applicant.email not in content
    assert "Verbale interno" not in content
    assert "Mario Bianchi" not in content
    assert "consumatore@example.it" not in content


def test_the_score_is_shown_only_when_published(client, firm_a):
    seal = certify(firm_a, score="87.25")
    assert "87,25" not in client.get(url(firm_a)).text
    Seal.objects.filter(pk=seal.pk).update(score_published=True)
    assert "87,25/100" in client.get(url(firm_a)).text


def test_it_counts_the_founded_reports_of_the_last_twelve_months(client, firm_a, firm_b):
    certify(firm_a)
    report(firm_a, outcome=Report.Outcome.FOUNDED, closed_days_ago=10)
    report(firm_a, outcome=Report.Outcome.FOUNDED, closed_days_ago=300)
    report(firm_a, outcome=Report.Outcome.FOUNDED, closed_days_ago=400)  # too old
    report(firm_a, outcome=Report.Outcome.UNFOUNDED, closed_days_ago=5)  # unfounded
    report(firm_a)  # still open
    report(firm_b, outcome=Report.Outcome.FOUNDED, closed_days_ago=5)  # another firm
    content = client.get(url(firm_a)).text
    assert "ha ritenuto fondate 2 segnalazioni" in content


def test_one_founded_report_reads_in_the_singular(client, firm_a):
    certify(firm_a)
    report(firm_a, outcome=Report.Outcome.FOUNDED, closed_days_ago=1)
    assert "ha ritenuto fondata 1 segnalazione" in client.get(url(firm_a)).text


def test_a_suspended_firm_says_so_with_the_public_reason(client, firm_a):
    certify(firm_a, status=St.SUSPENDED, public_reason=Seal.PublicReason.REPORTS)
    content = client.get(url(firm_a)).text
    assert "è sospeso" in content
    assert "Segnalazioni fondate dei consumatori" in content
    assert 'id="segnala"' in content


@pytest.mark.parametrize("status", [St.REVOKED, St.EXPIRED])
def test_a_firm_no_longer_certified_keeps_its_page_with_its_history(client, firm_a, status):
    seal = certify(firm_a, status=status)
    response = client.get(url(firm_a))
    assert response.status_code == 200
    content = response.text
    assert "Questa azienda non è certificata" in content
    assert f"Il suo ultimo bollino, n. {seal.number}, è {seal.get_status_display().lower()}" in (
        content
    )
    assert seal.get_public_reason_display() in content
    # Nothing to report any more: the reports are about certified firms.
    assert 'id="segnala"' not in content


def test_the_history_lists_every_seal_newest_first(client, firm_a):
    now = timezone.now()
    old = certify(
        firm_a, status=St.EXPIRED, version="1.0", issued=now - datetime.timedelta(days=800)
    )
    new = certify(firm_a, issued=now - datetime.timedelta(days=20))
    content = client.get(url(firm_a)).text
    table = re.search(r'id="bollini".*?</table>', content, re.S).group(0)
    assert table.index(new.number) < table.index(old.number)
    assert "Scaduto" in table and "Attivo" in table
    assert 'href="/codice/1.0/"' in table and 'href="/codice/2.0/"' in table
    # The status history is the current seal's.
    assert f"Storico del bollino {new.number}" in content


@pytest.mark.parametrize("partita_iva", ["00000000000", "12345", "export", "01234560157x"])
def test_an_unknown_partita_iva_is_not_found(client, firm_a, partita_iva):
    certify(firm_a)
    response = client.get(f"/registro/{partita_iva}/")
    assert response.status_code == 404
    assert "Azienda non trovata nel registro" in response.text
    assert 'href="/registro/"' in response.text


def test_a_firm_that_never_had_a_seal_is_not_found(client, firm_a):
    response = client.get(url(firm_a))
    assert response.status_code == 404
    assert "Contact Uno" not in response.text


def test_the_page_refuses_post_and_answers_head(client, firm_a):
    certify(firm_a)
    assert client.post(url(firm_a)).status_code == 405
    assert client.head(url(firm_a)).status_code == 200


def test_the_page_of_a_seal_issued_by_an_approval(
    client, firm_a, applicant, committee, auditor, private_root
):
    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    content = client.get(url(firm_a)).text
    assert f'href="/verifica/{seal.number}/"' in content
    assert "Azienda certificata Bollino Blu Qualità" in content
    # The committee's reason of the approval stays internal.
    assert "Requisiti rispettati" not in content
    assert committee.email not in content


def test_the_page_does_not_grow_in_queries_with_more_sites_and_seals(
    client, firm_a, django_assert_num_queries
):
    certify(firm_a)
    report(firm_a, outcome=Report.Outcome.FOUNDED, closed_days_ago=3)
    # The registry's generation, the firm, the reports, its sectors, its sites, its seals, the
    # current seal's history.
    with django_assert_num_queries(7):
        assert client.get(url(firm_a)).status_code == 200
    # Unchanged: the generation; the rest from the cache.
    with django_assert_num_queries(1):
        assert client.get(url(firm_a)).status_code == 200
    Seal.objects.filter(organization=firm_a).update(
        status=St.EXPIRED, public_reason=Seal.PublicReason.RENEWED
    )
    now = timezone.now()
    for days in range(900, 0, -100):
        seal = certify(firm_a, issued=now - datetime.timedelta(days=days))
        Seal.objects.filter(pk=seal.pk).update(
            status=St.EXPIRED, public_reason=Seal.PublicReason.RENEWED
        )
    certify(firm_a)
    add_sites(firm_a, 9)
    with django_assert_num_queries(7):
        response = client.get(url(firm_a))
    assert response.text.count('href="/verifica/BB-') == 11
    assert response.text.count("Bergamo (BG)") == 9


def test_the_page_is_the_same_for_every_role(client, firm_a, applicant_b):
    certify(firm_a)
    anonymous = client.get(url(firm_a)).text
    client.force_login(UserFactory(email="altro@example.it"))
    assert client.get(url(firm_a)).status_code == 200
    client.force_login(applicant_b)
    assert "Contact Uno S.r.l." in client.get(url(firm_a)).text
    assert "Contact Uno S.r.l." in anonymous


def test_a_reinstatement_reads_as_on_the_verification_page(client, firm_a):
    seal = certify(firm_a)
    # A reinstatement recorded without a category, as early ones were.
    SealEvent.objects.create(seal=seal, from_status=St.ACTIVE, to_status=St.SUSPENDED)
    SealEvent.objects.create(seal=seal, from_status=St.SUSPENDED, to_status=St.ACTIVE)
    firm_page = client.get(url(firm_a)).text
    verification = client.get(reverse("certification:verify_seal", args=[seal.number])).text
    resolved = str(Seal.PublicReason.RESOLVED.label)
    assert firm_page.count(resolved) == 1
    assert verification.count(resolved) == 1
