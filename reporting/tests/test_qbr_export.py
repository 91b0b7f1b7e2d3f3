"""The bulk QBR export (reporting/qbrs/export.py, reporting/admin/qbr_export.py): one PDF per
partner in the zip, failures listed per partner, cancelling, a re-run that renders no final QBR
again, resuming a killed run without duplicates, and what a CAM and another tenant may export.

The job runs through the runner as a worker would (`prm.jobs.runner.run_job`); the real worker
over Redis is tests/test_qbr_export_worker.py.
"""

import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from guardian.shortcuts import remove_perm

from partners.models import Partner
from partners.tests.factories import PartnerFactory
from prm.jobs import progress as progress_module
from prm.jobs.models import Job
from prm.jobs.runner import run_job
from prm.jobs.selectors import jobs_visible_to
from prm.jobs.services import job_cancel
from prm.tenancy.partner_access import MANAGE_PARTNER
from prm.tenancy.roles import Role
from reporting.models import Qbr, QbrExportItem, QbrSnapshot
from reporting.qbrs import document
from reporting.qbrs import export as E
from reporting.qbrs import services as qbr_services
from reporting.qbrs.services import qbr_finalise, qbr_prepare, recent_quarters

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_reviews(world):
    """The shared world's reviews left out (rolled back after each test): each test exports
    from nothing."""
    Qbr.objects.filter(tenant=world.tenant).delete()


S = Job.Status
URL = reverse("admin:reporting_qbr_export", urlconf="prm.urls")


class KilledWorker(BaseException):
    """A worker process dying mid-job (not an error the runner could catch and record)."""


@pytest.fixture
def ops(world):
    return world.members[Role.PARTNER_OPS]


@pytest.fixture
def cam(world):
    return world.members[Role.CAM]


@pytest.fixture
def last_quarter(world):
    return recent_quarters(world.tenant, timezone.localdate())[1]


@pytest.fixture
def renders(monkeypatch):
    """One entry per QBR PDF rendered (the real renderer still renders each)."""
    made: list[int] = []
    real = document.render_qbr

    def counting(data, *, tenant):  # type: ignore[no-untyped-def]
        made.append(1)
        return real(data, tenant=tenant)

    monkeypatch.setattr(document, "render_qbr", counting)
    return made


def start(actor, quarter, **choice):
    return E.qbr_export_start(actor=actor, selection=E.Selection(quarter=quarter, **choice))


def run(job):
    run_job(job.pk)
    job.refresh_from_db()
    return job


def zip_of(job) -> dict[str, bytes]:
    assert job.result, "the job attached no zip"
    with job.result.open("rb") as f:
        archive = zipfile.ZipFile(io.BytesIO(f.read()))
    return {name: archive.read(name) for name in archive.namelist()}


def expected_names(actor, quarter, **choice) -> list[str]:
    return list(
        E.export_partners(actor, E.Selection(quarter=quarter, **choice)).values_list(
            "name", flat=True
        )
    )


# The run


def test_an_export_zips_one_pdf_per_partner_named_by_partner_and_quarter(world, ops, last_quarter):
    names = expected_names(ops, last_quarter)
    assert {world.partner.name, world.other_partner.name} <= set(names)
    job = run(start(ops, last_quarter))

    assert job.status == S.DONE, job.error
    assert (job.total, job.done, job.failed) == (len(names), len(names), 0)
    files = zip_of(job)
    label = E.quarter_label(world.tenant, last_quarter)
    assert sorted(files) == sorted(f"{name} {label}.pdf" for name in names)
    assert all(content.startswith(b"%PDF-") for content in files.values())
    assert job.result_name == f"QBRs {label}.zip"
    # each partner's QBR of that quarter now exists, as a draft with one snapshot
    qbrs = Qbr.objects.filter(tenant=world.tenant, period_start=last_quarter.start)
    assert qbrs.count() == len(names)
    assert set(QbrSnapshot.objects.filter(qbr__in=qbrs).values_list("version", flat=True)) == {1}


