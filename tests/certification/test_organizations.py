import pytest
from django.db import IntegrityError
from django.urls import reverse

from certification.models import JoinRequest, OperationalSite, Organization, User
from certification.services.organizations import DuplicatePartitaIva, organization_register
from tests.certification.organizations_helpers import (
    BAD_PIVA,
    NEW_PIVA,
    new_applicant,
    organization_post,
    post_committed,
    site_post,
)
from tests.factories import OperationalSiteFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("certification:organization_create")
DETAIL = reverse("certification:organization")
EDIT = reverse("certification:organization_edit")


@pytest.fixture
def nadia(client):
    person = new_applicant()
    client.force_login(person)
    return person


# --- who may come in -----------------------------------------------------------------------


PAGES = [
    ("certification:organization", []),
    ("certification:organization_create", []),
    ("certification:organization_edit", []),
    ("certification:join_request_create", []),
    ("certification:invitation_create", []),
    ("certification:site_create", []),
    ("certification:site_edit", [1]),
    ("certification:site_delete", [1]),
    ("certification:join_request_decide", [1]),
]


@pytest.mark.parametrize("name, args", PAGES)
def test_a_visitor_is_sent_to_the_login_page(client, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.post(url).status_code == 302


@pytest.mark.parametrize("name, args", PAGES)
@pytest.mark.parametrize("person", ["committee", "auditor", "association_member", "admin_user"])
def test_other_roles_are_refused(client, request, name, args, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "certification:organization",
        "certification:organization_edit",
        "certification:invitation_create",
        "certification:site_create",
    ],
)
def test_an_applicant_without_a_firm_is_sent_to_register_it(client, nadia, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url == CREATE


def test_an_applicant_with_a_firm_is_sent_to_its_page(client, applicant):
    client.force_login(applicant)
    assert client.get(CREATE).url == DETAIL
    assert client.get(reverse("certification:join_request_create")).url == DETAIL


# --- registering the firm ------------------------------------------------------------------


def test_the_registration_page_shows_the_form(client, nadia):
    response = client.get(CREATE)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Registra la tua azienda" in content
    assert "Prima sede operativa" in content
    # Provinces are grouped by their region.
    assert '<optgroup label="Campania">' in content
    assert "Napoli (NA)" in content
    assert "Energia e gas" in content


def test_it_registers_the_firm_with_its_first_site(client, nadia):
    response = client.post(CREATE, organization_post())
    assert response.status_code == 302
    assert response.url == DETAIL
    firm = Organization.objects.get(partita_iva=NEW_PIVA)
    nadia.refresh_from_db()
    assert nadia.organization == firm
    assert firm.created_by == nadia
    assert firm.legal_name == "Nuovo Contact S.r.l."
    assert firm.codice_fiscale == NEW_PIVA
    assert firm.provincia_id == "NA"
    assert firm.regione == "Campania"
    assert firm.website == "https://www.nuovocontact.example"
    assert firm.inbound and firm.outbound and firm.assocontact_member
    assert firm.operators_count == 45
    assert sorted(firm.sectors.values_list("slug", flat=True)) == ["energia", "telecomunicazioni"]
    site = firm.sites.get()
    assert (site.comune, site.provincia_id, site.seats) == ("Caserta", "CE", 30)

    page = client.get(DETAIL).content.decode()
    assert "Nuovo Contact S.r.l." in page
    assert "Campania" in page
    assert "Caserta (CE)" in page


@pytest.mark.parametrize(
    "typed", ["IT09876540155", "it 098 765 401 55", "IT-09876540155", " 09876540155 "]
)
def test_partita_iva_is_accepted_with_spaces_and_prefix_and_stored_as_11_digits(
    client, nadia, typed
):
    response = client.post(CREATE, organization_post(azienda__partita_iva=typed))
    assert response.status_code == 302
    assert Organization.objects.get().partita_iva == NEW_PIVA


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"azienda__partita_iva": BAD_PIVA}, "La partita IVA non è valida"),
        ({"azienda__partita_iva": "0987654015"}, "11 cifre"),
        ({"azienda__partita_iva": "ABC87654015"}, "solo da cifre"),
        ({"azienda__partita_iva": ""}, "obbligatorio"),
        ({"azienda__services": None}, "Indica almeno un servizio"),
        ({"azienda__sectors": None}, "Indica almeno un settore"),
        ({"azienda__sectors": ["pesca"]}, "Scegli un&#x27;opzione valida"),
        ({"azienda__cap": "8013"}, "Il CAP è formato da 5 cifre"),
        ({"azienda__cap": "8013A"}, "Il CAP è formato da 5 cifre"),
        ({"azienda__provincia": "XX"}, "Scegli una provincia dall&#x27;elenco"),
        ({"azienda__provincia": ""}, "obbligatorio"),
        ({"azienda__pec": "non-una-pec"}, "indirizzo email valido"),
        ({"azienda__codice_fiscale": "ABCDEF"}, "Il codice fiscale non è valido"),
        ({"azienda__operators_count": "0"}, "maggiore o uguale a 1"),
        ({"azienda__operators_count": "tanti"}, "Inserisci un numero intero"),
        ({"sede__seats": "0"}, "Una sede ha almeno una postazione"),
        ({"sede__seats": "-3"}, "Una sede ha almeno una postazione"),
        ({"sede__provincia": "ZZ"}, "Scegli una provincia dall&#x27;elenco"),
        ({"sede__comune": ""}, "obbligatorio"),
    ],
)
def test_it_refuses_bad_input_and_writes_nothing(client, nadia, overrides, message):
    response = client.post(CREATE, organization_post(**overrides))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert "Il modulo contiene errori" in content
    assert not Organization.objects.exists()
    assert not OperationalSite.objects.exists()
    nadia.refresh_from_db()
    assert nadia.organization is None


