"""The partner page's Training section: each learner with their courses, for the CAM."""

import pytest
from django_scopes import scope

from partners.tests.factories import PartnerFactory
from prm.tenancy.roles import Role
from prm.tenancy.tests.factories import partner_membership
from training import overview

pytestmark = pytest.mark.django_db


def section_of(page: str) -> str:
    return page.split('id="section-training"')[1].split("</section>")[0]


def test_each_learner_with_their_courses(ours, host_client):
    with scope(tenant=ours.tenant):
        newcomer = partner_membership(ours.partner, Role.PARTNER_REP)
    cam = host_client(ours.host, ours.members[Role.CAM])
    page = section_of(
        cam.get(f"/admin/partners/partner/{ours.partner.pk}/overview/").content.decode()
    )
    rep, admin = ours.members[Role.PARTNER_REP], ours.members[Role.PARTNER_ADMIN]
    assert str(rep.user) in page
    assert ours.course.title in page
    assert "1 of 3 modules" in page
    assert str(admin.user) in page
    assert ours.quiz_course.title in page  # the admin's failed quiz attempt: in progress
    newcomer_line = page.split(str(newcomer.user))[1].split("</li>")[0]
    assert "has not started a course" in newcomer_line
    assert f"/admin/training/reports/?partner={ours.partner.pk}" in page


def test_other_parts_add_lines_per_learner(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]

    def certified(partner, membership, learners):
        return {m.pk: ["Certified: Sales pro"] for m in learners if m.pk == rep.pk}

    overview.register_learner_facts(certified)
    try:
        cam = host_client(ours.host, ours.members[Role.CAM])
        url = f"/admin/partners/partner/{ours.partner.pk}/overview/"
        assert "Certified: Sales pro" in section_of(cam.get(url).content.decode())
    finally:
        overview._FACTS.remove(certified)


def test_a_partner_without_users(ours, host_client):
    with scope(tenant=ours.tenant):
        lonely = PartnerFactory(tenant=ours.tenant, name="Nobody here")
    leader = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    page = leader.get(f"/admin/partners/partner/{lonely.pk}/overview/").content.decode()
    assert "has no active user who can take training yet" in section_of(page)
