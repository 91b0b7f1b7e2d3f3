"""The completion report's pages and CSV files in the admin UI."""

import csv
import io

import pytest
from django_scopes import scope

from partners.models import Partner
from prm.tenancy.roles import Role
from training.models import Course

from .report_fixtures import build_report_world

pytestmark = pytest.mark.django_db

REPORT = "/admin/training/reports/"


@pytest.fixture
def report(ours):
    with scope(tenant=ours.tenant):
        yield build_report_world(ours, title='=HYPERLINK("http://evil.test")')


def rows_of(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_report_lists_courses_with_their_figures(ours, report, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = client.get(REPORT, {"course": report.course.pk}).content.decode()
    assert "HYPERLINK" in page
    assert "<script" not in page.split("report-courses")[1][:2000]
    assert "75%" in page
    assert "50%" in page
    assert "Pass rate per tier" in page
    assert "<svg" in page
    # drawn by prm.charts: named and described, its figures in a table for screen readers
    chart = page.split('class="prm-chart-figure', 1)[1].split("</figure>", 1)[0]
    assert 'role="img"' in chart
    assert "<caption>Pass rate per tier</caption>" in chart
    assert "What the figures mean" in page


def test_the_course_page_per_tier_and_partner(ours, report, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    page = client.get(f"{REPORT}courses/{report.course.pk}/").content.decode()
    assert "Partner C without users" in page
    assert ours.partner.name in page
    assert ours.other_partner.name in page
    assert "Reach per tier" in page
    assert "No tier" in page


def test_a_cam_sees_only_their_partners(ours, report, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    page = client.get(f"{REPORT}courses/{report.course.pk}/").content.decode()
    assert ours.partner.name in page
    assert ours.other_partner.name not in page
    assert "The figures count the partners assigned to you." in page
    rows = rows_of(client.get(f"{REPORT}courses/{report.course.pk}/partners.csv"))
    assert [r[0] for r in rows[1:]] == [ours.partner.name]


def test_the_course_csv_has_the_tables_columns_and_is_safe(ours, report, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = client.get(f"{REPORT}completion.csv", {"course": report.course.pk})
    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert rows[0] == [
        "Course",
        "Version",
        "Learners targeted",
        "Started",
        "In progress",
        "Passed",
        "Pass rate",
        "Reach",
        "Median days to pass",
    ]
    assert rows[1:] == [
        ['\'=HYPERLINK("http://evil.test")', "1", "4", "4", "1", "3", "75.0", "50.0", "6.0"]
    ]


def test_the_partner_csv_follows_the_pages_sort_and_filters(ours, report, host_client):
    with scope(tenant=ours.tenant):
        Partner.objects.filter(pk=report.partner_c.pk).update(name="+Partner C")
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    url = f"{REPORT}courses/{report.course.pk}/partners.csv"
    rows = rows_of(client.get(url, {"sort": "-passed"}))
    assert rows[0][:3] == ["Partner", "Tier", "Learners targeted"]
    assert [r[0] for r in rows[1:]] == [ours.other_partner.name, ours.partner.name, "'+Partner C"]
    assert rows[1][1:] == ["", "2", "2", "0", "2", "100.0", "50.0", "6.0"]
    assert rows[3][2:] == ["0", "0", "0", "0", "", "", ""]
    silver = rows_of(client.get(url, {"tier": ours.tier.pk}))
    assert {r[0] for r in silver[1:]} == {ours.partner.name, "'+Partner C"}


def test_a_bad_filter_value_is_left_out(ours, report, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = client.get(
        REPORT, {"tier": "x\x00", "started_from": "2024-13-45", "sort": "evil", "page": "-1"}
    )
    assert response.status_code == 200
    assert "HYPERLINK" in response.content.decode()


def test_the_empty_states(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = client.get(REPORT, {"course": "999999999"}).content.decode()
    # an unknown course is a refused value: the filter is left out
    assert "report-courses" in page
    with scope(tenant=ours.tenant):
        Course.objects.filter(tenant=ours.tenant).update(current_version=None)
    page = client.get(REPORT).content.decode()
    assert "No course is published yet." in page


def test_another_tenants_course_is_404(ours, theirs, host_client):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    assert client.get(f"{REPORT}courses/{theirs.course.pk}/").status_code == 404
    assert client.get(f"{REPORT}courses/{theirs.course.pk}/partners.csv").status_code == 404


def test_partner_users_cannot_open_the_report(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_ADMIN])
    assert client.get(REPORT).status_code in (403, 404)


def test_the_course_list_links_to_the_report(ours, host_client):
    client = host_client(ours.host, ours.members[Role.CAM])
    page = client.get("/admin/training/course/").content.decode()
    assert 'id="completion-report"' in page
