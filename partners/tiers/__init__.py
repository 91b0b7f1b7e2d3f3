"""Tiers: the levels of the program, which tier each partner's metrics earn, and moving partners.

Requirements are measured over the last 12 months through the metrics registry. A partner
earns the highest tier whose every requirement it meets; a tier without requirements is open
to everyone. The nightly evaluation proposes a promotion at once and a demotion after the
program's grace period (`PartnerSettings.tier_demotion_grace_days`); a CAM of the partner
confirms or dismisses each proposal.

Modules: `selectors` (reading: the ladder, a partner's metric values and standing, the path
text), `services` (changing: the evaluation and the decision on a proposal). The admin UI is
`partners.admin.tiers`; the nightly task is `partners.tasks`.
"""
