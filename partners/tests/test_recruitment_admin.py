"""Recruitment in the admin UI: the queue, approving and declining, the profile, the settings."""

import re
from decimal import Decimal

import pytest
from django_scopes import scope

from partners.models import Application, Partner, ProfileCriterion, RecruitmentSettings
from partners.recruitment import services as recruitment
from partners.tests.factories import ApplicationFactory
from prm.notifications.models import EmailOutbox
from prm.tenancy.roles import Role

QUEUE = "/admin/partners/application/"


def submit(world, company, email, **answers):
    with scope(tenant=world.tenant):
        return recruitment.application_submit(
            tenant=world.tenant,
            answers={
                "company_name": company,
                "contact_name": "Pat",
                "contact_email": email,
                "country": "DE",
                **answers,
            },
            ip=None,
        )


def rows(html: str) -> list[str]:
    """Company names in the order the changelist shows them."""
    return re.findall(r'<th class="field-company"><a href="[^"]+">([^<]+)<br>', html)


@pytest.fixture
def queue(ours):
    """Applications with different scores and flags, against a profile of region EMEA (10) and
    a must-have annual revenue of at least 1,000 (10)."""
    with scope(tenant=ours.tenant):
        ProfileCriterion.objects.create(
            tenant=ours.tenant,
            field="annual_revenue",
            minimum=Decimal("1000"),
            weight=10,
            must_have=True,
        )
        ours.application.delete()
    apps = {
        "top": submit(ours, "Top Co", "t@top.example", region="emea", annual_revenue=5000),
        "half": submit(ours, "Half Co", "h@gmail.com", region="apac", annual_revenue=5000),
        "failed": submit(ours, "Failed Co", "f@failed.example", region="emea"),
        "match": submit(
            ours, "Match Co", f"m@sub.{ours.partner.domain}", region="emea", annual_revenue=1
        ),
    }
    old = submit(ours, "Old Co", "o@old.example", region="emea", annual_revenue=9000)
    with scope(tenant=ours.tenant):
        apps["declined"] = recruitment.application_decline(
            actor=ours.members[Role.PARTNER_OPS], application=old, reason="No"
        )
    return apps


@pytest.mark.django_db
def test_the_queue_lists_pending_first_best_scores_first_with_badges(ours, host_client, queue):
    html = host_client(ours.host, ours.members[Role.PARTNER_OPS]).get(QUEUE).content.decode()
    assert rows(html) == ["Top Co", "Half Co", "Match Co", "Failed Co", "Old Co"]
    assert "100 / 100" in html
    assert "50 / 100" in html
    assert html.count(">failed</span>") == 2  # Failed Co and Match Co miss the must-have
    assert "Free-mail address" in html
    partner_url = f"/admin/partners/partner/{ours.partner.pk}/change/"
    assert f'href="{partner_url}">Matches {ours.partner.name}</a>' in html


@pytest.mark.django_db
def test_the_queue_sorts_by_score_and_filters_by_flag_status_and_country(ours, host_client, queue):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    by_score = client.get(QUEUE + "?o=3").content.decode()  # the score column, ascending
    assert rows(by_score)[0] in ("Failed Co", "Match Co")
    assert rows(by_score)[-1] in ("Top Co", "Old Co")
    assert rows(client.get(QUEUE + "?flag=free_mail").content.decode()) == ["Half Co"]
    assert rows(client.get(QUEUE + "?flag=partner").content.decode()) == ["Match Co"]
    assert set(rows(client.get(QUEUE + "?flag=must_have").content.decode())) == {
        "Failed Co",
        "Match Co",
    }
    assert rows(client.get(QUEUE + "?status=declined").content.decode()) == ["Old Co"]
    assert len(rows(client.get(QUEUE + "?country=DE").content.decode())) == 5
    assert rows(client.get(QUEUE + "?q=gmail").content.decode()) == ["Half Co"]


@pytest.mark.django_db
def test_the_country_filter_offers_only_countries_applications_came_from(ours, theirs, host_client):
    with scope(tenant=theirs.tenant):
        ApplicationFactory(tenant=theirs.tenant, country="JP")
    html = host_client(ours.host, ours.members[Role.PARTNER_OPS]).get(QUEUE).content.decode()
    assert "?country=DE" in html
    assert "?country=JP" not in html
    assert "?country=FR" not in html


@pytest.mark.django_db
def test_an_empty_queue_says_how_applications_arrive(ours, host_client):
    with scope(tenant=ours.tenant):
        ours.application.delete()
    html = host_client(ours.host, ours.members[Role.PARTNER_OPS]).get(QUEUE).content.decode()
    assert "No applications yet" in html
    assert 'href="/become-a-partner/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CAM, Role.PARTNER_ADMIN, Role.PARTNER_REP])
def test_cams_and_partner_users_cannot_see_applications(ours, host_client, role):
    client = host_client(ours.host, ours.members[role])
    app = ours.application.pk
    for url in [
        QUEUE,
        f"{QUEUE}{app}/change/",
        f"{QUEUE}{app}/approve/",
        f"{QUEUE}{app}/decline/",
        "/admin/partners/profilecriterion/",
        "/admin/partners/recruitmentsettings/",
    ]:
        assert client.get(url).status_code == 403, url
    if role == Role.CAM:
        index = client.get("/admin/").content.decode()
        assert "/admin/partners/application/" not in index


