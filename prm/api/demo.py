"""Demo data: one API key per demo tenant with a known value, so the README's CRM sync example
runs against `make run` as written. Demo data only: real keys are random and shown once."""

from prm.tenancy.models import Membership, Tenant
from prm.tenancy.roles import Role

from . import registry
from .models import ApiKey
from .services import SERVICE_EMAIL_DOMAIN, api_key_create, secret_hash

#: tenant slug -> (public id, secret); the README prints the Acme one
DEMO_KEYS = {
    "acme": ("acmedemo0001", "demo-key-for-the-readme-only"),
    "globex": ("globexdemo01", "demo-key-for-the-readme-only"),
}


def demo_token(slug: str) -> str:
    public_id, secret = DEMO_KEYS[slug]
    return f"prm_{public_id}_{secret}"


def seed_api_key(tenant: Tenant) -> None:
    if tenant.slug not in DEMO_KEYS or ApiKey.objects.filter(tenant=tenant).exists():
        return
    leader = Membership.objects.filter(tenant=tenant, role=Role.PROGRAM_LEADER).first()
    if leader is None:
        return
    every = {r.name: registry.READ if r.read_only else registry.WRITE for r in registry.resources()}
    if not every:
        return
    key = api_key_create(actor=leader, name="CRM sync", scopes=every).key
    public_id, secret = DEMO_KEYS[tenant.slug]
    ApiKey.objects.filter(pk=key.pk).update(public_id=public_id, secret_hash=secret_hash(secret))
    user = key.membership.user
    user.email = f"{public_id}@{SERVICE_EMAIL_DOMAIN}"
    user.save(update_fields=["email"])
