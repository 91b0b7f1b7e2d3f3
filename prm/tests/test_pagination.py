"""Paging by keys first gives exactly the pages of a plain paginator, in order."""

import pytest
from django.core.paginator import Paginator
from django_scopes import scope

from prm.audit.models import AuditEvent
from prm.audit.services import audit_record
from prm.pagination import DeferredJoinPaginator


@pytest.mark.django_db
def test_deferred_join_pages_match_plain_pages(ours, django_assert_num_queries):
    with scope(tenant=ours.tenant):
        for i in range(23):
            audit_record(tenant=ours.tenant, actor=None, action=f"test.page.{i % 4}")
        rows = (
            AuditEvent.objects.filter(tenant=ours.tenant)
            .select_related("actor")
            .order_by("action", "-id")
        )
        plain, deferred = Paginator(rows, 5, orphans=2), DeferredJoinPaginator(rows, 5, orphans=2)
        assert deferred.num_pages == plain.num_pages
        for number in deferred.page_range:
            expected = [e.pk for e in plain.page(number).object_list]
            with django_assert_num_queries(2):  # the keys, then the rows
                page = deferred.page(number)
                got = [e.pk for e in page.object_list]
            assert got == expected
            assert page.has_next() == plain.page(number).has_next()
