"""Learning paths and certifications (issue 14, points 3 and 5): the models are in
`training.models.paths`; reads in `selectors`, writes in `services`, the portal pages in
`views`, the admin UI in `admin`, and the wiring in `wiring.ready()` (called by the app)."""
