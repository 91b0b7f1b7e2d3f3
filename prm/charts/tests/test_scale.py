"""Round ticks (1-2-5 steps) and the value-to-pixel mapping."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from prm.charts.scale import Scale, domain, nice_ticks


def test_ticks_step_by_one_two_or_five_times_a_power_of_ten():
    assert nice_ticks(D(0), D(15500)) == [D(0), D(5000), D(10000), D(15000), D(20000)]
    assert nice_ticks(D(0), D(83)) == [D(0), D(20), D(40), D(60), D(80), D(100)]
    assert nice_ticks(D(0), D("0.7")) == [D(0), D("0.2"), D("0.4"), D("0.6"), D("0.8")]
    assert nice_ticks(D(-5), D(3)) == [D(-6), D(-4), D(-2), D(0), D(2), D(4)]


def test_all_equal_values_widen_to_zero_and_all_zero_to_one():
    assert nice_ticks(D(0), D(0))[0] == 0
    assert nice_ticks(D(0), D(0))[-1] == 1
    assert nice_ticks(D(7), D(7))[0] == 0
    assert nice_ticks(D(7), D(7))[-1] >= 7
    assert nice_ticks(D(-3), D(-3))[0] <= -3
    assert nice_ticks(D(-3), D(-3))[-1] == 0


def test_counts_get_whole_steps():
    assert nice_ticks(D(0), D(2), whole=True) == [D(0), D(1), D(2)]
    assert nice_ticks(D(0), D(2)) == [D(0), D("0.5"), D(1), D("1.5"), D(2)]


def test_ticks_print_as_people_write_them():
    assert [str(t) for t in nice_ticks(D(0), D(3000))] == ["0", "1000", "2000", "3000"]
    assert "0.30000000000000004" not in {str(t) for t in nice_ticks(D(0), D("0.3"))}


amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)


@given(amounts, amounts, st.integers(min_value=2, max_value=10), st.booleans())
def test_ticks_always_cover_the_data_in_even_round_steps(a, b, target, whole):
    low, high = min(a, b), max(a, b)
    ticks = nice_ticks(low, high, target=target, whole=whole)
    assert ticks[0] <= low
    assert ticks[-1] >= high
    steps = {ticks[i + 1] - ticks[i] for i in range(len(ticks) - 1)}
    assert len(steps) == 1
    step = steps.pop()
    mantissa = step.scaleb(-step.adjusted()).normalize()
    assert mantissa in {D(1), D(2), D(5)}
    assert 2 <= len(ticks) <= 2 * target + 3
    if whole:
        assert step >= 1


def test_a_scale_maps_values_onto_pixels_upwards():
    y = Scale(D(0), D(100), 200.0, 0.0)
    assert y(D(0)) == 200
    assert y(D(100)) == 0
    assert y(D(25)) == 150
    assert Scale(D(10), D(20), 0.0, 100.0).zero == 0.0  # zero outside: the nearer edge


def test_the_domain_skips_gaps_and_includes_zero():
    assert domain([None, D(5), D(9)]) == (D(0), D(9))
    assert domain([None, D(5), D(9)], include_zero=False) == (D(5), D(9))
    assert domain([None, None]) is None
