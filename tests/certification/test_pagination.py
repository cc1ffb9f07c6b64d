"""The committee's long lists count their rows once a minute when there are many, and read a
page past the middle from the end (issue 7)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification import pagination
from certification.models import Organization, Provincia
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


@pytest.mark.parametrize("per_page,orphans", [(10, 0), (7, 3), (200, 0)])
def test_the_pages_put_together_are_the_whole_list_in_order(per_page, orphans):
    provinces = Provincia.objects.order_by("-sigla")
    everything = list(provinces.values_list("sigla", flat=True))
    paginator = LargeCountPaginator(provinces, per_page, orphans=orphans)
    shown = [
        province.sigla
        for number in paginator.page_range
        for province in paginator.page(number).object_list
    ]
    assert shown == everything


def test_the_last_page_is_read_from_the_end_not_past_every_row():
    provinces = Provincia.objects.order_by("-sigla")
    paginator = LargeCountPaginator(provinces, 10)
    with CaptureQueriesContext(connection) as first:
        list(paginator.page(1).object_list)
    with CaptureQueriesContext(connection) as last:
        rows = list(paginator.page(paginator.num_pages).object_list)
    assert [p.sigla for p in rows] == list(
        provinces.values_list("sigla", flat=True)[(paginator.num_pages - 1) * 10 :]
    )
    assert "OFFSET" not in first[-1]["sql"]
    assert "OFFSET" not in last[-1]["sql"], "the last page skips nothing"
    assert '"sigla" ASC' in last[-1]["sql"]
