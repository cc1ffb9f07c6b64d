"""The public registry page /registro/: search tolerant of typos and accents, filters, sorts,
pagination, bad parameters, and a constant number of queries."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certification.models import Organization, Seal
from certification.services.registry import RegistryQuery, registry_search
from tests.certification.organizations_helpers import (
    NEW_PIVA,
    new_applicant,
    organization_post,
    site_post,
)
from tests.certification.registry_helpers import certified, certify, firm
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

URL = reverse("certification:registry")
St = Seal.Status


def names(response) -> list[str]:
    """The firms listed, in the order of the page."""
    assert response.status_code == 200
    return re.findall(r'<th scope="row"><a href="/registro/\d{11}/">([^<]+)</a>', response.text)


def problems(response) -> str:
    match = re.search(
        r'<div class="alert alert-warning"[^>]*id="problemi">(.*?)</div>', response.text, re.S
    )
    return match.group(1) if match else ""


@pytest.fixture
def registry(firm_a, firm_b):
    """Five certified firms across regions, sectors, services and code versions, plus one
    revoked, one expired and one never certified."""
    certify(firm_a)  # Contact Uno S.r.l., Milano (Lombardia), energia, both services
    firm_b.sites.update(comune="Napoli", provincia_id="NA")
    certify(firm_b, version="1.0")  # Chiamate Due S.p.A., Milano, site in Napoli
    certified(
        "Caffè Telefonico S.r.l.",
        provincia="RM",
        comune="Roma",
        sectors=("telecomunicazioni",),
        outbound=False,
    )
    certified(
        "Zeta Cafe Servizi S.p.A.",
        provincia="TO",
        comune="Torino",
        sectors=("banche-assicurazioni", "energia"),
        inbound=False,
        status=St.SUSPENDED,
    )
    certified("Ascolto Lazio S.r.l.", provincia="LT", comune="Latina", sectors=("editoria",))
    certified("Revocata Call S.r.l.", status=St.REVOKED)
    certified("Scaduta Call S.r.l.", status=St.EXPIRED)
    firm("Mai Certificata S.r.l.")


# --- what is listed ------------------------------------------------------------------------


def test_a_visitor_sees_the_certified_firms_by_name(client, registry):
    response = client.get(URL)
    assert names(response) == [
        "Ascolto Lazio S.r.l.",
        "Caffè Telefonico S.r.l.",
        "Chiamate Due S.p.A.",
        "Contact Uno S.r.l.",
        "Zeta Cafe Servizi S.p.A.",
    ]
    assert "5 aziende certificate" in response.text


def test_revoked_expired_and_never_certified_firms_are_not_listed(client, registry):
    content = client.get(URL).text
    assert "Revocata Call" not in content
    assert "Scaduta Call" not in content
    assert "Mai Certificata" not in content


def test_a_suspended_firm_is_listed_with_a_badge(client, registry):
    content = client.get(URL).text
    row = re.search(r"Zeta Cafe Servizi S\.p\.A\..*?</tr>", content, re.S).group(0)
    assert "Sospeso" in row
    others = re.search(r"Contact Uno S\.r\.l\..*?</tr>", content, re.S).group(0)
    assert "Sospeso" not in others


def test_each_row_shows_place_services_sectors_and_seal(client, registry, firm_a):
    seal = Seal.objects.get(organization=firm_a)
    content = client.get(URL).text
    row = re.search(r"Contact Uno S\.r\.l\..*?</tr>", content, re.S).group(0)
    assert "Milano (MI)" in row
    assert "Lombardia" in row
    assert "Inbound, Outbound" in row
    assert "Energia e gas" in row
    assert f'href="/verifica/{seal.number}/"' in row
    assert seal.valid_until.strftime("%d/%m/%Y") in row
    assert f'href="/registro/{firm_a.partita_iva}/"' in content


def test_an_empty_registry_says_so(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "0 aziende certificate" in response.text
    assert "Il registro non contiene ancora aziende certificate." in response.text


def test_the_page_refuses_post_and_answers_head(client, registry):
    assert client.post(URL).status_code == 405
    assert client.head(URL).status_code == 200


# --- search --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Contatc Uno", ["Contact Uno S.r.l."]),  # two letters swapped
        ("contact uno srl", ["Contact Uno S.r.l."]),
        ("CONTACT", ["Contact Uno S.r.l."]),
        ("caffe", ["Caffè Telefonico S.r.l.", "Zeta Cafe Servizi S.p.A."]),  # no accent; a typo?
        ("Caffè telefonico", ["Caffè Telefonico S.r.l."]),
        ("telefonici", ["Caffè Telefonico S.r.l."]),  # Italian stemming
        ("01234560157", ["Contact Uno S.r.l."]),  # partita IVA
        ("IT 0123 4560 157", ["Contact Uno S.r.l."]),
        ("Napoli", ["Chiamate Due S.p.A."]),  # the comune of a site
        ("latina", ["Ascolto Lazio S.r.l."]),  # the comune of the seat
        ("Revocata", []),
        ("nessuna azienda qui", []),
    ],
)
def test_search_is_tolerant_of_typos_accents_and_case(client, registry, q, expected):
    assert names(client.get(URL, {"q": q, "ordina": "nome"})) == expected


def test_cafe_finds_both_the_caffe_and_the_cafe(client, registry):
    assert names(client.get(URL, {"q": "cafe", "ordina": "nome"})) == [
        "Caffè Telefonico S.r.l.",
        "Zeta Cafe Servizi S.p.A.",
    ]


def test_a_search_is_ordered_by_relevance_unless_a_sort_is_chosen(client, registry):
    # "Zeta Cafe" has the very word, "Caffè" only a close one: relevance puts Zeta first.
    assert names(client.get(URL, {"q": "cafe"})) == [
        "Zeta Cafe Servizi S.p.A.",
        "Caffè Telefonico S.r.l.",
    ]


def test_a_partita_iva_matches_exactly_and_nothing_else(client, registry, firm_a):
    other = certified("Altra S.r.l.")
    assert names(client.get(URL, {"q": other.partita_iva})) == ["Altra S.r.l."]
    # One digit changed: a different number, no fuzzy match on partite IVA.
    wrong = firm_a.partita_iva[:-1] + str((int(firm_a.partita_iva[-1]) + 1) % 10)
    assert names(client.get(URL, {"q": wrong})) == []


def test_punctuation_alone_searches_nothing_and_lists_everyone(client, registry):
    assert len(names(client.get(URL, {"q": "%_'\"--;"}))) == 5


# --- filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"regione": "lazio"}, ["Ascolto Lazio S.r.l.", "Caffè Telefonico S.r.l."]),
        ({"regione": "piemonte"}, ["Zeta Cafe Servizi S.p.A."]),
        ({"regione": "sicilia"}, []),
        ({"settore": "energia"}, ["Chiamate Due S.p.A.", "Contact Uno S.r.l.",
                                  "Zeta Cafe Servizi S.p.A."]),
        ({"settore": "editoria"}, ["Ascolto Lazio S.r.l."]),
        ({"servizio": "outbound"}, ["Ascolto Lazio S.r.l.", "Chiamate Due S.p.A.",
                                    "Contact Uno S.r.l.", "Zeta Cafe Servizi S.p.A."]),
        ({"servizio": "inbound"}, ["Ascolto Lazio S.r.l.", "Caffè Telefonico S.r.l.",
                                   "Chiamate Due S.p.A.", "Contact Uno S.r.l."]),
        ({"versione": "1.0"}, ["Chiamate Due S.p.A."]),
        ({"versione": "1"}, ["Chiamate Due S.p.A."]),
        ({"regione": "lazio", "servizio": "outbound"}, ["Ascolto Lazio S.r.l."]),
        ({"regione": "lombardia", "settore": "energia", "versione": "2.0"}, ["Contact Uno S.r.l."]),
        ({"q": "cafe", "regione": "lazio"}, ["Caffè Telefonico S.r.l."]),
        ({"q": "cafe", "servizio": "inbound", "settore": "energia"}, []),
    ],
)  # fmt: skip
def test_filters_one_by_one_and_combined(client, registry, params, expected):
    response = client.get(URL, {**params, "ordina": "nome"})
    assert names(response) == expected
    assert not problems(response)


def test_the_sector_filter_keeps_every_sector_of_the_firm_in_view(client, registry):
    content = client.get(URL, {"settore": "energia"}).text
    row = re.search(r"Zeta Cafe Servizi S\.p\.A\..*?</tr>", content, re.S).group(0)
    assert "Energia e gas" in row and "Banche e assicurazioni" in row


def test_the_filters_offer_regions_sectors_and_versions_held(client, registry):
    content = client.get(URL).text
    assert content.count('<option value="') >= 20 + 6 + 2 + 2 + 5
    assert '<option value="valle-d-aosta">' in content
    assert '<option value="banche-assicurazioni">' in content
    assert '<option value="1.0">Versione 1.0</option>' in content
    assert '<option value="2.0">Versione 2.0</option>' in content


def test_a_version_without_current_seals_is_not_offered(client, registry):
    Seal.objects.filter(code_version__number="1.0").update(
        status=St.REVOKED, public_reason=Seal.PublicReason.OTHER
    )
    assert '<option value="1.0">' not in client.get(URL).text


# --- sorts ---------------------------------------------------------------------------------


def test_sorts(client, registry):
    by_name = names(client.get(URL, {"ordina": "nome"}))
    assert names(client.get(URL, {"ordina": "-nome"})) == by_name[::-1]
    assert names(client.get(URL, {"ordina": "comune"})) == [
        "Ascolto Lazio S.r.l.",  # Latina
        "Chiamate Due S.p.A.",  # Milano
        "Contact Uno S.r.l.",  # Milano
        "Caffè Telefonico S.r.l.",  # Roma
        "Zeta Cafe Servizi S.p.A.",  # Torino
    ]


def test_recent_first(client, firm_a, firm_b):
    now = timezone.now()
    certify(firm_a, issued=now - datetime.timedelta(days=300))
    certify(firm_b, issued=now - datetime.timedelta(days=3))
    assert names(client.get(URL, {"ordina": "recenti"})) == [
        "Chiamate Due S.p.A.",
        "Contact Uno S.r.l.",
    ]


# --- pagination ----------------------------------------------------------------------------


@pytest.fixture
def many(db):
    for i in range(23):
        certified(f"Lombarda {i:02d} S.r.l.")
    for i in range(3):
        certified(f"Laziale {i:02d} S.r.l.", provincia="RM", comune="Roma")


def test_pagination_keeps_the_filters(client, many):
    first = client.get(URL, {"regione": "lombardia", "ordina": "-nome"})
    assert len(names(first)) == 20
    assert names(first)[0] == "Lombarda 22 S.r.l."
    assert "23 aziende certificate" in first.text
    next_link = re.search(r'href="([^"]+)">Successiva<', first.text).group(1)
    assert "regione=lombardia" in next_link and "ordina=-nome" in next_link
    assert "pagina=2" in next_link
    second = client.get(next_link.replace("&amp;", "&"))
    assert names(second) == ["Lombarda 02 S.r.l.", "Lombarda 01 S.r.l.", "Lombarda 00 S.r.l."]
    previous = re.search(r'href="([^"]+)">Precedente<', second.text).group(1)
    assert "regione=lombardia" in previous and "pagina" not in previous


def test_the_exports_are_linked_with_the_same_filters(client, many):
    content = client.get(URL, {"regione": "lazio", "q": "laziale", "pagina": "1"}).text
    csv_link = re.search(r'id="export-csv"', content) and re.search(
        r'href="(/registro/export\.csv[^"]*)"', content
    ).group(1)
    json_link = re.search(r'href="(/registro/export\.json[^"]*)"', content).group(1)
    for link in (csv_link, json_link):
        assert "regione=lazio" in link and "q=laziale" in link and "pagina" not in link


# --- bad parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"regione": "atlantide"}, "La regione indicata non esiste"),
        ({"settore": "pesca"}, "Il settore indicato non esiste"),
        ({"servizio": "fax"}, "Il servizio indicato non esiste"),
        ({"versione": "abc"}, "Nessuna azienda del registro è certificata secondo la versione"),
        ({"versione": "9.9"}, "Nessuna azienda del registro è certificata secondo la versione"),
        ({"ordina": "caso"}, "L&#x27;ordinamento indicato non esiste"),
        ({"pagina": "abc"}, "Il numero di pagina non è valido"),
        ({"pagina": "0"}, "Il numero di pagina non è valido"),
        ({"pagina": "-3"}, "Il numero di pagina non è valido"),
        ({"pagina": "9" * 5000}, "Il numero di pagina non è valido"),
        ({"q": "x" * 101}, "La ricerca è troppo lunga"),
        ({"q": "Contact\x00Uno"}, "Null characters are not allowed"),
    ],
)
def test_a_bad_parameter_gives_a_message_and_the_rest_of_the_search(
    client, registry, params, message
):
    response = client.get(URL, {"ordina": "nome", **params})
    assert response.status_code == 200
    assert message in problems(response) or (
        message == "Null characters are not allowed" and problems(response)
    )
    if "q" not in params:
        # Only the bad parameter is left out: the listing is still there.
        assert len(names(response)) == 5


def test_a_bad_filter_does_not_drop_the_good_ones(client, registry):
    response = client.get(URL, {"regione": "lazio", "settore": "pesca", "ordina": "nome"})
    assert names(response) == ["Ascolto Lazio S.r.l.", "Caffè Telefonico S.r.l."]
    assert "Il settore indicato non esiste" in problems(response)


def test_a_page_beyond_the_end_shows_the_last_one(client, many):
    response = client.get(URL, {"regione": "lombardia", "ordina": "nome", "pagina": "7"})
    assert names(response) == ["Lombarda 20 S.r.l.", "Lombarda 21 S.r.l.", "Lombarda 22 S.r.l."]
    assert "La pagina 7 non esiste: ecco l&#x27;ultima pagina" in problems(response)


def test_a_page_beyond_an_empty_result_shows_the_empty_state(client, many):
    response = client.get(URL, {"q": "zzzzzz", "pagina": "4"})
    assert response.status_code == 200
    assert "Nessuna azienda certificata corrisponde alla ricerca" in response.text


# --- search text kept current --------------------------------------------------------------


def _edit_post(**overrides) -> dict:
    """What the firm's edit page posts (the registration form without the partita IVA)."""
    data = {
        key.removeprefix("azienda-"): value
        for key, value in organization_post(**overrides).items()
        if key.startswith("azienda-")
    }
    data.pop("partita_iva")
    return data


