"""The partners app in the vendor admin UI, one module per area of the program."""

from . import program  # noqa: F401 - registers its model admins