def test_zip_names_stay_unique_when_partner_names_differ_only_by_punctuation(
    world, ops, last_quarter
):
    # "ours partner: A" makes the same safe file name as "ours partner A"
    PartnerFactory(tenant=world.tenant, name=world.partner.name.replace(" A", ": A"))
    job = run(start(ops, last_quarter))
    label = E.quarter_label(world.tenant, last_quarter)
    files = zip_of(job)
    assert f"{world.partner.name} {label}.pdf" in files
    assert f"{world.partner.name} {label} (2).pdf" in files
    assert len(files) == job.total


def test_a_partner_that_fails_is_listed_and_the_others_are_exported(
    world, ops, last_quarter, monkeypatch, caplog
):
    real = qbr_services.snapshot_data

    def broken_for_b(qbr, **kwargs):  # type: ignore[no-untyped-def]
        if qbr.partner_id == world.other_partner.pk:
            raise RuntimeError("figures unavailable")
        return real(qbr, **kwargs)

    monkeypatch.setattr(qbr_services, "snapshot_data", broken_for_b)
    names = expected_names(ops, last_quarter)
    with caplog.at_level("ERROR", logger="reporting.qbrs.export"):
        job = run(start(ops, last_quarter))

    assert job.status == S.DONE
    assert (job.done, job.failed) == (len(names) - 1, 1)
    assert job.failures[0]["item"] == world.other_partner.name
    assert "RuntimeError" in job.failures[0]["message"]
    assert "figures unavailable" in caplog.text  # the traceback is logged
    label = E.quarter_label(world.tenant, last_quarter)
    assert f"{world.other_partner.name} {label}.pdf" not in zip_of(job)
    assert len(zip_of(job)) == len(names) - 1
    # nothing half-made for B: its QBR and snapshot rolled back together
    assert not Qbr.objects.filter(partner=world.other_partner).exists()


def test_cancelling_stops_the_export_between_partners_without_a_zip(
    world, ops, last_quarter, monkeypatch
):
    monkeypatch.setattr(progress_module, "CANCEL_EVERY", 0)  # look before every partner
    real = E._export_one

    def cancel_after_first(item, **kwargs):  # type: ignore[no-untyped-def]
        real(item, **kwargs)
        job_cancel(actor=ops, job=item.job)

    monkeypatch.setattr(E, "_export_one", cancel_after_first)
    job = run(start(ops, last_quarter))

    assert job.status == S.CANCELLED
    assert job.done == 1
    assert job.total > 1
    assert not job.result
    assert QbrExportItem.objects.filter(job=job, done_at__isnull=False).count() == 1


def test_a_second_export_renders_no_final_qbr_again_and_makes_no_snapshot(
    world, ops, last_quarter, renders
):
    qbr, _made = qbr_prepare(tenant=world.tenant, partner=world.partner, day=last_quarter.start)
    qbr_finalise(actor=ops, qbr=qbr, held_on=last_quarter.end)
    final = QbrSnapshot.objects.get(qbr=qbr, final=True)
    assert not final.pdf  # rendered by the first export, then kept

    first = run(start(ops, last_quarter))
    label = E.quarter_label(world.tenant, last_quarter)
    name = f"{world.partner.name} {label}.pdf"
    kept = zip_of(first)[name]
    final.refresh_from_db()
    assert final.pdf
    with final.pdf.open("rb") as f:
        assert f.read() == kept
    snapshots = list(QbrSnapshot.objects.filter(qbr__tenant=world.tenant).values_list("pk", "pdf"))
    rendered_first = len(renders)
    assert rendered_first == first.total  # each partner's PDF once, the final one included

    second = run(start(ops, last_quarter))  # the first finished: the same choice, a new job
    assert second.pk != first.pk
    assert second.status == S.DONE
    assert zip_of(second)[name] == kept  # the kept bytes, not a new render
    # only the drafts were rendered again; their figures had not changed: no new version
    assert len(renders) - rendered_first == second.total - 1
    assert list(QbrSnapshot.objects.filter(qbr__tenant=world.tenant).values_list("pk", "pdf")) == (
        snapshots
    )