def test_a_new_name_given_on_the_firms_page_is_found(client, applicant, firm_a):
    certify(firm_a)
    client.force_login(applicant)
    edit = reverse("certification:organization_edit")
    assert (
        client.post(edit, _edit_post(azienda__legal_name="Voci Gentili S.r.l.")).status_code == 302
    )
    client.logout()
    assert names(client.get(URL, {"q": "voci gentili"})) == ["Voci Gentili S.r.l."]
    assert names(client.get(URL, {"q": "Voci Gentilli"})) == ["Voci Gentili S.r.l."]
    assert names(client.get(URL, {"q": "Contact Uno"})) == []


def test_a_registered_firm_has_its_search_text_at_once(client):
    client.force_login(new_applicant())
    response = client.post(reverse("certification:organization_create"), organization_post())
    assert response.status_code == 302
    registered = Organization.objects.get(partita_iva=NEW_PIVA)
    assert registered.search_text == "nuovo contact srl 09876540155 caserta napoli"
    certify(registered)
    assert names(client.get(URL, {"q": "Caserta"})) == ["Nuovo Contact S.r.l."]


def test_a_new_site_makes_its_comune_searchable(client, applicant, firm_a):
    certify(firm_a)
    assert names(client.get(URL, {"q": "Bari"})) == []
    client.force_login(applicant)
    response = client.post(reverse("certification:site_create"), site_post(comune="Bari"))
    assert response.status_code == 302
    assert names(client.get(URL, {"q": "Bari"})) == ["Contact Uno S.r.l."]


