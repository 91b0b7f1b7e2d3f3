"""Quizzes: grading (a pure function), drawing a paper, taking and submitting an attempt, the
quiz and result pages, the course builder's question editor, and the notifications of a passed
or failed quiz. Models live in `training.models.quizzes`."""
