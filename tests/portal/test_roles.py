"""A user's permissions come from one group, the group of their role (certification.roles); the
database insists that association members, and only they, belong to an association."""

import pytest
from django.db import IntegrityError, transaction

from certification.models import Association, User
from certification.roles import ROLE_PERMISSIONS
from codice.services import can_manage_codice
from tests.factories import AssociationFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = [role.value for role in User.Role]


def role_groups(user: User) -> list[str]:
    return sorted(user.groups.filter(name__startswith="ruolo:").values_list("name", flat=True))


def fresh(user: User) -> User:
    """The user as the next request would load them: no cached permissions."""
    return User.objects.get(pk=user.pk)


def test_every_role_has_its_group_and_permissions_list():
    assert sorted(ROLE_PERMISSIONS) == sorted(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_a_new_user_is_in_exactly_the_group_of_their_role(role):
    association = AssociationFactory() if role == User.Role.ASSOCIATION else None
    user = User.objects.create_user(
        email=f"nuovo.{role}@example.it", password="x", role=role, association=association
    )
    assert role_groups(user) == [f"ruolo:{role}"]
    assert user.groups.count() == 1


def test_changing_the_role_moves_the_user_to_the_new_group(applicant):
    assert role_groups(applicant) == ["ruolo:richiedente"]
    applicant.role = User.Role.COMMITTEE
    applicant.organization = None
    applicant.save()
    assert role_groups(applicant) == ["ruolo:comitato"]
    assert can_manage_codice(fresh(applicant))

    applicant.role = User.Role.AUDITOR
    applicant.save()
    assert role_groups(applicant) == ["ruolo:auditor"]
    assert not can_manage_codice(fresh(applicant))


def test_saving_again_keeps_a_single_role_group(committee):
    committee.first_name = "Carla Maria"
    committee.save()
    committee.save()
    assert role_groups(committee) == ["ruolo:comitato"]


def test_a_stray_role_group_is_removed_on_save(committee):
    from django.contrib.auth.models import Group

    committee.groups.add(Group.objects.get(name="ruolo:auditor"))
    committee.save()
    assert role_groups(committee) == ["ruolo:comitato"]


def test_only_the_committee_may_manage_the_code(committee, auditor, applicant, association_member):
    assert fresh(committee).has_perm("codice.manage_codice")
    assert can_manage_codice(fresh(committee))
    for user in (auditor, applicant, association_member):
        assert not fresh(user).has_perm("codice.manage_codice"), user.role
        assert not can_manage_codice(fresh(user)), user.role


def test_an_admin_role_alone_does_not_manage_the_code():
    # The admin role's group carries no permission; only a superuser flag would give them all.
    user = UserFactory(email="staff@oic.example", role=User.Role.ADMIN, is_staff=True)
    assert role_groups(user) == ["ruolo:admin"]
    assert not can_manage_codice(fresh(user))


def test_an_anonymous_visitor_does_not_manage_the_code():
    from django.contrib.auth.models import AnonymousUser

    assert not can_manage_codice(AnonymousUser())
    assert not can_manage_codice(None)


def test_the_database_refuses_an_association_member_without_association():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="socio@consumatori.example", role=User.Role.ASSOCIATION)
    assert not User.objects.filter(email="socio@consumatori.example").exists()


@pytest.mark.parametrize("role", [r for r in ROLES if r != User.Role.ASSOCIATION])
def test_the_database_refuses_an_association_for_anyone_else(role):
    association = AssociationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(
            email=f"intruso.{role}@example.it", role=role, association=association
        )
    assert not association.members.exists()


def test_the_database_refuses_taking_the_association_away_from_a_member(association_member):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=association_member.pk).update(association=None)
    assert fresh(association_member).association_id is not None


def test_an_association_member_with_an_association_is_accepted(association_member):
    assert association_member.association is not None
    assert isinstance(association_member.association, Association)
    assert role_groups(association_member) == ["ruolo:associazione"]


def test_only_applicants_belong_to_an_organization(committee, firm_a):
    from django.db import IntegrityError, transaction

    committee.organization = firm_a
    with pytest.raises(IntegrityError), transaction.atomic():
        committee.save()
