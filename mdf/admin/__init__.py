"""The MDF pages of the vendor's admin UI, a module per sub-domain; each registers its model
admins and pages when imported here."""
