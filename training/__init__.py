"""Training: courses of ordered modules, authored in the admin UI and taken in the portal.

A course is edited as a draft; publishing it snapshots its modules into a numbered
`CourseVersion`, and a learner's progress (`Enrolment`, `ModuleCompletion`) points at the version
it was made against, so publishing a change never erases what anyone finished. See
`training/models.py` for how a learner on an older version continues.
"""
