"""KPI threshold alerts: rules (`rules.py`: windows, subjects, what "holds" means), the sweep
that evaluates every active rule of a tenant set-based (`sweep.py`), and the owners' actions
(`services.py`: acknowledge, snooze)."""
