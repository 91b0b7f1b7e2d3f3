"""Beat of reporting (C: alerts): every active tenant's alert rules are swept hourly.

Hourly, not daily: a rule on a trailing window or "this month to date" can cross any hour (a
decision made, a partner's first sign-in), and owners hear of it within the hour rather than the
next morning; a sweep costs a fixed number of queries per rule, whatever the number of partners
(`reporting.alerts.sweep`), so an hourly sweep is cheap. An alert fires once per crossing
whatever the frequency (hysteresis), and a rule whose channel is the daily digest still reaches
its owners once a day, through the notifications digest. One task per tenant, never per partner.
"""

SWEEP_EVERY = 60 * 60
