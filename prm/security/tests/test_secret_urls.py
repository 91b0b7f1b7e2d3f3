"""Links that carry a secret are masked wherever staff read an email (prm.security.secret_urls)."""

from prm.security.secret_urls import MASK, mask_secret_urls

HOST = "http://ours.localhost:8000"
SECRETS = [
    "eyJpIjoxMiwibiI6ImFiYyJ9:1tXyZa:Q2h4bW9uZXk",  # an invitation
    "4-c9x2kq-0a1b2c3d4e5f6a7b",  # allauth's password reset key (uidb36-key)
    "MTI:1tXyZa:c2lnbmF0dXJl",  # allauth's email confirmation key
    "eyJ0IjoxLCJ1IjoyLCJjIjoiZGVhbHMifQ:1tXyZa:c2ln",  # an unsubscribe token
]


def test_every_public_link_with_a_parameter_is_masked_and_other_links_stay():
    text = (
        f"Accept: {HOST}/invitations/{SECRETS[0]}/\n"
        f"Reset your password: {HOST}/accounts/password/reset/key/{SECRETS[1]}/.\n"
        f"Confirm: {HOST}/accounts/confirm-email/{SECRETS[2]}/\n"
        f'<a href="{HOST}/notifications/unsubscribe/{SECRETS[3]}/">Stop these emails</a>\n'
        f"Your deal: {HOST}/deals/42/ and the portal: {HOST}/ and {HOST}/accounts/login/\n"
        "The vendor's site: https://www.example.com/pricing/"
    )
    masked = mask_secret_urls(text)
    for secret in SECRETS:
        assert secret not in masked
    assert f"{HOST}/invitations/{MASK}/" in masked
    assert f"{HOST}/accounts/password/reset/key/{MASK}/." in masked
    assert f'href="{HOST}/notifications/unsubscribe/{MASK}/"' in masked
    assert f"{HOST}/deals/42/ " in masked
    assert f"the portal: {HOST}/ and {HOST}/accounts/login/\n" in masked
    assert "https://www.example.com/pricing/" in masked


def test_a_public_link_with_a_query_loses_the_query_values():
    masked = mask_secret_urls(f"{HOST}/accounts/login/?next=/deals/&token=abc123")
    assert "abc123" not in masked
    assert masked == f"{HOST}/accounts/login/?next={MASK}&token={MASK}"


def test_text_without_links_is_unchanged():
    assert mask_secret_urls("Hello, nothing to hide: 42 / 7.") == "Hello, nothing to hide: 42 / 7."
