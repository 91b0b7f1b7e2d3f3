"""Scoring against the ideal profile (weights, must-haves, missing answers, minimums) and the
flags for an existing partner's domain and for free mail."""

from decimal import Decimal

import pytest
from django_scopes import scope

from partners.models import Application, ProfileCriterion
from partners.recruitment import scoring
from partners.recruitment import services as recruitment
from partners.tests.factories import PartnerFactory


def criterion(world, field, *, weight=10, must_have=False, minimum=None, **values):
    created = ProfileCriterion.objects.create(
        tenant=world.tenant,
        field=field,
        weight=weight,
        must_have=must_have,
        minimum=Decimal(minimum) if minimum is not None else None,
        **{k: v for k, v in values.items() if k != "partner_types"},
    )
    created.partner_types.set(values.get("partner_types", []))
    return created


def application(world, **answers):
    defaults = {"company_name": "Acme", "contact_name": "A", "country": "DE"}
    return Application(tenant=world.tenant, currency="EUR", **{**defaults, **answers})


def score_of(world, app):
    return scoring.score(app, scoring.profile_of(world.tenant), tenant=world.tenant)


def clear_profile(world):
    ProfileCriterion.objects.filter(tenant=world.tenant).delete()


@pytest.mark.django_db
def test_the_score_is_the_weight_of_met_criteria_over_the_total_weight(ours):
    with scope(tenant=ours.tenant):
        clear_profile(ours)
        criterion(ours, "region", weight=30, regions=["emea", "na"])
        criterion(ours, "industry", weight=20, industries=["software"])
        criterion(ours, "size_band", weight=50, size_bands=["1000+"])
        result = score_of(ours, application(ours, region="emea", industry="software"))
    assert result.score == 50
    assert not result.must_have_failed
    assert [(line.met, line.points, line.weight) for line in result.lines] == [
        (False, 0, 50),  # ordered by weight: the biggest first
        (True, 30, 30),
        (True, 20, 20),
    ]


@pytest.mark.django_db
def test_the_score_rounds_half_up_to_a_whole_number(ours):
    with scope(tenant=ours.tenant):
        clear_profile(ours)
        criterion(ours, "region", weight=2, regions=["emea"])
        criterion(ours, "industry", weight=1, industries=["software"])
        assert score_of(ours, application(ours, region="emea")).score == 67
        assert score_of(ours, application(ours, industry="software")).score == 33
        criterion(ours, "size_band", weight=5, size_bands=["1-10"])
        # 1 of 8 = 12.5 -> 13
        assert score_of(ours, application(ours, industry="software")).score == 13


@pytest.mark.django_db
def test_an_unmet_must_have_fails_the_application_whatever_its_score(ours):
    with scope(tenant=ours.tenant):
        clear_profile(ours)
        criterion(ours, "region", weight=90, regions=["emea"])
        criterion(ours, "annual_revenue", weight=10, must_have=True, minimum="1000000")
        failed = score_of(ours, application(ours, region="emea", annual_revenue=Decimal("5")))
        passed = score_of(ours, application(ours, region="apac", annual_revenue=Decimal("1000000")))
    assert (failed.score, failed.must_have_failed) == (90, True)
    assert (passed.score, passed.must_have_failed) == (10, False)


@pytest.mark.django_db
def test_a_missing_answer_meets_no_criterion_not_even_a_must_have(ours):
    with scope(tenant=ours.tenant):
        clear_profile(ours)
        criterion(ours, "region", weight=10, regions=["emea"], must_have=True)
        criterion(ours, "sales_staff", weight=10, minimum="0")
        criterion(ours, "partner_type", weight=10, partner_types=[ours.partner_type])
        result = score_of(ours, application(ours))
    assert result.score == 0
    assert result.must_have_failed
    assert [line.answer for line in result.lines] == ["", "", ""]


@pytest.mark.django_db
def test_a_numeric_criterion_is_met_from_its_minimum_on(ours):
    with scope(tenant=ours.tenant):
        clear_profile(ours)
        criterion(ours, "annual_revenue", minimum="1000000")
        criterion(ours, "sales_staff", minimum="5")
        criterion(ours, "years_in_business", minimum="3")

        def met(**answers):
            return [line.met for line in score_of(ours, application(ours, **answers)).lines]

        assert met(annual_revenue=Decimal("999999.99"), sales_staff=4, years_in_business=2) == [
            False,
            False,
            False,
        ]
        assert met(annual_revenue=Decimal("1000000.00"), sales_staff=5, years_in_business=3) == [
            True,
            True,
            True,
        ]
        # Revenue given in another currency (the program changed currency since) is not
        # compared with a minimum in the current one.
        other = application(ours, annual_revenue=Decimal("5000000"))
        other.currency = "JPY"
        assert score_of(ours, other).lines[0].met is False


