"""The job pages in the admin UI: the list, a job with its progress bar, the fragment it polls,
the cancel confirmation and the result download (prm/jobs/views.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from prm.jobs.models import Job
from prm.jobs.services import job_start
from prm.tenancy.roles import Role
from tests.jobkinds import KIND, RESTRICTED_KIND

pytestmark = pytest.mark.django_db

S = Job.Status


@pytest.fixture
def client(ours, host_client):
    return host_client(ours.host, ours.members[Role.PARTNER_OPS])


def running(ours, kind=KIND, items=("a", "b", "c", "d")):
    job = job_start(
        actor=ours.members[Role.PARTNER_OPS],
        kind=kind,
        params={"items": list(items)},
        label="Close March 2027 for 4 partners",
    )
    Job.objects.filter(pk=job.pk).update(
        status=S.RUNNING, total=4, done=1, failed=1, started_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def test_the_list_shows_the_tenants_jobs_newest_first(in_ours, client):
    job = running(in_ours)
    html = client.get(reverse("admin:jobs")).content.decode()
    assert html.index(job.label) < html.index(in_ours.job.label)
    assert '<progress value="2" max="4"' in html
    assert "Count items (tests)" in html


def test_the_list_says_what_starts_a_job_when_there_is_none(in_ours, client):
    Job.objects.all().delete()
    html = client.get(reverse("admin:jobs")).content.decode()
    assert 'id="jobs-empty"' in html
    assert "A job starts when you start a long run from its page" in html


def test_the_list_filters_by_status_and_says_so_when_nothing_matches(in_ours, client):
    html = client.get(reverse("admin:jobs") + "?status=running").content.decode()
    assert in_ours.job.label not in html
    assert "No job matches these filters." in html
    html = client.get(reverse("admin:jobs") + "?status=done&kind=" + KIND).content.decode()
    assert in_ours.job.label in html


def test_a_bad_filter_value_is_left_out(in_ours, client):
    response = client.get(reverse("admin:jobs") + "?status=nope&kind=%00&page=x")
    assert response.status_code == 200
    assert in_ours.job.label in response.content.decode()


def test_a_cam_gets_403_for_a_kind_they_may_not_see_and_404_for_its_job(in_ours, host_client):
    job = running(in_ours, kind=RESTRICTED_KIND)
    cam = host_client(in_ours.host, in_ours.members[Role.CAM])
    assert cam.get(reverse("admin:jobs") + f"?kind={RESTRICTED_KIND}").status_code == 403
    assert job.label not in cam.get(reverse("admin:jobs")).content.decode()
    for name in ("admin:job", "admin:job_progress", "admin:job_cancel", "admin:job_result"):
        assert cam.get(reverse(name, args=[job.pk])).status_code == 404
    leader = host_client(in_ours.host, in_ours.members[Role.PROGRAM_LEADER])
    assert leader.get(reverse("admin:job", args=[job.pk])).status_code == 200


def test_the_job_page_shows_progress_failures_download_and_the_way_back(in_ours, client):
    job = in_ours.job
    html = client.get(reverse("admin:job", args=[job.pk])).content.decode()
    assert job.label in html
    assert in_ours.members[Role.PARTNER_OPS].user.email in html
    assert "2 done, 1 failed, of 3" in html
    assert "Item c is refused" in html
    assert reverse("admin:job_result", args=[job.pk]) in html
    assert 'id="job-back" href="/admin/jobs/"' in html.replace("\n", " ") or "job-back" in html
    # Finished: nothing polls, nothing to cancel.
    assert "hx-trigger" not in html.split('id="job-progress"')[1].split(">")[0]
    assert 'id="job-cancel"' not in html
    assert " style=" not in html.split('id="content-main"')[1]


def test_a_running_jobs_page_polls_its_progress_and_offers_cancel(in_ours, client):
    job = running(in_ours)
    html = client.get(reverse("admin:job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="{reverse("admin:job_progress", args=[job.pk])}"' in html
    assert '<progress value="2" max="4"' in html
    assert reverse("admin:job_cancel", args=[job.pk]) in html


def test_the_progress_fragment_reads_the_row_so_a_reload_shows_the_same(in_ours, client):
    job = running(in_ours)
    url = reverse("admin:job_progress", args=[job.pk])
    assert "1 done, 1 failed, of 4" in client.get(url).content.decode()
    Job.objects.filter(pk=job.pk).update(done=3, failed=1, status=S.DONE)
    fragment = client.get(url).content.decode()
    assert "3 done, 1 failed, of 4" in fragment
    assert "hx-trigger" not in fragment  # finished: the polling stops
    assert "<html" not in fragment


def test_cancel_asks_for_confirmation_then_cancels(in_ours, client):
    job = running(in_ours)
    url = reverse("admin:job_cancel", args=[job.pk])
    html = client.get(url).content.decode()
    assert 'id="cancel-submit"' in html
    assert "1 of 4 items are done" in html
    job.refresh_from_db()
    assert job.cancel_requested_at is None  # a GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:job", args=[job.pk])
    job.refresh_from_db()
    assert job.cancel_requested_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "The job stops after the item it is working on." in page
    assert "Stopping" in page


def test_a_finished_job_has_nothing_to_cancel(in_ours, client):
    html = client.get(reverse("admin:job_cancel", args=[in_ours.job.pk])).content.decode()
    assert 'id="job-cannot-cancel"' in html
    assert 'id="cancel-submit"' not in html


def test_the_result_downloads_as_an_attachment(in_ours, client):
    response = client.get(reverse("admin:job_result", args=[in_ours.job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"item\na\nb\nc\n"
    assert "attachment" in response["Content-Disposition"]
    assert 'filename="counted items.csv"' in response["Content-Disposition"]
    assert response["Content-Type"].startswith("text/csv")


def test_a_job_without_a_result_answers_404_for_its_download(in_ours, client):
    job = running(in_ours)
    assert client.get(reverse("admin:job_result", args=[job.pk])).status_code == 404


def test_another_tenants_job_answers_404(ours, theirs, client):
    for name in ("admin:job", "admin:job_progress", "admin:job_cancel", "admin:job_result"):
        assert client.get(reverse(name, args=[theirs.job.pk])).status_code == 404


def test_partner_users_never_reach_the_job_pages(ours, host_client):
    for role in (Role.PARTNER_ADMIN, Role.PARTNER_REP):
        member = host_client(ours.host, ours.members[role])
        assert member.get(reverse("admin:jobs")).status_code == 403
        assert member.get(reverse("admin:job", args=[ours.job.pk])).status_code == 403


def test_the_side_menu_lists_background_jobs_and_its_entry_leads_to_the_list(ours, client):
    home = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:jobs_job_changelist") in home
    response = client.get(reverse("admin:jobs_job_changelist"))
    assert response["Location"] == reverse("admin:jobs")
    response = client.get(reverse("admin:jobs_job_change", args=[ours.job.pk]))
    assert response["Location"] == reverse("admin:job", args=[ours.job.pk])


def test_the_model_admins_change_url_answers_404_for_a_job_the_member_may_not_see(
    in_ours, theirs, host_client
):
    job = running(in_ours, kind=RESTRICTED_KIND)
    cam = host_client(in_ours.host, in_ours.members[Role.CAM])
    assert cam.get(reverse("admin:jobs_job_change", args=[job.pk])).status_code == 404
    assert cam.get(reverse("admin:jobs_job_change", args=[theirs.job.pk])).status_code == 404
