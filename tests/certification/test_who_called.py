""" "Who called me?" (/chi-mi-ha-chiamato/): a consumer types a number the way they see it and
learns whether a certified contact center declared it, and how to report the call."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import CallingNumber, Seal
from certification.services.seals import seal_suspend
from tests.certification.registry_api_helpers import certified_firm
from tests.certification.seal_helpers import approve

URL = "/chi-mi-ha-chiamato/"
NOT_DECLARED = "Questo numero non risulta tra quelli dichiarati dalle aziende certificate."
CERTIFIED = "È un contact center certificato Bollino Blu."


def text_of(response) -> str:
    """The page's main text, tags removed and spaces collapsed, as a person reads it."""
    html = response.content.decode()
    main = html.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))
    return re.sub(r" ([,.;:])", r"\1", text).strip()


def hrefs(response) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', response.content.decode())]


@pytest.fixture
def milano_firm(db):
    return certified_firm(
        legal_name="Telefonate Corrette S.r.l.", numbers=("+390212345678", "+393331234567")
    )


def test_the_address_is_the_one_of_the_product():
    assert reverse("certification:who_called") == URL


def test_the_empty_page_asks_for_the_number_and_says_nothing_yet(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    page = text_of(response)
    assert "Chi mi ha chiamato?" in page
    assert "Il numero che ti ha chiamato" in page
    assert NOT_DECLARED not in page and CERTIFIED not in page
    assert "Il numero non è stato riconosciuto" not in page


@pytest.mark.parametrize(
    "typed",
    [
        "+39 02 1234 5678",
        "0039 02-1234-5678",
        "02 12345678",
        "(02) 1234.5678",
        "+390212345678",
        "  02.1234.5678  ",
    ],
)
def test_a_declared_number_in_any_common_format_finds_the_certified_firm(
    client, milano_firm, typed, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = client.get(URL, {"numero": typed})
    assert response.status_code == 200
    page = text_of(response)
    seal = milano_firm.seals.get()
    assert CERTIFIED in page
    assert "Il numero 02 1234 5678 è dichiarato da Telefonate Corrette S.r.l." in page
    assert f"titolare del bollino {seal.number}, valido fino al " in page
    links = hrefs(response)
    assert f"/registro/{milano_firm.partita_iva}/" in links
    assert f"/verifica/{seal.number}/" in links
    assert f"/segnalazioni/nuova/?numero=%2B390212345678&azienda={milano_firm.partita_iva}" in links


def test_a_mobile_number_without_spaces_is_found_too(client, milano_firm):
    response = client.get(URL, {"numero": "3331234567"})
    assert CERTIFIED in text_of(response)
    assert "Il numero 333 123 4567 è dichiarato da Telefonate Corrette S.r.l." in text_of(response)


def test_an_undeclared_number_is_not_certified_and_gets_advice_and_a_report_link(
    client, milano_firm
):
    response = client.get(URL, {"numero": "06 9876 5432"})
    assert response.status_code == 200
    page = text_of(response)
    assert NOT_DECLARED in page
    assert CERTIFIED not in page
    assert "Registro Pubblico delle Opposizioni" in page
    assert "Garante per la protezione dei dati personali" in page
    links = hrefs(response)
    assert "https://www.registrodelleopposizioni.it/" in links
    assert "https://www.garanteprivacy.it/" in links
    assert "/segnalazioni/nuova/?numero=%2B390698765432" in links
    assert not any("azienda=" in link for link in links)


def test_a_withdrawn_number_is_no_longer_answered_as_certified(client, milano_firm):
    CallingNumber.objects.filter(number="+390212345678").update(withdrawn_at=timezone.now())
    page = text_of(client.get(URL, {"numero": "02 1234 5678"}))
    assert NOT_DECLARED in page
    assert "Telefonate Corrette" not in page


def test_a_number_declared_by_a_firm_without_a_current_seal_is_not_certified(client, db):
    certified_firm(legal_name="Revocata S.r.l.", numbers=("+390611112222",), status="revocato")
    page = text_of(client.get(URL, {"numero": "06 1111 2222"}))
    assert NOT_DECLARED in page
    assert "Revocata" not in page


def test_a_suspended_seal_is_said_suspended_not_certified(client, db):
    firm = certified_firm(
        legal_name="Sospesa S.p.A.", numbers=("+390611113333",), status=Seal.Status.SUSPENDED
    )
    response = client.get(URL, {"numero": "+39 06 1111 3333"})
    page = text_of(response)
    seal = firm.seals.get()
    assert CERTIFIED not in page
    assert "Il bollino di questo contact center è sospeso." in page
    assert f"dichiarato da Sospesa S.p.A., ma il suo bollino {seal.number} è sospeso" in page
    assert f"/segnalazioni/nuova/?numero=%2B390611113333&azienda={firm.partita_iva}" in hrefs(
        response
    )


def test_a_seal_issued_through_the_real_approval_answers_for_its_firms_numbers(
    client, firm_a, applicant, committee, auditor, private_root
):
    CallingNumber.objects.create(organization=firm_a, number="+390287654321", declared_by=applicant)
    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    page = text_of(client.get(URL, {"numero": "02 8765 4321"}))
    assert CERTIFIED in page
    assert f"dichiarato da Contact Uno S.r.l., titolare del bollino {seal.number}" in page

    seal_suspend(seal=seal, by=committee, reason="Verifica", public_reason="non_conformita")
    page = text_of(client.get(URL, {"numero": "02 8765 4321"}))
    assert "Il bollino di questo contact center è sospeso." in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Scrivi il numero che ti ha chiamato."),
        ("ciao", "«ciao» non è un numero di telefono italiano valido."),
        ("12", "«12» non è un numero di telefono italiano valido."),
        ("+39", "«+39» non è un numero di telefono italiano valido."),
        ("+44 20 7946 0958", "«+44 20 7946 0958» non è un numero italiano"),
        ("0044 20 7946 0958", "non è un numero italiano"),
        ("9" * 41, "è troppo lungo (al massimo 40 caratteri)"),
        ("1" * 100_000, "è troppo lungo"),
        ("02\x001234", "I caratteri null non sono ammessi."),
        ("<script>alert(1)</script>", "non è un numero di telefono italiano valido."),
        ("+39 02 1234 5678 9999", "non è un numero di telefono italiano valido."),
    ],
)
def test_an_invalid_or_foreign_number_gets_a_clear_message_not_an_error(client, db, typed, message):
    response = client.get(URL, {"numero": typed})
    assert response.status_code == 200
    page = text_of(response)
    assert "Il numero non è stato riconosciuto: correggilo e riprova." in page
    assert message in page
    assert NOT_DECLARED not in page and CERTIFIED not in page
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_it_answers_get_only(client, db):
    assert client.post(URL, {"numero": "02 1234 5678"}).status_code == 405


def test_lookups_are_rate_limited_per_client(client, db, settings):
    settings.WHO_CALLED_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(URL, {"numero": "02 1234 5678"}).status_code == 200
    refused = client.get(URL, {"numero": "02 1234 5678"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Troppe richieste in poco tempo." in refused.content.decode()
    # Another address still gets its answers; the empty form is never counted.
    assert client.get(URL, {"numero": "021234"}, REMOTE_ADDR="10.0.0.9").status_code == 200
    assert client.get(URL).status_code == 200


def test_the_limit_can_be_switched_off(client, db, settings):
    settings.WHO_CALLED_RATE_LIMIT = 1
    settings.RATELIMIT_ENABLED = False
    for _ in range(3):
        assert client.get(URL, {"numero": "02 1234 5678"}).status_code == 200
