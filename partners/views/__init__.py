"""Partner-portal pages of the partners app, one module per area."""
