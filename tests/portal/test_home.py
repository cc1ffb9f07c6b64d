"""The home page for consumers: what the seal means, the public searches, the latest firms."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from certification.services.seals import seal_revoke, seal_suspend
from tests.certification.statistics_helpers import decided, firm_in, seal_of

pytestmark = pytest.mark.django_db


def _forms(html: str) -> dict[str, list[str]]:
    """{form action: names of its inputs}."""
    found = {}
    for action, body in re.findall(
        r'<form method="get" action="([^"]+)"[^>]*>(.*?)</form>', html, re.S
    ):
        found[action] = re.findall(r'<input [^>]*name="([^"]+)"', body)
    return found


def test_a_consumer_learns_what_the_seal_means(client):
    html = client.get("/").text
    assert "Cosa significa il Bollino Blu per te" in html
    for promise in (
        "Chiamate solo negli orari consentiti.",
        "Numero sempre visibile.",
        "Solo con il tuo consenso.",
        "Il Registro delle Opposizioni è rispettato.",
        "Puoi segnalare.",
    ):
        assert promise in html


def test_the_home_page_searches_the_registry_looks_up_a_number_and_verifies_a_seal(client):
    forms = _forms(client.get("/").text)
    assert forms["/registro/"] == ["q"]
    assert forms["/chi-mi-ha-chiamato/"] == ["numero"]
    assert forms["/verifica/"] == ["numero"]


def test_every_field_has_a_label(client):
    html = client.get("/").text
    for field_id in re.findall(r'<input [^>]*id="([^"]+)"', html):
        assert f'<label class="form-label" for="{field_id}">' in html


def test_without_certified_firms_the_home_page_says_so(client):
    assert "Non ci sono ancora aziende certificate" in client.get("/").text


def test_the_latest_six_active_seals_are_listed_newest_first(client, committee, auditor):
    start = timezone.now() - datetime.timedelta(days=40)
    applications = [
        decided(
            firm=firm_in("MI", f"Comune {n}", legal_name=f"Azienda {n} S.r.l."),
            committee=committee,
            lead=auditor,
            at=start + datetime.timedelta(days=n),
        )
        for n in range(9)
    ]
    seal_suspend(
        seal=seal_of(applications[7]), by=committee, reason="Verifica", public_reason="segnalazioni"
    )
    seal_revoke(
        seal=seal_of(applications[5]), by=committee, reason="Revoca", public_reason="non_conformita"
    )

    html = client.get("/").text
    listed = re.findall(r"Azienda (\d) S\.r\.l\.", html)
    assert listed == ["8", "6", "4", "3", "2", "1"]
    newest = seal_of(applications[8])
    firm = newest.organization
    assert f'<a href="/registro/{firm.partita_iva}/">Azienda 8 S.r.l.</a>' in html
    assert f'href="/verifica/{newest.number}/"' in html
    assert "Comune 8 (MI)" in html
    assert f"Certificata dal {timezone.localtime(newest.issued_at).day} " in html
    assert "Non ci sono ancora aziende certificate" not in html


def test_the_home_page_runs_three_queries_whatever_the_number_of_firms(
    client, committee, auditor, django_assert_num_queries
):
    for _ in range(8):
        decided(firm=firm_in("NA", "Napoli"), committee=committee, lead=auditor)
    # The registry's generation, the code version in force, the latest seals.
    with django_assert_num_queries(3):
        response = client.get("/")
    assert response.text.count("Certificata dal") == 6
    with django_assert_num_queries(1):  # unchanged: the generation, then the cache
        assert client.get("/").text.count("Certificata dal") == 6
    newest = firm_in("RM", "Roma")
    assert newest.legal_name not in client.get("/").text
    decided(firm=newest, committee=committee, lead=auditor)
    assert newest.legal_name in client.get("/").text, "a new seal shows at once"
