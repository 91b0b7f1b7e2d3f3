"""Grading and drawing a quiz paper: pure functions, no database.

`grade` scores the answers to the drawn questions only. A question counts as right when exactly
its set of right choices was chosen (for a single-choice or true/false question that is the one
right choice; for a multiple-choice question every right one and no wrong one). The score is the
share of right questions in whole percent, rounded down, so "score >= pass mark" holds exactly
when the learner's share reaches the pass mark (never by rounding up).

`draw` fixes a paper: which questions (all, or `count` of them) in which order, and each one's
choices in which order.
"""

import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Grade:
    score: int
    #: question id -> answered right
    correct: dict[int, bool]

    def passes(self, pass_mark: int) -> bool:
        return self.score >= pass_mark


def grade(
    questions: Mapping[int, Collection[int]], answers: Mapping[int, Collection[int]]
) -> Grade:
    """Grade `answers` (question id -> chosen choice ids) against `questions` (each drawn
    question's id -> its right choice ids). Answers to questions not drawn are ignored."""
    correct = {
        qid: frozenset(answers.get(qid, ())) == frozenset(right) for qid, right in questions.items()
    }
    total = len(correct)
    score = (100 * sum(correct.values())) // total if total else 0
    return Grade(score=score, correct=correct)


def draw(
    pool: Sequence[tuple[int, Sequence[int]]],
    *,
    count: int = 0,
    shuffle_questions: bool = True,
    shuffle_choices: bool = True,
    keep_order: Collection[int] = (),
    rng: random.Random | None = None,
) -> list[dict[str, object]]:
    """A paper from `pool` (question ids in the author's order, each with its choice ids):
    `count` questions drawn at random (0 or more than the pool: all), in random order if
    `shuffle_questions` (else the author's), each with its choices shuffled if
    `shuffle_choices` (except the questions in `keep_order`: True before False).
    Returns `[{"q": id, "c": [ids]}]`, as `Attempt.paper` keeps it."""
    rng = rng or random.SystemRandom()
    order = list(range(len(pool)))
    if 0 < count < len(pool):
        order = sorted(rng.sample(order, count))
    if shuffle_questions:
        rng.shuffle(order)
    paper: list[dict[str, object]] = []
    for index in order:
        qid, choices = pool[index]
        shown = list(choices)
        if shuffle_choices and qid not in keep_order:
            rng.shuffle(shown)
        paper.append({"q": qid, "c": shown})
    return paper


def paper_question_ids(paper: Iterable[Mapping[str, object]]) -> list[int]:
    return [int(item["q"]) for item in paper]  # type: ignore[call-overload]
