"""Recruitment: the public "Become a partner" page, scoring applications, and deciding them.

Each tenant host has a public application form (`RecruitmentSettings`: open or closed, which
optional questions are asked and required). An application is scored against the tenant's ideal
partner profile and flagged (free-mail address, the domain of an existing partner) when it
arrives; partner ops approve it (the partner is created and its first admin invited) or decline
it with a reason the applicant receives by email.

Modules: `selectors` (reading the settings), `services` (submitting, re-scoring, approving,
declining), `scoring` (the score, its breakdown and the flags). The admin UI is
`partners.admin.applications` and `partners.admin.recruitment`; the public page is
`partners.views.apply`.
"""
