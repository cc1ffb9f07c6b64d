"""The committee's long lists count their rows once a minute when there are many (issue 7)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification import pagination
from certification.models import Organization
from certification.pagination import LargeCountPaginator
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def count(queryset) -> int:
    return LargeCountPaginator(queryset, 10).count


def test_a_small_count_is_always_exact():
    OrganizationFactory.create_batch(2)
    assert count(Organization.objects.all()) == 2
    OrganizationFactory()
    assert count(Organization.objects.all()) == 3


def test_a_large_count_is_kept_a_while_and_each_filter_has_its_own(monkeypatch):
    monkeypatch.setattr(pagination, "CACHED_FROM", 2)
    OrganizationFactory.create_batch(2, inbound=True)
    assert count(Organization.objects.all()) == 2
    OrganizationFactory(inbound=False)
    with CaptureQueriesContext(connection) as queries:
        assert count(Organization.objects.all()) == 2
    assert len(queries) == 0
    assert count(Organization.objects.filter(inbound=False)) == 1
    assert count(Organization.objects.filter(inbound=True)) == 2
