"""The firm keeps its calling numbers current outside any application (/azienda/numeri/), and
the services behind the page."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from certification.models import CallingNumber
from certification.services.calling_numbers import (
    organization_calling_number_declare,
    organization_calling_number_withdraw,
)
from tests.factories import ApplicationFactory, UserFactory

URL = "/azienda/numeri/"


def withdraw_url(number: CallingNumber) -> str:
    return reverse("certification:organization_calling_number_withdraw", args=[number.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def declared(applicant, firm_a):
    return CallingNumber.objects.create(
        organization=firm_a, number="+390212345678", declared_by=applicant
    )


# --- the page --------------------------------------------------------------------------------


def test_the_address_is_under_the_firms_pages():
    assert reverse("certification:organization_calling_numbers") == URL


def test_the_page_lists_active_and_withdrawn_numbers(
    client, applicant, firm_a, declared, django_assert_max_num_queries
):
    CallingNumber.objects.create(
        organization=firm_a,
        number="+390611112222",
        declared_by=applicant,
        withdrawn_at=timezone.now(),
    )
    client.force_login(applicant)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.status_code == 200
    assert [n.number for n in response.context["active"]] == ["+390212345678"]
    assert [n.number for n in response.context["withdrawn"]] == ["+390611112222"]
    page = response.content.decode()
    assert "Ritira il numero +390212345678" in page
    assert "+390611112222, ritirato il" in page


def test_the_query_count_does_not_grow_with_the_numbers(
    client, applicant, firm_a, django_assert_max_num_queries
):
    client.force_login(applicant)
    with django_assert_max_num_queries(8) as few:
        client.get(URL)
    for i in range(20):
        CallingNumber.objects.create(
            organization=firm_a, number=f"+3902123456{i:02d}", declared_by=applicant
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert len(response.context["active"]) == 20


def test_a_member_declares_a_number_typed_in_any_common_way(client, applicant, firm_a):
    client.force_login(applicant)
    response = client.post(URL, {"number": "(02) 1234.5678"}, follow=True)
    assert messages_of(response) == ["Numero +390212345678 dichiarato."]
    number = CallingNumber.objects.get()
    assert (number.organization, number.application, number.declared_by) == (
        firm_a,
        None,
        applicant,
    )
    assert number.withdrawn_at is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Questo campo è obbligatorio."),
        ("ciao", "non è un numero di telefono italiano valido."),
        ("+44 20 7946 0958", "non è un numero di telefono italiano valido."),
        ("1" * 500, "non contenga più di 40 caratteri"),
    ],
)
def test_an_invalid_number_is_refused_with_a_message_and_nothing_written(
    client, applicant, typed, message
):
    client.force_login(applicant)
    response = client.post(URL, {"number": typed})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["number"])
    assert not CallingNumber.objects.exists()


def test_a_number_already_ours_is_refused_clearly(client, applicant, declared):
    client.force_login(applicant)
    response = client.post(URL, {"number": "02 1234 5678"})
    assert response.context["form"].errors["number"] == [
        "Il numero +390212345678 è già tra quelli dichiarati."
    ]
    assert CallingNumber.objects.count() == 1


def test_a_number_another_firm_declared_is_refused_clearly(client, applicant_b, declared):
    client.force_login(applicant_b)
    response = client.post(URL, {"number": "+39 02 1234 5678"})
    assert (
        "è già dichiarato da un'altra organizzazione"
        in (response.context["form"].errors["number"][0])
    )
    assert list(CallingNumber.objects.values_list("organization__legal_name", flat=True)) == [
        "Contact Uno S.r.l."
    ]


def test_a_withdrawn_number_can_be_declared_again(client, applicant, applicant_b, declared):
    declared.withdrawn_at = timezone.now()
    declared.save()
    client.force_login(applicant_b)
    client.post(URL, {"number": "02 1234 5678"})
    assert CallingNumber.objects.active().get().organization == applicant_b.organization


def test_a_member_withdraws_a_number_which_stays_listed_as_withdrawn(client, applicant, declared):
    client.force_login(applicant)
    response = client.post(withdraw_url(declared), follow=True)
    assert messages_of(response) == ["Numero +390212345678 ritirato."]
    declared.refresh_from_db()
    assert declared.withdrawn_at is not None
    assert response.context["withdrawn"] == [declared]


def test_withdrawing_twice_says_so(client, applicant, declared):
    client.force_login(applicant)
    client.post(withdraw_url(declared), follow=True)
    first = CallingNumber.objects.get().withdrawn_at
    response = client.post(withdraw_url(declared), follow=True)
    assert messages_of(response) == ["Il numero era già stato ritirato."]
    assert CallingNumber.objects.get().withdrawn_at == first


def test_withdraw_takes_only_post(client, applicant, declared):
    client.force_login(applicant)
    assert client.get(withdraw_url(declared)).status_code == 405
    assert CallingNumber.objects.active().count() == 1


def test_a_declaration_made_in_an_application_is_withdrawn_here_too(client, applicant, firm_a):
    application = ApplicationFactory(organization=firm_a, created_by=applicant)
    number = CallingNumber.objects.create(
        organization=firm_a, application=application, number="+390299998888", declared_by=applicant
    )
    client.force_login(applicant)
    client.post(withdraw_url(number))
    number.refresh_from_db()
    assert number.withdrawn_at is not None


# --- who may ---------------------------------------------------------------------------------


def test_a_visitor_is_sent_to_log_in(client, declared):
    assert client.get(URL).status_code == 302
    response = client.post(withdraw_url(declared))
    assert response.status_code == 302 and response["Location"].startswith("/accesso/")
    assert CallingNumber.objects.active().count() == 1


@pytest.mark.parametrize("person", ["committee", "auditor", "association_member", "admin_user"])
def test_other_roles_are_refused(client, request, person, declared):
    client.force_login(request.getfixturevalue(person))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"number": "06 1111 2222"}).status_code == 403
    assert client.post(withdraw_url(declared)).status_code == 403
    assert list(CallingNumber.objects.active()) == [declared]


def test_another_firms_member_sees_only_their_own_and_cannot_withdraw_ours(
    client, applicant_b, declared
):
    client.force_login(applicant_b)
    response = client.get(URL)
    assert response.context["active"] == []
    assert "+390212345678" not in response.content.decode()
    assert client.post(withdraw_url(declared)).status_code == 404
    declared.refresh_from_db()
    assert declared.withdrawn_at is None


def test_an_applicant_without_a_firm_is_sent_to_register_it(client, db):
    client.force_login(UserFactory(email="nuovo@example.it", role="richiedente"))
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == reverse("certification:organization_create")


# --- the services ----------------------------------------------------------------------------


def test_the_service_refuses_someone_outside_the_firm(applicant_b, firm_a, committee):
    for person in (applicant_b, committee):
        with pytest.raises(PermissionDenied):
            organization_calling_number_declare(
                organization=firm_a, by=person, number="+390212345678"
            )
    assert not CallingNumber.objects.exists()


def test_the_service_refuses_a_number_not_in_e164(applicant, firm_a):
    with pytest.raises(ValidationError, match="non è un numero di telefono italiano valido"):
        organization_calling_number_declare(organization=firm_a, by=applicant, number="02123")
    assert not CallingNumber.objects.exists()


def test_the_withdraw_service_refuses_another_firms_number(applicant_b, firm_b, declared):
    with pytest.raises(PermissionDenied):
        organization_calling_number_withdraw(
            organization=firm_b, by=applicant_b, calling_number=declared
        )
    declared.refresh_from_db()
    assert declared.withdrawn_at is None


@pytest.mark.django_db(transaction=True)
def test_two_firms_declaring_the_same_number_at_once_end_with_one_declaration(
    applicant, applicant_b
):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def declare(person):
        try:
            barrier.wait()
            organization_calling_number_declare(
                organization=person.organization, by=person, number="+390212345678"
            )
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=declare, args=(p,)) for p in (applicant, applicant_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_declared", "ok"]
    assert CallingNumber.objects.active().count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_colleagues_declaring_the_same_number_at_once_end_with_one_declaration(
    applicant, firm_a
):
    colleague = UserFactory(
        email="carlo@contactuno.example", role="richiedente", organization=firm_a
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def declare(person):
        try:
            barrier.wait()
            organization_calling_number_declare(
                organization=firm_a, by=person, number="+390212345678"
            )
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=declare, args=(p,)) for p in (applicant, colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The organization's row lock makes the second one see the first: "already yours".
    assert sorted(outcomes) == ["already_yours", "ok"]
    assert CallingNumber.objects.active().count() == 1