def test_a_killed_run_resumes_without_duplicates_and_ends_with_one_pdf_per_partner(
    world, ops, last_quarter, monkeypatch, renders, django_capture_on_commit_callbacks
):
    for i in range(3):
        PartnerFactory(tenant=world.tenant, name=f"Extra partner {i}")
    names = expected_names(ops, last_quarter)
    real = E._export_one
    exported: list[int] = []

    def die_after_two(item, **kwargs):  # type: ignore[no-untyped-def]
        real(item, **kwargs)
        exported.append(item.partner_id)
        if len(exported) == 2:
            raise KilledWorker

    monkeypatch.setattr(E, "_export_one", die_after_two)
    job = start(ops, last_quarter)
    with pytest.raises(KilledWorker):
        run_job(job.pk)
    job.refresh_from_db()
    assert job.status == S.RUNNING
    assert QbrExportItem.objects.filter(job=job, done_at__isnull=False).count() == 2

    # the sweep finds it silent and queues it again; the run skips the two done
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=3))
    from prm.jobs.tasks import jobs_sweep_task

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_sweep_task(tenant_id=world.tenant.pk) == 1
    job.refresh_from_db()

    assert job.status == S.DONE, job.error
    assert (job.total, job.done, job.failed) == (len(names), len(names), 0)
    assert len(exported) == len(names)  # no partner exported twice
    assert len(renders) == len(names)
    assert len(zip_of(job)) == len(names)
    assert QbrExportItem.objects.filter(job=job).count() == len(names)
    qbrs = Qbr.objects.filter(tenant=world.tenant, period_start=last_quarter.start)
    assert qbrs.count() == len(names)
    assert QbrSnapshot.objects.filter(qbr__in=qbrs).count() == len(names)


def test_the_same_export_started_twice_while_it_runs_is_one_job(world, ops, last_quarter):
    first = start(ops, last_quarter)
    again = start(ops, last_quarter)
    assert again.pk == first.pk
    assert QbrExportItem.objects.filter(job=first).count() == first_count(ops, last_quarter)


def first_count(actor, quarter) -> int:
    return len(expected_names(actor, quarter))


def test_the_partners_are_fixed_when_the_job_starts(world, ops, last_quarter):
    job = start(ops, last_quarter)
    PartnerFactory(tenant=world.tenant, name="Joined after the start")
    job = run(job)
    assert not any(name.startswith("Joined after") for name in zip_of(job))


# Which partners


def test_the_scopes_narrow_to_a_tier_a_segment_and_a_cams_partners(world, ops, cam, last_quarter):
    Partner.objects.filter(pk=world.partner.pk).update(tier=world.tier, region="emea")
    Partner.objects.filter(pk=world.other_partner.pk).update(tier=None, region="apac")
    assert expected_names(ops, last_quarter, scope=E.TIER, tier=world.tier) == [world.partner.name]
    assert expected_names(ops, last_quarter, scope=E.SEGMENT, segment=world.segment) == [
        world.partner.name
    ]
    assert expected_names(ops, last_quarter, scope=E.CAM, cam=cam) == [world.partner.name]


def test_applicants_and_offboarded_partners_are_left_out(world, ops, last_quarter):
    PartnerFactory(tenant=world.tenant, name="Applying", status=Partner.Status.APPLICANT)
    PartnerFactory(tenant=world.tenant, name="Gone", status=Partner.Status.OFFBOARDED)
    names = expected_names(ops, last_quarter)
    assert "Applying" not in names
    assert "Gone" not in names


def test_a_cam_exports_only_their_partners_whatever_they_pick(world, cam, last_quarter):
    Partner.objects.filter(tenant=world.tenant).update(tier=world.tier)
    for choice in ({}, {"scope": E.TIER, "tier": world.tier}):
        assert expected_names(cam, last_quarter, **choice) == [world.partner.name]
    # a CAM does not pick another CAM's portfolio
    assert expected_names(cam, last_quarter, scope=E.CAM, cam=cam) == []
    job = run(start(cam, last_quarter, scope=E.TIER, tier=world.tier))
    assert list(zip_of(job)) == [
        f"{world.partner.name} {E.quarter_label(world.tenant, last_quarter)}.pdf"
    ]


def test_a_partner_the_cam_no_longer_manages_when_the_job_runs_is_listed_not_exported(
    world, cam, last_quarter
):
    job = start(cam, last_quarter)
    remove_perm(MANAGE_PARTNER, cam.user, world.partner)
    job = run(job)
    assert (job.done, job.failed) == (0, 1)
    assert "no longer sees this partner" in job.failures[0]["message"]
    assert not job.result
    assert not Qbr.objects.filter(partner=world.partner).exists()


