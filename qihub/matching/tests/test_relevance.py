"""The evaluation set of bench/matching/ run in pytest (no timing): nDCG@10 ≥ 0.9 over the
needs, and no institution of a need's ``must_not`` list in its top 10."""

import pytest

from bench.bench_matching import engine_ranking, evaluate, load_dataset, load_needs


@pytest.fixture
def evaluation_set(reference):
    load_dataset()
    return load_needs()


def test_the_evaluation_set_scores_ndcg_at_10_of_at_least_0_9(evaluation_set):
    today, needs = evaluation_set
    assert len(needs) >= 30
    score = evaluate(engine_ranking(today), needs)
    weak = [(q, round(v, 2)) for q, v, _bad in score.per_need if v < 0.5]
    assert score.ndcg >= 0.9, (score.ndcg, weak)


def test_nothing_that_must_not_match_reaches_a_top_10(evaluation_set):
    today, needs = evaluation_set
    score = evaluate(engine_ranking(today), needs)
    assert score.violations == []