def test_a_deleted_site_no_longer_finds_the_firm(client, applicant, firm_a):
    certify(firm_a)
    client.force_login(applicant)
    client.post(reverse("certification:site_create"), site_post(comune="Bari"))
    site = firm_a.sites.get(comune="Bari")
    response = client.post(reverse("certification:site_delete", args=[site.pk]))
    assert response.status_code == 302
    assert names(client.get(URL, {"q": "Bari"})) == []


def test_the_admin_keeps_the_search_text(client, admin_user, firm_a):
    certify(firm_a)
    firm_a.refresh_from_db()
    site = firm_a.sites.get()
    client.force_login(admin_user)
    url = reverse("admin:certification_organization_change", args=[firm_a.pk])
    data = {
        "legal_name": "Amministrata S.r.l.",
        "partita_iva": firm_a.partita_iva,
        "codice_fiscale": firm_a.codice_fiscale,
        "pec": firm_a.pec,
        "street": firm_a.street,
        "cap": firm_a.cap,
        "comune": firm_a.comune,
        "provincia": firm_a.provincia_id,
        "website": "",
        "operators_count": "10",
        "inbound": "on",
        "outbound": "on",
        "sectors": ["energia"],
        "sites-TOTAL_FORMS": "1",
        "sites-INITIAL_FORMS": "1",
        "sites-MIN_NUM_FORMS": "1",
        "sites-MAX_NUM_FORMS": "1000",
        "sites-0-id": site.pk,
        "sites-0-organization": firm_a.pk,
        "sites-0-name": site.name,
        "sites-0-street": site.street,
        "sites-0-comune": "Cosenza",
        "sites-0-provincia": "CS",
        "sites-0-seats": site.seats,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    firm_a.refresh_from_db()
    assert firm_a.search_text == "amministrata srl 01234560157 cosenza milano"


def test_the_command_refreshes_every_firm_in_batches(client, db):
    bulk = OrganizationFactory.build_batch(5)
    for organization in bulk:
        organization.legal_name = organization.legal_name.replace(
            "Contact Center", "Società Càrica"
        )
    Organization.objects.bulk_create(bulk)
    for organization in Organization.objects.all():
        certify(organization)
    # As after a bulk load: the rows were written around the services.
    Organization.objects.update(search_text="")
    assert names(client.get(URL, {"q": "societa carica"})) == []
    call_command("refresh_search_text", batch_size=2)
    assert len(names(client.get(URL, {"q": "societa carica"}))) == 5
    assert Organization.objects.filter(search_text__startswith="societa carica").count() == 5


def test_the_query_object_is_shared_by_page_exports_and_api(registry):
    found = registry_search(RegistryQuery(q="cafe", regione="lazio"))
    assert [f.legal_name for f in found] == ["Caffè Telefonico S.r.l."]
    assert list(
        registry_search(RegistryQuery(versione=1)).values_list("legal_name", flat=True)
    ) == ["Chiamate Due S.p.A."]


# --- queries -------------------------------------------------------------------------------


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "lombarda", "ordina": ""}, {"regione": "lombardia", "settore": "energia"}],
)
def test_the_page_does_not_grow_in_queries_with_more_firms(
    client, django_assert_num_queries, params
):
    for i in range(3):
        certified(f"Lombarda {i:02d} S.r.l.", sectors=("energia", "editoria"))
    # The registry's generation, the page's ids (with the count, when fewer than a chunk), its
    # rows with their sectors; for a text search, the known words its words may be typos of.
    # The form's choices (sectors, versions held) come from the cache once a page has read
    # them; the results too, until the registry changes (new firms below).
    expected = 4 if params.get("q") else 3
    with django_assert_num_queries(expected + 2):
        client.get(URL, params)
    with django_assert_num_queries(1):  # unchanged registry: the generation, then the cache
        client.get(URL, params)
    for i in range(3, 40):
        certified(f"Lombarda {i:02d} S.r.l.", sectors=("energia", "editoria"))
    with django_assert_num_queries(expected):
        response = client.get(URL, params)
    assert len(names(response)) == 20


def test_the_page_is_public_for_every_role(
    client, registry, applicant, committee, association_member
):
    for person in (None, applicant, committee, association_member):
        if person is not None:
            client.force_login(person)
        assert len(names(client.get(URL))) == 5
