"""Segments: named groups of partners by type, region, industry and size.

Later apps target content, courses and forms at segments; `selectors` holds the one definition
of "this partner is in that segment" for them. Segments are edited in the admin UI
(`partners.admin.segments`), which needs no service of its own: a segment is a plain row.
"""
