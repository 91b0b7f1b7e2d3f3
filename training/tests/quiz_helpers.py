"""Shared helpers of the quiz tests: answers built from an attempt's paper."""

from training.models import Attempt, VersionChoice


def right_answers(attempt: Attempt) -> dict[int, list[int]]:
    """Every question of the paper answered right."""
    qids = [int(item["q"]) for item in attempt.paper]
    answers: dict[int, list[int]] = {qid: [] for qid in qids}
    for qid, cid in VersionChoice.objects.filter(question_id__in=qids, is_correct=True).values_list(
        "question_id", "id"
    ):
        answers[qid].append(cid)
    return answers


def wrong_answers(attempt: Attempt) -> dict[int, list[int]]:
    """Every question of the paper answered with its wrong choices only."""
    qids = [int(item["q"]) for item in attempt.paper]
    answers: dict[int, list[int]] = {qid: [] for qid in qids}
    for qid, cid in VersionChoice.objects.filter(
        question_id__in=qids, is_correct=False
    ).values_list("question_id", "id"):
        answers[qid].append(cid)
    return answers


def form_data(attempt: Attempt, answers: dict[int, list[int]]) -> dict[str, list[str]]:
    """The POST of the quiz form giving `answers` (choices by their place on the paper)."""
    data: dict[str, list[str]] = {}
    for number, item in enumerate(attempt.paper, start=1):
        places = [str(i) for i, cid in enumerate(item["c"], start=1) if cid in answers[item["q"]]]
        data[f"q{number}"] = places
    return data