def test_a_personal_codice_fiscale_is_accepted(client, nadia):
    response = client.post(CREATE, organization_post(azienda__codice_fiscale="rssmra80a01h501u"))
    assert response.status_code == 302
    assert Organization.objects.get().codice_fiscale == "RSSMRA80A01H501U"


def test_a_duplicate_partita_iva_offers_to_ask_to_join(client, nadia, firm_a):
    response = client.post(CREATE, organization_post(azienda__partita_iva="IT 01234560157"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Questa azienda è già registrata" in content
    assert "Chiedi di entrare nell'azienda" in content
    assert reverse("certification:join_request_create") in content
    assert 'value="01234560157"' in content
    # The firm's name is not told to whoever types its partita IVA.
    assert firm_a.legal_name not in content
    assert Organization.objects.count() == 1
    assert OperationalSite.objects.filter(organization=firm_a).count() == 1
    assert not JoinRequest.objects.exists()
    nadia.refresh_from_db()
    assert nadia.organization is None


def test_a_duplicate_that_wins_the_race_becomes_a_form_error(client, nadia, firm_a, monkeypatch):
    """Two registrations of the same partita IVA at once: the form's checks pass for both,
    the database's unique constraint decides, and the loser gets the join offer, not a 500."""
    from certification.forms.organizations import OrganizationForm, normalize_partita_iva

    # As if the other registration committed just after this form was checked.
    monkeypatch.setattr(
        OrganizationForm,
        "clean_partita_iva",
        lambda self: normalize_partita_iva(self.cleaned_data["partita_iva"]),
    )
    monkeypatch.setattr(OrganizationForm, "validate_unique", lambda self: None)
    response = client.post(CREATE, organization_post(azienda__partita_iva="01234560157"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Questa azienda è già registrata" in content
    assert "Un&#x27;organizzazione con questa partita IVA è già registrata" in content
    assert Organization.objects.count() == 1
    assert OperationalSite.objects.count() == 1
    nadia.refresh_from_db()
    assert nadia.organization is None


def test_the_service_turns_the_unique_constraint_into_a_duplicate_error(firm_a, monkeypatch):
    person = new_applicant()
    fields = {
        "legal_name": "Copia S.r.l.",
        "partita_iva": firm_a.partita_iva,
        "codice_fiscale": firm_a.partita_iva,
        "pec": "copia@pec.example.it",
        "street": "Via Roma 2",
        "cap": "20121",
        "comune": "Milano",
        "provincia_id": "MI",
        "operators_count": 3,
        "inbound": True,
        "outbound": False,
    }
    with pytest.raises(DuplicatePartitaIva):
        organization_register(
            by=person,
            fields=fields,
            sectors=[],
            site={"comune": "Milano", "provincia_id": "MI", "seats": 3},
        )
    person.refresh_from_db()
    assert person.organization is None


def test_an_unknown_database_error_is_not_hidden(monkeypatch):
    """Only a duplicate partita IVA is turned into a form error."""
    person = new_applicant()

    def boom(**kwargs):
        raise IntegrityError("something else")

    monkeypatch.setattr(Organization.objects, "create", boom)
    with pytest.raises(IntegrityError):
        organization_register(
            by=person,
            fields={"partita_iva": NEW_PIVA},
            sectors=[],
            site={},
        )


def test_registering_twice_gives_one_firm(client, nadia):
    client.post(CREATE, organization_post())
    response = client.post(CREATE, organization_post(azienda__partita_iva="05554440031"))
    assert response.status_code == 302
    assert response.url == DETAIL
    assert Organization.objects.count() == 1


def test_the_service_refuses_someone_who_already_has_a_firm(applicant):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        organization_register(by=applicant, fields={}, sectors=[], site={})


def test_the_registration_page_shows_a_pending_request(client, nadia, firm_a):
    JoinRequest.objects.create(organization=firm_a, user=nadia)
    content = client.get(CREATE).content.decode()
    assert "in attesa di risposta" in content
    assert firm_a.partita_iva in content


# --- the firm's page -----------------------------------------------------------------------


def test_the_page_shows_the_firm_its_sites_and_people(
    client, applicant, firm_a, django_assert_num_queries
):
    OperationalSiteFactory(organization=firm_a, comune="Bergamo", provincia_id="BG", seats=12)
    colleague = User.objects.create_user(
        "carlo@contactuno.example", "x", first_name="Carlo", organization=firm_a
    )
    JoinRequest.objects.create(organization=firm_a, user=new_applicant("nuovo@example.it"))
    client.force_login(applicant)
    with django_assert_num_queries(8):
        response = client.get(DETAIL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Contact Uno S.r.l." in content
    assert "01234560157" in content
    assert "Lombardia" in content
    assert "Bergamo (BG)" in content
    assert colleague.email in content
    assert "nuovo@example.it" in content
    assert "Accogli" in content


def test_the_page_does_not_grow_in_queries_with_more_rows(
    client, applicant, firm_a, django_assert_num_queries
):
    for i in range(5):
        OperationalSiteFactory(organization=firm_a, comune=f"Comune {i}")
        JoinRequest.objects.create(organization=firm_a, user=new_applicant(f"p{i}@example.it"))
        User.objects.create_user(f"m{i}@contactuno.example", "x", organization=firm_a)
    client.force_login(applicant)
    with django_assert_num_queries(8):
        assert client.get(DETAIL).status_code == 200


def test_the_page_shows_only_ones_own_firm(client, applicant_b, firm_a):
    client.force_login(applicant_b)
    content = client.get(DETAIL).content.decode()
    assert "Chiamate Due S.p.A." in content
    assert "Contact Uno" not in content


def test_the_page_refuses_post(client, applicant):
    client.force_login(applicant)
    assert client.post(DETAIL).status_code == 405


# --- editing the firm ----------------------------------------------------------------------


def _edit_post(firm, **overrides):
    data = {
        key.removeprefix("azienda-"): value
        for key, value in organization_post(**overrides).items()
        if key.startswith("azienda-")
    }
    data.pop("partita_iva")
    return data


def test_a_member_edits_the_firm(client, applicant, firm_a):
    client.force_login(applicant)
    page = client.get(EDIT)
    assert page.status_code == 200
    assert 'name="partita_iva"' not in page.content.decode()
    response = client.post(EDIT, {**_edit_post(firm_a), "partita_iva": NEW_PIVA})
    assert response.status_code == 302
    firm_a.refresh_from_db()
    assert firm_a.legal_name == "Nuovo Contact S.r.l."
    assert firm_a.provincia_id == "NA"
    # The partita IVA is not changed from here; an empty codice fiscale means the same number.
    assert firm_a.partita_iva == "01234560157"
    assert firm_a.codice_fiscale == "01234560157"


def test_editing_refuses_bad_input_and_writes_nothing(client, applicant, firm_a):
    client.force_login(applicant)
    data = _edit_post(firm_a, azienda__cap="abc", azienda__services=None)
    response = client.post(EDIT, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Il CAP è formato da 5 cifre" in content
    assert "Indica almeno un servizio" in content
    firm_a.refresh_from_db()
    assert firm_a.legal_name == "Contact Uno S.r.l."
    assert firm_a.inbound and firm_a.outbound


# --- sites ---------------------------------------------------------------------------------


def test_a_member_adds_a_site(client, applicant, firm_a):
    client.force_login(applicant)
    assert client.get(reverse("certification:site_create")).status_code == 200
    response = client.post(reverse("certification:site_create"), site_post())
    assert response.status_code == 302
    assert firm_a.sites.filter(comune="Bari", provincia_id="BA", seats=12).exists()


@pytest.mark.parametrize("seats", ["0", "-1", "", "molte"])
def test_a_site_needs_seats(client, applicant, firm_a, seats):
    client.force_login(applicant)
    response = client.post(reverse("certification:site_create"), site_post(seats=seats))
    assert response.status_code == 200
    assert firm_a.sites.count() == 1


def test_a_member_edits_a_site(client, applicant, firm_a):
    site = firm_a.sites.get()
    client.force_login(applicant)
    url = reverse("certification:site_edit", args=[site.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, site_post(comune="Monza", provincia="MB", seats="99"))
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.comune, site.provincia_id, site.seats, site.organization) == (
        "Monza",
        "MB",
        99,
        firm_a,
    )


def test_the_last_site_cannot_be_deleted(client, applicant, firm_a):
    site = firm_a.sites.get()
    client.force_login(applicant)
    url = reverse("certification:site_delete", args=[site.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "unica sede operativa" in page.content.decode()
    response = client.post(url)
    assert response.status_code == 200
    assert "almeno una sede operativa" in response.content.decode()
    assert firm_a.sites.count() == 1


def test_a_site_is_deleted_when_another_remains(client, applicant, firm_a):
    other = OperationalSiteFactory(organization=firm_a, comune="Lodi", provincia_id="LO")
    client.force_login(applicant)
    url = reverse("certification:site_delete", args=[other.pk])
    assert "Elimina la sede" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert list(firm_a.sites.values_list("comune", flat=True)) == ["Milano"]


@pytest.mark.parametrize("name", ["certification:site_edit", "certification:site_delete"])
def test_another_firms_site_is_not_found(client, applicant, firm_b, name):
    site_b = firm_b.sites.get()
    OperationalSiteFactory(organization=firm_b, comune="Salerno", provincia_id="SA")
    client.force_login(applicant)
    url = reverse(name, args=[site_b.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, site_post()).status_code == 404
    site_b.refresh_from_db()
    assert site_b.comune == "Napoli"
    assert firm_b.sites.count() == 2


def test_an_unknown_site_is_not_found(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("certification:site_edit", args=[999999])).status_code == 404


def test_join_request_page_sends_a_request(
    client, nadia, firm_a, applicant, django_capture_on_commit_callbacks, mailoutbox
):
    url = reverse("certification:join_request_create")
    assert client.get(url).status_code == 200
    response = post_committed(
        client,
        django_capture_on_commit_callbacks,
        url,
        {
            "adesione-partita_iva": "IT01234560157",
            "adesione-message": "Sono la nuova responsabile.",
        },
    )
    assert response.status_code == 302
    join = JoinRequest.objects.get()
    assert (join.organization, join.user, join.status) == (
        firm_a,
        nadia,
        JoinRequest.Status.PENDING,
    )
    assert join.message == "Sono la nuova responsabile."
    assert [m.to for m in mailoutbox] == [[applicant.email]]
    assert "nadia@nuovocontact.example" in mailoutbox[0].body


# --- admin ---------------------------------------------------------------------------------


def test_the_admin_lists_and_filters_organizations(client, admin_user, firm_a, firm_b):
    Organization.objects.filter(pk=firm_b.pk).update(provincia_id="NA", comune="Napoli")
    client.force_login(admin_user)
    url = reverse("admin:certification_organization_changelist")
    content = client.get(url, {"provincia__regione": "lombardia"}).content.decode()
    assert "Contact Uno S.r.l." in content
    assert "Chiamate Due" not in content
    assert "Chiamate Due" in client.get(url, {"q": "12345670157"}).content.decode()
    assert client.get(url, {"sectors__slug__exact": "energia"}).status_code == 200
    change = client.get(reverse("admin:certification_organization_change", args=[firm_a.pk]))
    assert change.status_code == 200


def test_the_admin_stores_a_typed_partita_iva_as_11_digits(client, admin_user, firm_a):
    client.force_login(admin_user)
    url = reverse("admin:certification_organization_change", args=[firm_a.pk])
    site = firm_a.sites.get()
    data = {
        "legal_name": firm_a.legal_name,
        "partita_iva": "IT 098 765 401 55",
        "codice_fiscale": "09876540155",
        "pec": firm_a.pec,
        "street": firm_a.street,
        "cap": firm_a.cap,
        "comune": firm_a.comune,
        "provincia": "MI",
        "website": "",
        "operators_count": "10",
        "inbound": "on",
        "sectors": ["energia"],
        "sites-TOTAL_FORMS": "1",
        "sites-INITIAL_FORMS": "1",
        "sites-MIN_NUM_FORMS": "1",
        "sites-MAX_NUM_FORMS": "1000",
        "sites-0-id": str(site.pk),
        "sites-0-organization": str(firm_a.pk),
        "sites-0-comune": site.comune,
        "sites-0-provincia": "MI",
        "sites-0-seats": "5",
        "sites-0-name": "",
        "sites-0-street": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    firm_a.refresh_from_db()
    assert firm_a.partita_iva == "09876540155"
    refused = client.post(url, {**data, "partita_iva": BAD_PIVA})
    assert refused.status_code == 200
    assert "La partita IVA non è valida" in refused.content.decode()
    no_service = client.post(url, {**{k: v for k, v in data.items() if k != "inbound"}})
    assert no_service.status_code == 200
    assert "Indica almeno un servizio" in no_service.content.decode()


def test_the_admin_shows_provinces_read_only(client, admin_user):
    client.force_login(admin_user)
    listing = client.get(reverse("admin:certification_provincia_changelist"))
    assert listing.status_code == 200
    assert "Milano" in listing.content.decode()
    assert client.get(reverse("admin:certification_provincia_add")).status_code == 403


@pytest.mark.parametrize(
    "model", ["sector", "joinrequest", "invitation", "organization", "provincia"]
)
def test_the_admin_pages_open(client, admin_user, firm_a, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:certification_{model}_changelist")).status_code == 200