@pytest.mark.django_db
def test_another_tenants_application_answers_404(ours, theirs, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    foreign = theirs.application.pk
    for url in [f"{QUEUE}{foreign}/change/", f"{QUEUE}{foreign}/approve/"]:
        assert client.get(url).status_code == 404
    assert client.post(f"{QUEUE}{foreign}/decline/", {"reason": "x"}).status_code == 404
    with scope(tenant=theirs.tenant):
        assert Application.objects.get(pk=foreign).status == "pending"


@pytest.mark.django_db
def test_the_change_page_shows_answers_breakdown_flags_and_the_decisions(ours, host_client, queue):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    match = queue["match"]
    html = client.get(f"{QUEUE}{match.pk}/change/").content.decode()
    assert "Annual revenue at least 1,000 EUR" in html
    assert "Region is Europe, Middle East and Africa" in html
    assert "not met" in html
    assert "must-have" in html
    assert "10 / 20 = 50 / 100" in html
    assert f"/admin/partners/partner/{ours.partner.pk}/change/" in html
    assert "an existing partner" in html
    assert f"{QUEUE}{match.pk}/approve/" in html
    assert f"{QUEUE}{match.pk}/decline/" in html
    decided = client.get(f"{QUEUE}{queue['declined'].pk}/change/").content.decode()
    assert "/approve/" not in decided
    # A decided application's decision pages send back to it with a word why.
    again = client.get(f"{QUEUE}{queue['declined'].pk}/approve/", follow=True)
    assert "already declined" in again.content.decode()


@pytest.mark.django_db
def test_approving_in_the_admin_ui_reports_a_name_clash_beside_the_name(ours, host_client, queue):
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    url = f"{QUEUE}{queue['top'].pk}/approve/"
    page = client.get(url).content.decode()
    assert 'value="Top Co"' in page
    clash = client.post(url, {"name": ours.partner.name, "partner_type": ""})
    assert clash.status_code == 200
    assert re.search(
        r'id="id_name_error"><li>A partner named .* already exists', clash.content.decode()
    )
    with scope(tenant=ours.tenant):
        assert not Partner.objects.filter(tenant=ours.tenant, applications__isnull=False).exists()
    done = client.post(url, {"name": "Top Co", "partner_type": ours.partner_type.pk}, follow=True)
    assert "is a partner now (onboarding)" in done.content.decode()
    with scope(tenant=ours.tenant):
        partner = Partner.objects.get(tenant=ours.tenant, name="Top Co")
    assert partner.partner_type == ours.partner_type


@pytest.mark.django_db
def test_approving_shows_the_flags_before_deciding(ours, host_client, queue):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    page = client.get(f"{QUEUE}{queue['match'].pk}/approve/").content.decode()
    assert "misses a must-have" in page
    assert "an existing partner" in page
    free = client.get(f"{QUEUE}{queue['half'].pk}/approve/").content.decode()
    assert "free-mail address" in free


@pytest.mark.django_db
def test_declining_in_the_admin_ui_needs_a_reason_and_emails_it(ours, host_client, queue):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"{QUEUE}{queue['half'].pk}/decline/"
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert 'id="id_reason_error"' in refused.content.decode()
    with scope(tenant=ours.tenant):
        assert Application.objects.get(pk=queue["half"].pk).status == "pending"
    done = client.post(url, {"reason": "Not in our regions yet."}, follow=True)
    assert "was told why" in done.content.decode()
    with scope(tenant=ours.tenant):
        app = Application.objects.get(pk=queue["half"].pk)
        mail = EmailOutbox.objects.get(to_email="h@gmail.com", body_text__contains="Not in our")
    assert (app.status, app.decline_reason) == ("declined", "Not in our regions yet.")
    assert ours.tenant.portal_title in mail.subject


@pytest.mark.django_db
def test_the_rescore_action_rescores_pending_applications_only(ours, host_client, queue):
    with scope(tenant=ours.tenant):
        ProfileCriterion.objects.filter(tenant=ours.tenant, must_have=True).delete()
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    ids = [queue["failed"].pk, queue["declined"].pk]
    done = client.post(QUEUE, {"action": "rescore", "_selected_action": ids}, follow=True)
    html = done.content.decode()
    assert "1 application(s) re-scored." in html
    assert "keep the score they were decided on" in html
    with scope(tenant=ours.tenant):
        failed = Application.objects.get(pk=queue["failed"].pk)
        declined = Application.objects.get(pk=queue["declined"].pk)
    assert (failed.score, failed.must_have_failed) == (100, False)
    assert (declined.score, declined.must_have_failed) == (100, False)
    assert len(declined.breakdown) == 2  # still the snapshot it was decided on


# The ideal profile


CRITERIA = "/admin/partners/profilecriterion/"


def criterion_form(**data):
    base = {"field": "region", "weight": "20", "regions": ["emea"]}
    return {**base, **data}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"regions": []}, "regions", "Choose at least one accepted answer."),
        ({"industries": ["finance"]}, "industries", "This criterion is about Region"),
        ({"minimum": "5"}, "minimum", "only to number questions"),
        ({"field": "sales_staff", "regions": []}, "minimum", "Give the minimum"),
        ({"weight": "0"}, "weight", "greater than or equal to 1"),
        ({"weight": "101"}, "weight", "less than or equal to 100"),
    ],
)
def test_a_criterion_that_does_not_fit_its_question_is_refused(
    ours, host_client, data, field, message
):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    response = client.post(CRITERIA + "add/", criterion_form(**data))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    with scope(tenant=ours.tenant):
        assert ProfileCriterion.objects.filter(tenant=ours.tenant).count() == 1


