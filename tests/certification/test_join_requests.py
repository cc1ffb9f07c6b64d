import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from certification.models import JoinRequest
from certification.services.organizations import join_request_create, join_request_decide
from tests.certification.organizations_helpers import new_applicant, post_committed
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

JOIN = reverse("certification:join_request_create")
DETAIL = reverse("certification:organization")


def _decide_url(join_request: JoinRequest) -> str:
    return reverse("certification:join_request_decide", args=[join_request.pk])


@pytest.fixture
def nadia(db):
    return new_applicant()


@pytest.fixture
def nadia_asks_a(nadia, firm_a):
    return JoinRequest.objects.create(organization=firm_a, user=nadia, message="Lavoro in sala B.")


@pytest.fixture
def decide(client, django_capture_on_commit_callbacks):
    def post(join_request: JoinRequest, decision: str):
        return post_committed(
            client,
            django_capture_on_commit_callbacks,
            _decide_url(join_request),
            {"decision": decision},
        )

    return post


# --- asking --------------------------------------------------------------------------------


def test_asking_to_join_mails_the_firms_members(
    client, nadia, applicant, firm_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(nadia)
    response = post_committed(
        client,
        django_capture_on_commit_callbacks,
        JOIN,
        {"adesione-partita_iva": "01234560157", "adesione-message": "Sono Nadia, sala B."},
    )
    assert response.status_code == 302
    assert response.url == reverse("certification:organization_create")
    join = JoinRequest.objects.get()
    assert (join.user, join.organization, join.status) == (nadia, firm_a, "in_attesa")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [applicant.email]
    assert "Sono Nadia, sala B." in mailoutbox[0].body
    assert DETAIL in mailoutbox[0].body
    nadia.refresh_from_db()
    assert nadia.organization is None


def test_asking_twice_gives_one_pending_request(client, nadia, firm_a, applicant, mailoutbox):
    join_request_create(by=nadia, organization=firm_a)
    join_request_create(by=nadia, organization=firm_a)
    assert JoinRequest.objects.filter(status="in_attesa").count() == 1


@pytest.mark.parametrize(
    "typed, message",
    [
        ("09876540155", "Nessuna organizzazione è registrata con questa partita IVA"),
        ("01234567890", "La partita IVA non è valida"),
        ("", "obbligatorio"),
    ],
)
def test_asking_with_a_wrong_partita_iva_writes_nothing(client, nadia, firm_a, typed, message):
    client.force_login(nadia)
    response = client.post(JOIN, {"adesione-partita_iva": typed})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not JoinRequest.objects.exists()


def test_someone_with_a_firm_cannot_ask(applicant, firm_b):
    with pytest.raises(ValidationError):
        join_request_create(by=applicant, organization=firm_b)
    assert not JoinRequest.objects.exists()


def test_only_applicants_ask(committee, firm_a):
    with pytest.raises(PermissionDenied):
        join_request_create(by=committee, organization=firm_a)


# --- deciding ------------------------------------------------------------------------------


def test_the_firms_page_lists_pending_requests(client, applicant, nadia_asks_a):
    client.force_login(applicant)
    content = client.get(DETAIL).content.decode()
    assert "nadia@nuovocontact.example" in content
    assert "Lavoro in sala B." in content
    assert _decide_url(nadia_asks_a) in content


def test_a_member_approves_and_the_requester_joins(
    client, applicant, nadia, nadia_asks_a, firm_a, decide, mailoutbox
):
    client.force_login(applicant)
    response = decide(nadia_asks_a, "accogli")
    assert response.status_code == 302
    nadia_asks_a.refresh_from_db()
    assert nadia_asks_a.status == JoinRequest.Status.APPROVED
    assert nadia_asks_a.decided_by == applicant
    assert nadia_asks_a.decided_at is not None
    nadia.refresh_from_db()
    assert nadia.organization == firm_a
    assert [m.to for m in mailoutbox] == [[nadia.email]]
    assert "è stata accolta" in mailoutbox[0].body
    page = client.get(DETAIL).content.decode()
    assert "ora fa parte dell" in page
    assert "Nessuna richiesta in attesa" in page


def test_a_member_rejects_and_the_requester_stays_out(
    client, applicant, nadia, nadia_asks_a, decide, mailoutbox
):
    client.force_login(applicant)
    assert decide(nadia_asks_a, "respingi").status_code == 302
    nadia_asks_a.refresh_from_db()
    assert nadia_asks_a.status == JoinRequest.Status.REJECTED
    nadia.refresh_from_db()
    assert nadia.organization is None
    assert "non è stata accolta" in mailoutbox[0].body


def test_a_request_is_decided_once(client, applicant, nadia, nadia_asks_a, decide):
    client.force_login(applicant)
    decide(nadia_asks_a, "respingi")
    decide(nadia_asks_a, "accogli")
    nadia_asks_a.refresh_from_db()
    assert nadia_asks_a.status == JoinRequest.Status.REJECTED
    nadia.refresh_from_db()
    assert nadia.organization is None
    with pytest.raises(ValidationError):
        join_request_decide(join_request=nadia_asks_a, by=applicant, approve=True)


def test_approving_someone_who_joined_another_firm_changes_nothing(
    client, applicant, nadia, nadia_asks_a, decide
):
    other = OrganizationFactory()
    nadia.organization = other
    nadia.save()
    client.force_login(applicant)
    response = decide(nadia_asks_a, "accogli")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "fa già parte di un&#x27;organizzazione" in page
    nadia.refresh_from_db()
    assert nadia.organization == other
    nadia_asks_a.refresh_from_db()
    assert nadia_asks_a.status == JoinRequest.Status.PENDING
    # …and it is no longer listed as waiting.
    assert "nadia@nuovocontact.example" not in page


def test_an_unknown_decision_changes_nothing(client, applicant, nadia_asks_a, decide):
    client.force_login(applicant)
    decide(nadia_asks_a, "forse")
    nadia_asks_a.refresh_from_db()
    assert nadia_asks_a.status == JoinRequest.Status.PENDING


def test_a_member_of_another_firm_cannot_see_or_decide(
    client, applicant_b, nadia, nadia_asks_a, decide
):
    client.force_login(applicant_b)
    assert "nadia@nuovocontact.example" not in client.get(DETAIL).content.decode()
    assert decide(nadia_asks_a, "accogli").status_code == 404
    nadia_asks_a.refresh_from_db()
    assert nadia_asks_a.status == JoinRequest.Status.PENDING
    nadia.refresh_from_db()
    assert nadia.organization is None
    with pytest.raises(PermissionDenied):
        join_request_decide(join_request=nadia_asks_a, by=applicant_b, approve=True)


def test_the_requester_cannot_decide_their_own_request(client, nadia, nadia_asks_a, decide):
    client.force_login(nadia)
    response = decide(nadia_asks_a, "accogli")
    assert response.status_code == 302
    assert response.url == reverse("certification:organization_create")
    nadia.refresh_from_db()
    assert nadia.organization is None
    with pytest.raises(PermissionDenied):
        join_request_decide(join_request=nadia_asks_a, by=nadia, approve=True)


@pytest.mark.parametrize("person", ["committee", "auditor", "association_member", "admin_user"])
def test_other_roles_cannot_decide(client, request, nadia_asks_a, decide, person):
    client.force_login(request.getfixturevalue(person))
    assert decide(nadia_asks_a, "accogli").status_code == 403
    nadia_asks_a.refresh_from_db()
    assert nadia_asks_a.status == JoinRequest.Status.PENDING


def test_a_visitor_cannot_decide(client, nadia_asks_a, decide):
    response = decide(nadia_asks_a, "accogli")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    nadia_asks_a.refresh_from_db()
    assert nadia_asks_a.status == JoinRequest.Status.PENDING


def test_deciding_needs_post(client, applicant, nadia_asks_a):
    client.force_login(applicant)
    assert client.get(_decide_url(nadia_asks_a)).status_code == 405


def test_an_unknown_request_is_not_found(client, applicant):
    client.force_login(applicant)
    assert (
        client.post(reverse("certification:join_request_decide", args=[999999])).status_code == 404
    )
