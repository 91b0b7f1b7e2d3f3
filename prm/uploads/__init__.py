"""Files members upload: checked by content, size and pixels, and never stored past their limit.

One mechanism for every upload of the product (the tenant's logo, CSV imports; course covers,
content assets and MDF proof of performance to come):

- `checks`: an `UploadRule` says what a field accepts (kinds of file, known by their first
  bytes; the most bytes; for images the longest side and the most pixels, read from the header
  before anything is decoded); `check_upload` applies it. `IMAGE` and `DOCUMENT` are the rules
  to start from (`dataclasses.replace` to narrow them).
- `fields`: `UploadField(rule=...)`, the form field for every file; its refusals are messages
  beside the field. `tests/test_uploads.py` fails for a plain `FileField` in any form or admin.
- `handler`: `UploadLimitHandler`, first of `FILE_UPLOAD_HANDLERS`, stops storing a file once
  it is larger than its field allows; the view declares the limits with `accepts_uploads`
  (a model admin's `form` counts as declared).
"""
