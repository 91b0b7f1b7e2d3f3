"""The content library: assets (files or links) partners find under Resources.

- `selectors.visible_assets(membership)`: the one rule of who sees what (list, search, detail
  and download all start from it); `selectors.library_search` adds the search and filters.
- `services`: staff save, feature, grant and revoke assets; partners' views and downloads
  are recorded by `engagement_record` (one INSERT).
- `grants`: named partners, as django-guardian per-object grants to the company's group.
- `views` (portal, mounted at /resources/), `admin` (the staff list, named partners, the
  engagement page), `todo` (the "review due" card), `demo` (the demo assets).
"""
