"""The partner portal's views of deal registration and leads (one module per area)."""
