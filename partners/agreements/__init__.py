"""The partner agreement: versioned texts the vendor publishes and each partner company accepts.

Every published version must be accepted anew by each partner company (who, when, version and
IP are recorded). Portal features can be gated on the current version being accepted when the
program requires it (`PartnerSettings.require_agreement`): `selectors.agreement_gate` is the one
check later apps use.

Modules: `selectors` (reading, and the gate), `services` (publishing and accepting). The admin UI
is `partners.admin.agreements`; the portal page is `partners.views.agreement`.
"""
