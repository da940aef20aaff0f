"""NPS arithmetic: % promoters − % detractors with its 95% interval, by hand and as a
property; the SQL aggregates agree with the arithmetic."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comms.surveys.queries import Nps, nps_of


def test_it_computes_nps_and_its_interval_on_a_hand_made_set():
    # 5 promoters, 3 passives, 2 detractors of 10: NPS 30.
    nps = nps_of([10, 9, 9, 10, 9, 8, 7, 7, 3, 6])
    assert (nps.n, nps.promoters, nps.passives, nps.detractors) == (10, 5, 3, 2)
    assert nps.score == pytest.approx(30.0)
    # var = 0.5 + 0.2 − 0.3² = 0.61; margin = 1.96 · √(0.61 / 10) · 100 ≈ 48.4
    assert nps.margin == pytest.approx(100 * 1.959964 * math.sqrt(0.061))
    assert nps.low == pytest.approx(30 - nps.margin) and nps.high == pytest.approx(30 + nps.margin)


def test_the_interval_narrows_as_the_sample_grows():
    small = Nps(promoters=5, passives=3, detractors=2)
    large = Nps(promoters=500, passives=300, detractors=200)
    assert small.score == large.score == pytest.approx(30.0)
    assert large.margin == pytest.approx(small.margin / 10)


def test_it_clips_the_interval_to_the_scale_and_has_none_without_scores():
    assert Nps(promoters=3, passives=0, detractors=0).high == 100
    assert Nps(promoters=1, passives=0, detractors=1).low == -100
    empty = Nps(0, 0, 0)
    assert (empty.score, empty.margin, empty.low, empty.high) == (None, None, None, None)


@given(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=500))
def test_nps_is_within_the_scale_and_its_interval_holds_it(scores):
    nps = nps_of(scores)
    assert -100 <= nps.score <= 100
    assert -100 <= nps.low <= nps.score <= nps.high <= 100
    assert nps.margin >= 0
    assert nps.n == len(scores)


@given(st.integers(0, 300), st.integers(0, 300), st.integers(0, 300))
def test_the_variance_is_never_negative(promoters, passives, detractors):
    nps = Nps(promoters, passives, detractors)
    if nps.n:
        assert nps.margin >= 0 and math.isfinite(nps.margin)


@pytest.mark.django_db
def test_the_sql_aggregates_agree_with_the_arithmetic():
    from comms.surveys.queries import survey_results
    from comms.surveys.services import response_record
    from core.tests.factories import UserFactory

    from .survey_factories import shipped, subscriber

    survey = shipped()
    scores = [10, 9, 9, 10, 9, 8, 7, 7, 3, 6, 0]
    who = subscriber()
    for score in scores:
        response_record(survey=survey, answers={"recommend": score}, channel="web", subscriber=who)
    results = survey_results(survey, UserFactory(roles=["head"]))
    assert results.nps == nps_of(scores)
    assert results.scores == [1, 0, 0, 1, 0, 0, 1, 2, 1, 3, 2]
    assert results.by_branch[0].nps == nps_of(scores)
