"""Onboarding plans: an ordered checklist per partner type whose steps tick themselves.

Plans. A plan belongs to a partner type, or is the tenant's default plan for partners whose type
has none. Automatic steps name an event offered here (`offer_event`); when a service emits it for
a partner — `data["partner_id"]`, the subject's `partner_id`, or the subject itself when it is
the partner — that partner's open steps for the event tick, and no other partner's. Apps above
partners offer their own events from their `AppConfig.ready()` (deals offers
`deals.deal.registered`); a step may name an event no app offers yet (a demo plan's "Pass your
first course" waits for training), and ticks once that app offers and emits it. Manual steps
are ticked, and unticked, by a CAM of the partner or by partner ops and program leaders.

When onboarding starts. A partner gets its `PartnerOnboarding` when it is in status onboarding
and a plan applies: at once when its status changes to onboarding, otherwise the first time
anything looks (an event of the partner, the portal, the admin UI, the hourly reminder sweep).
`started_at` is when the partner last entered onboarding according to the audit log, or when it
was created (new partners start in onboarding). Steps whose event the partner's history already
holds (it accepted the agreement before the plan existed) are ticked with that date, quietly.

Plans change. `onboarding_sync` reconciles: a partner whose type changed follows its new type's
plan (completions are per step, so the old plan's steps drop out); steps added later are open,
or ticked from history when their event already happened; deleted steps drop out, and a plan
whose remaining steps are all done completes. A completed onboarding stays completed, with its
time, whatever happens to the plan afterwards; a partner back from offboarded keeps its record.

Completing the last step records `completed_at`, tells the partner's CAMs and moves a partner
still in onboarding to active. A step is stalled when it is the first open one and nothing was
completed for the plan's number of days (since the last completion, or the start); the reminder
sweep then tells the partner's admins and CAMs, once per stalled step.

Modules: `triggers` (the events steps may name), `progress` (reading), `services` (changing, and
the event handlers), `reminders` (the stalled sweep), `portal` (the "My program" section and the
home card), `demo`. The admin UI is `partners.admin.onboarding`.
"""
