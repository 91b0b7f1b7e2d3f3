"""Django's own date formats, set to read like the house formatter (`prm.dates`).

Django formats dates by itself in a few places the product does not template: the admin UI's
list columns and read-only fields, and `|date` without an argument. These modules
(`FORMAT_MODULE_PATH`) make those read as `format_day` / `format_moment` do: the month as a word
and no "a.m."/"p.m." with periods ("Dec. 6, 2026, 10:30 a.m." was Django's English default).
English matches the formatter exactly (tested); German and French differ from CLDR in a few
month abbreviations only ("April" for "Apr."). Pages and emails still use the formatter itself.
"""
