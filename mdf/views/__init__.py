"""The partner portal's MDF pages (mounted at /funds/, namespace `mdf`)."""