@pytest.mark.django_db
def test_partner_ops_build_the_profile_with_the_tenants_types(ours, theirs, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    foreign = client.post(
        CRITERIA + "add/",
        {"field": "partner_type", "weight": "10", "partner_types": [theirs.partner_type.pk]},
    )
    assert foreign.status_code == 200
    assert "partner_types" in foreign.context["adminform"].form.errors
    done = client.post(
        CRITERIA + "add/",
        {
            "field": "partner_type",
            "weight": "30",
            "must_have": "on",
            "partner_types": [ours.partner_type.pk],
        },
    )
    assert done.status_code == 302
    html = client.get(CRITERIA).content.decode()
    assert f"Partner type sought is {ours.partner_type.name}" in html
    assert "75 %" in html  # 30 of 40
    assert "25 %" in html


@pytest.mark.django_db
def test_the_profile_warns_about_questions_the_form_does_not_ask(ours, host_client):
    with scope(tenant=ours.tenant):
        ProfileCriterion.objects.create(
            tenant=ours.tenant, field="sales_staff", minimum=Decimal(3), weight=5
        )
        ours.recruitment_settings.asked_fields = ["website"]
        ours.recruitment_settings.save()
    html = host_client(ours.host, ours.members[Role.PARTNER_OPS]).get(CRITERIA).content.decode()
    warning = re.search(r"The application form does not ask: ([^.]+)\.", html)
    assert warning is not None
    assert warning.group(1) == "Number of sales staff, Region"


# The public page's settings


@pytest.mark.django_db
def test_the_settings_page_is_one_row_per_tenant_made_on_first_visit(ours, host_client):
    with scope(tenant=ours.tenant):
        ours.recruitment_settings.delete()
    client = host_client(ours.host, ours.members[Role.PROGRAM_LEADER])
    response = client.get("/admin/partners/recruitmentsettings/")
    assert response.status_code == 302
    with scope(tenant=ours.tenant):
        row = RecruitmentSettings.objects.get(tenant=ours.tenant)
    assert response["Location"] == f"/admin/partners/recruitmentsettings/{row.pk}/change/"
    assert not row.is_open
    assert client.get("/admin/partners/recruitmentsettings/").status_code == 302
    with scope(tenant=ours.tenant):
        assert RecruitmentSettings.objects.filter(tenant=ours.tenant).count() == 1


@pytest.mark.django_db
def test_a_question_must_be_asked_before_it_is_required(ours, host_client):
    client = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    url = f"/admin/partners/recruitmentsettings/{ours.recruitment_settings.pk}/change/"
    refused = client.post(
        url,
        {"is_open": "on", "intro": "", "asked_fields": ["website"], "required_fields": ["phone"]},
    )
    assert refused.status_code == 200
    assert "Ask a question before requiring it: Phone." in refused.content.decode()
    done = client.post(
        url,
        {
            "is_open": "on",
            "intro": "Hello",
            "asked_fields": ["website", "phone"],
            "required_fields": ["phone"],
        },
    )
    assert done.status_code == 302
    with scope(tenant=ours.tenant):
        ours.recruitment_settings.refresh_from_db()
    assert ours.recruitment_settings.required_fields == ["phone"]
    assert 'name="phone"' in host_client(ours.host).get("/become-a-partner/").content.decode()


@pytest.mark.django_db
def test_the_queue_exports_as_formula_safe_csv_of_this_tenant_only(ours, theirs, host_client):
    with scope(tenant=ours.tenant):
        ApplicationFactory(tenant=ours.tenant, company_name='=HYPERLINK("http://x")')
    with scope(tenant=theirs.tenant):
        ApplicationFactory(tenant=theirs.tenant, company_name="Their Applicant")
    ops = host_client(ours.host, ours.members[Role.PARTNER_OPS])
    assert 'id="csv-export"' in ops.get("/admin/partners/application/").content.decode()
    response = ops.get("/admin/partners/application/export/")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith('"Company name","Your name","Your business email"')
    assert "'=HYPERLINK" in body
    assert "Their Applicant" not in body
    cam = host_client(ours.host, ours.members[Role.CAM])
    assert cam.get("/admin/partners/application/export/").status_code == 403
