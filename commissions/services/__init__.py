"""The commissions app's services, a module per sub-domain (plans, adjustments, recalculation,
statements, payouts, disputes; incentives live in `commissions.incentives`). Each takes the
acting `Membership`, writes in one transaction, audits and announces through
`prm.notifications.log.log_action`; ledger lines are written only through `commissions.ledger`."""