def test_a_cam_sees_only_the_exports_they_started(world, ops, cam, last_quarter):
    theirs = start(ops, last_quarter)
    own = start(cam, last_quarter)
    assert list(jobs_visible_to(cam).filter(kind=E.KIND)) == [own]
    assert set(jobs_visible_to(ops).filter(kind=E.KIND)) == {theirs, own}


def test_another_tenants_partners_are_never_exported(world, theirs, ops, last_quarter):
    job = run(start(ops, last_quarter))
    with scope(tenant=theirs.tenant):
        their_partners = Partner.objects.filter(tenant=theirs.tenant)
        their_names = set(their_partners.values_list("name", flat=True))
    assert their_names
    assert not any(name.rsplit(" Q", 1)[0] in their_names for name in zip_of(job))
    assert set(QbrExportItem.objects.filter(job=job).values_list("tenant_id", flat=True)) == {
        world.tenant.pk
    }


# The page


def test_the_page_counts_the_partners_then_the_confirmation_starts_the_job(
    world, ops, last_quarter, host_client
):
    client = host_client(world.host, ops)
    choice = {"quarter": last_quarter.start.isoformat(), "scope": "all"}
    page = client.get(URL, choice)
    assert page.status_code == 200
    count = len(expected_names(ops, last_quarter))
    assert f"{count} partners to export" in page.content.decode()
    assert not Job.objects.filter(kind=E.KIND).exists()  # counting starts nothing

    response = client.post(URL, choice)
    job = Job.objects.get(tenant=world.tenant, kind=E.KIND)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:job", args=[job.pk], urlconf="prm.urls")
    assert job.params == {
        "quarter": last_quarter.start.isoformat(),
        "scope": "all",
        "target": None,
        "by": ops.pk,
    }
    assert QbrExportItem.objects.filter(job=job).count() == count
    assert client.post(URL, choice)["Location"] == response["Location"]  # a double click


def test_an_empty_selection_says_so_beside_the_field_and_starts_nothing(
    world, ops, last_quarter, host_client
):
    Partner.objects.filter(tenant=world.tenant).update(tier=None)
    client = host_client(world.host, ops)
    choice = {"quarter": last_quarter.start.isoformat(), "scope": "tier", "tier": world.tier.pk}
    for response in (client.get(URL, choice), client.post(URL, choice)):
        assert response.status_code == 200
        assert "No partner to export" in response.content.decode()
    assert not Job.objects.filter(kind=E.KIND).exists()


LAST = "last quarter"


@pytest.mark.parametrize(
    "bad",
    [
        {"quarter": "2001-01-01", "scope": "all"},  # a quarter the page does not offer
        {"quarter": "not a day", "scope": "all"},
        {"scope": "all"},  # no quarter
        {"quarter": LAST, "scope": "everyone"},
        {"quarter": LAST, "scope": "tier"},  # no tier named
        {"quarter": LAST, "scope": "tier", "tier": "abc"},
        {"quarter": LAST, "scope": "tier", "tier": "999999999999999999999"},
        {"quarter": LAST, "scope": "segment", "segment": "-1"},
        {"quarter": LAST, "scope": "cam", "cam": "\x00"},
    ],
)
def test_bad_choices_are_refused_beside_their_field_and_start_nothing(
    world, ops, last_quarter, host_client, bad
):
    client = host_client(world.host, ops)
    data = {k: last_quarter.start.isoformat() if v == LAST else v for k, v in bad.items()}
    for response in (client.get(URL, data), client.post(URL, data)):
        assert response.status_code == 200
        assert "prm-errorlist" in response.content.decode()
    assert not Job.objects.filter(kind=E.KIND).exists()


def test_another_tenants_tier_or_a_cam_picked_by_a_cam_is_refused(
    world, theirs, cam, last_quarter, host_client
):
    with scope(tenant=theirs.tenant):
        their_tier = theirs.tier.pk
    client = host_client(world.host, cam)
    quarter = last_quarter.start.isoformat()
    for data in (
        {"quarter": quarter, "scope": "tier", "tier": their_tier},
        {"quarter": quarter, "scope": "cam", "cam": cam.pk},
    ):
        response = client.post(URL, data)
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not Job.objects.filter(kind=E.KIND).exists()