@pytest.mark.django_db
def test_choice_criteria_accept_only_the_listed_answers(ours):
    with scope(tenant=ours.tenant):
        clear_profile(ours)
        criterion(ours, "country", countries=["DE", "AT"])
        criterion(ours, "partner_type", partner_types=[ours.partner_type])
        assert [line.met for line in score_of(ours, application(ours, country="AT")).lines] == [
            True,
            False,
        ]
        app = application(ours, country="FR", partner_type=ours.partner_type)
        assert [line.met for line in score_of(ours, app).lines] == [False, True]


@pytest.mark.django_db
def test_no_profile_means_no_score(ours):
    with scope(tenant=ours.tenant):
        clear_profile(ours)
        result = score_of(ours, application(ours, region="emea"))
    assert (result.score, result.must_have_failed, result.lines) == (None, False, [])


@pytest.mark.django_db
def test_the_breakdown_keeps_labels_and_answers_as_people_read_them(ours):
    ours.tenant.default_currency = "USD"
    ours.tenant.save()
    with scope(tenant=ours.tenant):
        clear_profile(ours)
        criterion(ours, "annual_revenue", weight=20, must_have=True, minimum="1000000")
        criterion(ours, "region", weight=10, regions=["emea", "apac"])
        app = application(ours, region="emea", annual_revenue=Decimal("2500000"))
        app.currency = "USD"
        breakdown = score_of(ours, app).breakdown()
    assert breakdown == [
        {
            "label": "Annual revenue at least 1,000,000 USD",
            "met": True,
            "weight": 20,
            "points": 20,
            "answer": "2,500,000 USD",
            "must_have": True,
        },
        {
            "label": "Region is one of: Europe, Middle East and Africa, Asia Pacific",
            "met": True,
            "weight": 10,
            "points": 10,
            "answer": "Europe, Middle East and Africa",
            "must_have": False,
        },
    ]


def submit(world, **answers):
    defaults = {
        "company_name": "Fresh Co",
        "contact_name": "Fay Fresh",
        "contact_email": "fay@fresh.example",
        "country": "DE",
    }
    with scope(tenant=world.tenant):
        return recruitment.application_submit(
            tenant=world.tenant, answers={**defaults, **answers}, ip="192.0.2.1"
        )


@pytest.mark.django_db
def test_an_email_domain_of_an_existing_partner_is_flagged_whatever_subdomain_and_case(ours):
    with scope(tenant=ours.tenant):
        northwind = PartnerFactory(
            tenant=ours.tenant, name="Northwind", website="https://www.northwind.example"
        )
    app = submit(ours, contact_email="Jo.Smith@Sales.NORTHWIND.example")
    assert app.email_domain == "northwind.example"
    assert app.matched_partner == northwind
    assert not app.is_free_mail
    assert submit(ours, contact_email="jo@northwind-shop.example").matched_partner is None


@pytest.mark.django_db
def test_a_website_of_an_existing_partner_is_flagged_too(ours):
    with scope(tenant=ours.tenant):
        northwind = PartnerFactory(tenant=ours.tenant, website="https://northwind.example")
    app = submit(
        ours, contact_email="jo@elsewhere.example", website="https://EU.northwind.example/"
    )
    assert app.website_domain == "northwind.example"
    assert app.matched_partner == northwind


@pytest.mark.django_db
def test_another_tenants_partner_is_never_matched(ours, theirs):
    with scope(tenant=theirs.tenant):
        PartnerFactory(tenant=theirs.tenant, website="https://northwind.example")
    assert submit(ours, contact_email="jo@northwind.example").matched_partner is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "email", ["someone@gmail.com", "Someone@GoogleMail.com", "x@outlook.com", "x@web.de"]
)
def test_a_free_mail_address_is_flagged(ours, email):
    app = submit(ours, contact_email=email)
    assert app.is_free_mail
    assert app.matched_partner is None


@pytest.mark.django_db
def test_a_free_mail_domain_never_matches_a_partner_by_email(ours):
    with scope(tenant=ours.tenant):
        PartnerFactory(tenant=ours.tenant, website="https://gmail.com")
    app = submit(ours, contact_email="someone@gmail.com")
    assert app.is_free_mail
    assert app.matched_partner is None
    assert not submit(ours, contact_email="someone@fresh.example").is_free_mail


@pytest.mark.django_db
def test_a_submitted_application_stores_its_score_and_breakdown(ours):
    with scope(tenant=ours.tenant):
        clear_profile(ours)
        criterion(ours, "region", weight=30, regions=["emea"])
        criterion(ours, "industry", weight=10, must_have=True, industries=["finance"])
    app = submit(ours, region="emea", industry="retail")
    app.refresh_from_db()
    assert (app.score, app.must_have_failed) == (75, True)
    assert [(line["must_have"], line["met"]) for line in app.breakdown] == [
        (True, False),  # must-haves come first
        (False, True),
    ]
    assert app.scored_at is not None
