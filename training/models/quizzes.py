"""Quizzes: the rules of a quiz module, its questions and choices (drafted and published), and
the learners' attempts.

A quiz is a module of kind `quiz`. Its rules (`QuizRules`: pass mark, attempts, wait, shuffling,
pool) are fields of the module itself, so the draft `Module` and the published `VersionModule`
carry them alike. Its questions follow the same split as modules: staff edit `Question` and
`Choice` on the draft; `course_publish` copies them into `VersionQuestion` and `VersionChoice`,
and learners take that copy. An `Attempt` points at the version's module, and its paper names
the version's question and choice ids, so a later publication never changes a grade.
"""

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from prm.tenancy.models import TenantOwned


class QuizRules(models.Model):
    """How a quiz module is taken and passed (ignored for the other kinds of module)."""

    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("For a quiz: the share of questions a learner must answer right to pass."),
    )
    attempts_limit = models.PositiveSmallIntegerField(
        _("attempts"),
        default=3,
        help_text=_("For a quiz: how many attempts a learner has; 0 for no limit."),
    )
    wait_minutes = models.PositiveIntegerField(
        _("wait between attempts (minutes)"),
        default=0,
        validators=[MaxValueValidator(60 * 24 * 30)],
        help_text=_("For a quiz: after a failed attempt; 60 is an hour, 1440 a day, 0 no wait."),
    )
    shuffle_questions = models.BooleanField(_("shuffle the questions"), default=True)
    shuffle_choices = models.BooleanField(_("shuffle the choices"), default=True)
    draw_count = models.PositiveSmallIntegerField(
        _("questions drawn"),
        default=0,
        help_text=_("For a quiz: draw this many of its questions for each attempt; 0 for all."),
    )

    class Meta:
        abstract = True


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One right answer")
    MULTIPLE = "multiple", _("Several right answers")
    TRUE_FALSE = "true_false", _("True or false")


class QuestionContent(models.Model):
    """A question, the same in the draft and in a version's copy."""

    kind = models.CharField(
        _("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SINGLE
    )
    text = models.TextField(_("question"), max_length=1000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    explanation = models.TextField(
        _("explanation"),
        max_length=2000,
        blank=True,
        help_text=_("Shown with the right answer after the learner passes, if answers are shown."),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.text[:80]


class ChoiceContent(models.Model):
    """A choice of a question, the same in the draft and in a version's copy."""

    text = models.CharField(_("choice"), max_length=500)
    is_correct = models.BooleanField(_("right answer"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.text


class Question(TenantOwned, QuestionContent):
    """A question of a draft quiz module."""

    module = models.ForeignKey(
        "training.Module", on_delete=models.CASCADE, related_name="questions"
    )

    objects: ClassVar[models.Manager["Question"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]


class Choice(TenantOwned, ChoiceContent):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")

    objects: ClassVar[models.Manager["Choice"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["position", "id"]


class VersionQuestion(TenantOwned, QuestionContent):
    """A question as published in one version of a course."""

    module = models.ForeignKey(
        "training.VersionModule", on_delete=models.CASCADE, related_name="questions"
    )
    source = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[models.Manager["VersionQuestion"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["module", "position", "id"]


class VersionChoice(TenantOwned, ChoiceContent):
    question = models.ForeignKey(VersionQuestion, on_delete=models.CASCADE, related_name="choices")

    objects: ClassVar[models.Manager["VersionChoice"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "id"]


class Attempt(TenantOwned):
    """One attempt at a quiz: made when the learner opens the quiz (the draw and the shuffle
    are fixed then, so a reload shows the same paper), graded once when submitted.

    `paper` is the drawn questions in the order shown, each with its choices in the order
    shown: `[{"q": question_id, "c": [choice_id, ...]}, ...]` (version ids). `answers` maps a
    question id (as a string) to the choice ids chosen.
    """

    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.CASCADE, related_name="attempts"
    )
    module = models.ForeignKey("training.VersionModule", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    paper = models.JSONField(default=list)
    answers = models.JSONField(default=dict)
    #: the share of the drawn questions answered right, in whole percent (rounded down)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    #: the pass mark it was graded against (the version's, kept with the grade)
    pass_mark = models.PositiveSmallIntegerField(null=True, blank=True)

    objects: ClassVar[models.Manager["Attempt"]] = ScopedManager(tenant="tenant")

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["enrolment", "module", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "enrolment", "module", "number"], name="attempt_number_once"
            ),
            # at most one attempt open per learner and quiz (two "start"s at once make one)
            models.UniqueConstraint(
                fields=["tenant", "enrolment", "module"],
                condition=models.Q(submitted_at__isnull=True),
                name="attempt_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} #{self.number}"
