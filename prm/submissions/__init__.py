"""One submission per form: a form sent twice (a double click, a reload after POST) is handled
once, and the second request is sent where the first one went.

A form of the product that sets `submit_once` (`prm.forms.FormMixin`; every admin add form does)
carries a hidden one-time token, `form_token` (`tokens.TokenField`). `OneSubmissionMiddleware`
claims the token of each POST that has one by inserting a `Submission` row in the transaction
that then runs the view:

- the view redirects (it created the row): the claim keeps the address it redirected to, and is
  committed together with what the view wrote;
- the form comes back (errors) or the view fails: the claim goes with it, so the corrected form
  can be sent again with the same token;
- the same token again, from the same person on the same page: the unique key makes the second
  insert wait until the first request's transaction ends, then fail; the second request is then
  redirected where the first one went, and its view never runs. Two clicks that race are
  therefore decided by the database, not by timing.

The base templates also stop a second click in the browser (`static/js/forms.js`); the token is
what holds when JavaScript does not run. Claims older than a day are deleted by beat
(`tasks.submissions_prune_task`).
"""
