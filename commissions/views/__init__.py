"""The partner portal's earnings pages (mounted at /earnings/, namespace `commissions`)."""
