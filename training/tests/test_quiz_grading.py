"""Grading and drawing are pure: properties checked with hypothesis."""

import random

from hypothesis import given
from hypothesis import strategies as st

from training.quizzes.grading import draw, grade

# a pool: question ids 1..n, each with 2-5 choice ids of its own and a non-empty right set
choice_ids = st.integers(min_value=1, max_value=10_000)


@st.composite
def pools(draw_, min_size: int = 1, max_size: int = 12):
    n = draw_(st.integers(min_value=min_size, max_value=max_size))
    pool = []
    next_id = 1
    for qid in range(1, n + 1):
        k = draw_(st.integers(min_value=2, max_value=5))
        choices = list(range(next_id, next_id + k))
        next_id += k
        right = draw_(st.lists(st.sampled_from(choices), min_size=1, unique=True))
        pool.append((qid, choices, frozenset(right)))
    return pool


@st.composite
def answered(draw_):
    pool = draw_(pools())
    answers = {
        qid: draw_(st.lists(st.sampled_from(choices), unique=True)) for qid, choices, _r in pool
    }
    return pool, answers


@given(answered(), st.randoms(use_true_random=False))
def test_shuffling_questions_answers_or_choices_never_changes_a_grade(case, rnd):
    pool, answers = case
    right = {qid: r for qid, _c, r in pool}
    before = grade(right, answers)
    shuffled_right = dict(rnd.sample(list(right.items()), len(right)))
    shuffled_answers = {
        qid: rnd.sample(list(ids), len(ids))
        for qid, ids in rnd.sample(list(answers.items()), len(answers))
    }
    assert grade(shuffled_right, shuffled_answers) == before


@given(answered())
def test_a_question_is_right_only_with_exactly_its_right_set(case):
    pool, answers = case
    result = grade({qid: r for qid, _c, r in pool}, answers)
    for qid, _choices, right in pool:
        assert result.correct[qid] == (set(answers[qid]) == set(right))


@given(
    st.integers(min_value=1, max_value=40).flatmap(
        lambda total: st.tuples(st.just(total), st.integers(min_value=0, max_value=total))
    ),
    st.integers(min_value=1, max_value=100),
)
def test_the_pass_mark_boundary_is_exact(counts, pass_mark):
    total, right_count = counts
    questions = {qid: {qid * 10} for qid in range(1, total + 1)}
    answers = {qid: ({qid * 10} if qid <= right_count else {qid * 10 + 1}) for qid in questions}
    result = grade(questions, answers)
    # passes exactly when the share of right answers reaches the mark, never by rounding up
    assert result.passes(pass_mark) == (100 * right_count >= pass_mark * total)
    assert result.score == (100 * right_count) // total


def test_the_boundary_examples_pass_at_the_mark_and_fail_just_below():
    questions = {q: {q} for q in range(1, 11)}
    seven = {q: ({q} if q <= 7 else set()) for q in questions}
    assert grade(questions, seven).score == 70
    assert grade(questions, seven).passes(70)
    assert not grade(questions, seven).passes(71)
    # 2 of 3 is 66.67 %: it does not reach 67
    thirds = {1: {1}, 2: {2}, 3: {3}}
    assert not grade(thirds, {1: {1}, 2: {2}, 3: set()}).passes(67)
    assert grade(thirds, {1: {1}, 2: {2}, 3: set()}).passes(66)


@given(pools(min_size=1, max_size=30), st.integers(min_value=0, max_value=40), st.randoms())
def test_a_draw_is_a_subset_of_the_pool_of_the_right_size_each_question_once(pool, count, rnd):
    paper = draw(
        [(qid, choices) for qid, choices, _r in pool],
        count=count,
        rng=random.Random(rnd.random()),
    )
    ids = [item["q"] for item in paper]
    expected = count if 0 < count < len(pool) else len(pool)
    assert len(ids) == expected
    assert len(set(ids)) == len(ids)
    by_id = {qid: choices for qid, choices, _r in pool}
    assert set(ids) <= set(by_id)
    for item in paper:  # each drawn question keeps exactly its own choices
        assert sorted(item["c"]) == sorted(by_id[item["q"]])


@given(answered(), st.integers(min_value=1, max_value=12), st.randoms())
def test_grading_counts_only_the_drawn_questions(case, count, rnd):
    pool, answers = case
    paper = draw(
        [(qid, choices) for qid, choices, _r in pool],
        count=count,
        rng=random.Random(rnd.random()),
    )
    drawn = {item["q"] for item in paper}
    right = {qid: r for qid, _c, r in pool if qid in drawn}
    result = grade(right, answers)  # answers to questions not drawn are ignored
    assert set(result.correct) == drawn
    wrong_elsewhere = {qid: ([] if qid in drawn else [-1]) for qid, _c, _r in pool} | {
        qid: answers[qid] for qid in drawn
    }
    assert grade(right, wrong_elsewhere) == result


def test_without_shuffling_the_paper_keeps_the_authors_order():
    pool = [(1, [11, 12]), (2, [21, 22, 23]), (3, [31, 32])]
    paper = draw(pool, shuffle_questions=False, shuffle_choices=False)
    assert paper == [{"q": 1, "c": [11, 12]}, {"q": 2, "c": [21, 22, 23]}, {"q": 3, "c": [31, 32]}]


def test_true_or_false_keeps_true_before_false_when_choices_are_shuffled():
    pool = [(1, [11, 12]), (2, [21, 22, 23, 24])]
    for seed in range(20):
        paper = draw(pool, keep_order={1}, rng=random.Random(seed))
        assert next(item for item in paper if item["q"] == 1)["c"] == [11, 12]
