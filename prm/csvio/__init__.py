"""CSV files in and out of the product, safe for spreadsheets.

`writing`: exports that Excel opens right (UTF-8 with a BOM) and that cannot run formulas,
streamed so a large list never sits in memory. `reading`: uploaded files checked for type, size
and encoding, `;` or `,` separated, headers matched to the expected columns. `importing`:
each row validated by a form, every error reported by row and column, nothing half-imported.
`payments`: a payment batch's paid file read back (references and days from accounts payable),
every line checked against the locked batch, each row paid by the app's function, all or none.
`admin`: the export and import buttons of a changelist in the vendor admin UI.
"""
