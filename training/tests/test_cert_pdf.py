"""Certificates: the branded PDF (read back with pdftotext), who may download it, and the
public verification page reached by the award's code."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope

from prm.tenancy.roles import Role
from prm.tests.test_pdf import Recorder, listener, text_of  # noqa: F401 - the fixture
from training.models import Certification, CertificationAward

pytestmark = pytest.mark.django_db


def certificate_url(award):
    return f"/learning/paths/certificates/{award.pk}/"


def verify_url(award):
    return f"/verify/{award.code}/"


def test_the_holder_downloads_a_branded_certificate(ours, host_client):
    rep = ours.members[Role.PARTNER_REP]
    response = host_client(ours.host, rep).get(certificate_url(ours.award))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    text = " ".join(text_of(response.content).split())
    name = rep.user.get_full_name() or rep.user.email
    assert name in text
    assert ours.certification.name in text
    assert ours.partner.name in text
    assert ours.award.code in text
    assert f"{ours.host}/verify/{ours.award.code}/" in text.replace(" ", "")
    assert ours.tenant.name in text  # the issuer


def test_the_holders_company_admin_may_download_it_too(ours, host_client):
    admin = ours.members[Role.PARTNER_ADMIN]
    assert host_client(ours.host, admin).get(certificate_url(ours.award)).status_code == 200


@pytest.mark.parametrize("who", ["other partner's admin", "other partner's rep", "their rep"])
def test_anyone_else_gets_404_for_the_certificate(ours, theirs, host_client, who):
    if who == "their rep":  # another tenant's member on our host is a stranger: sign in
        client = host_client(theirs.host, theirs.members[Role.PARTNER_REP])
        assert client.get(certificate_url(ours.award)).status_code == 404
        return
    with scope(tenant=ours.tenant):
        member = ours.other_partner_rep
        if who == "other partner's admin":
            from prm.tenancy.tests.factories import partner_membership

            member = partner_membership(ours.other_partner, Role.PARTNER_ADMIN)
    response = host_client(ours.host, member).get(certificate_url(ours.award))
    assert response.status_code == 404


def test_a_rep_may_not_download_a_colleagues_certificate(ours, host_client):
    with scope(tenant=ours.tenant):
        from prm.tenancy.tests.factories import partner_membership

        colleague = partner_membership(ours.partner, Role.PARTNER_REP)
    assert host_client(ours.host, colleague).get(certificate_url(ours.award)).status_code == 404


def test_anonymous_is_sent_to_sign_in_not_to_the_file(ours, host_client):
    response = host_client(ours.host).get(certificate_url(ours.award))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_name_and_a_title_with_markup_make_no_request_and_read_as_text(
    ours,
    host_client,
    listener,  # noqa: F811 - the fixture imported above
):
    port = listener.server_address[1]
    typed = f'<img src="http://127.0.0.1:{port}/x">'
    rep = ours.members[Role.PARTNER_REP]
    rep.user.full_name = f"Ned {typed}"
    rep.user.save()
    with scope(tenant=ours.tenant):
        Certification.objects.filter(pk=ours.certification.pk).update(name=f"Pro {typed}")
    response = host_client(ours.host, rep).get(certificate_url(ours.award))
    assert response.status_code == 200
    text = "".join(text_of(response.content).split())  # lines break inside the long text
    assert f"Ned{typed}".replace(" ", "") in text
    assert f"Pro{typed}".replace(" ", "") in text
    assert listener.requests == []


def state_of(response):
    page = response.content.decode()
    return [s for s in ("VALID", "EXPIRED", "REVOKED") if f"> {s}</span>" in page]


def test_the_verification_page_shows_who_what_and_that_it_is_valid(ours, host_client):
    response = host_client(ours.host).get(verify_url(ours.award))
    assert response.status_code == 200
    page = response.content.decode()
    assert state_of(response) == ["VALID"]
    assert ours.certification.name in page
    assert ours.partner.name in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_verification_page_says_expired_and_revoked(ours, host_client):
    with scope(tenant=ours.tenant):
        CertificationAward.objects.filter(pk=ours.award.pk).update(
            expires_at=timezone.now() - timedelta(days=1)
        )
    assert state_of(host_client(ours.host).get(verify_url(ours.award))) == ["EXPIRED"]
    with scope(tenant=ours.tenant):
        CertificationAward.objects.filter(pk=ours.award.pk).update(revoked_at=timezone.now())
    assert state_of(host_client(ours.host).get(verify_url(ours.award))) == ["REVOKED"]


def test_an_unknown_code_or_another_tenants_code_answers_404(ours, theirs, host_client):
    client = host_client(ours.host)
    assert client.get("/verify/not-a-real-code-at-all/").status_code == 404
    assert client.get(verify_url(theirs.award)).status_code == 404
    assert host_client(theirs.host).get(verify_url(theirs.award)).status_code == 200


def test_the_verification_finds_the_award_with_one_query(ours, host_client):
    client = host_client(ours.host)
    client.get(verify_url(ours.award))  # warm the tenant's caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(verify_url(ours.award)).status_code == 200
    awards = [q for q in queries if "training_certificationaward" in q["sql"]]
    assert len(awards) == 1
    assert "code" in awards[0]["sql"]


def test_the_certificate_names_the_code_of_the_verification_page(ours, host_client):
    assert Recorder  # the PDF tests' recorder is the one listening above
    rep = ours.members[Role.PARTNER_REP]
    pdf = host_client(ours.host, rep).get(certificate_url(ours.award)).content
    page = host_client(ours.host).get(verify_url(ours.award)).content.decode()
    assert ours.award.code in text_of(pdf)
    assert ours.members[Role.PARTNER_REP].user.get_full_name() in page
