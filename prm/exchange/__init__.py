"""Dated exchange rates per tenant: to report totals in the tenant's currency (see `rates`)."""
