"""The partner portal's commissions pages (mounted at /earnings/, namespace `commissions`)."""
