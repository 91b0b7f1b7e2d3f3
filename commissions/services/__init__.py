"""The commissions app's services (statements, payouts, ...), a module per sub-domain."""
