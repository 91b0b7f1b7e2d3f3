"""Every chart type renders well-formed SVG (parsed) with its text alternative: a title and a
description the `<svg role="img">` is labelled by, and a table with every figure, formatted by
the one formatter. Empty, single-point and negative data included."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from prm.charts import (
    DEFAULT_PALETTE,
    Bar,
    Series,
    bar_chart,
    derive,
    gauge,
    line_chart,
    palette_for,
    sparkline,
    stacked_bar_chart,
)
from prm.charts.palette import graphic_contrast
from prm.money import format_money

SVG = "{http://www.w3.org/2000/svg}"
HEX = re.compile(r"^#[0-9a-f]{6}$")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def parse(chart):
    """The figure, its svg, and the svg's accessible name and description (checked to be what
    aria-labelledby points at)."""
    figure = ET.fromstring(str(chart))
    assert figure.tag == "figure"
    svg = figure.find(f"{SVG}svg")
    assert svg is not None
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title.get("id") == title_id
    assert desc.get("id") == desc_id
    assert title.text
    assert desc.text
    assert svg.get("width") == "100%"
    assert svg.get("viewBox").startswith("0 0 ")
    for element in figure.iter():
        assert "style" not in element.attrib  # the CSP forbids inline styles
        assert not element.tag.endswith("script")
        assert not any(name.startswith("on") for name in element.attrib)
        # nothing to fetch: a PDF renderer or a browser loads nothing for a chart
        assert not {"href", "src", "{http://www.w3.org/1999/xlink}href"} & set(element.attrib)
        for paint in ("fill", "stroke"):
            value = element.get(paint)
            assert value is None or value in ("currentColor", "none") or HEX.match(value), value
    return figure, svg, title.text, desc.text


def table_of(figure):
    """The data table: caption, head and rows of cell texts."""
    table = figure.find(".//table")
    assert table is not None
    head = [th.text for th in table.find("thead").iter("th")]
    rows = [[cell.text for cell in tr] for tr in table.find("tbody").iter("tr")]
    return table.find("caption").text, head, rows


def drawn(svg, tag):
    return list(svg.iter(f"{SVG}{tag}"))


def texts(svg):
    return [t.text for t in svg.iter(f"{SVG}text")]


# Line charts


def test_a_line_chart_draws_each_series_with_gaps_and_a_table_of_every_month():
    revenue = [
        D(1200),
        D(3400),
        None,
        D(5600),
        D(4300),
        D(8000),
        D(9100),
        D(7600),
        None,
        None,
        D(12000),
        D(15500),
    ]
    last_year = [D(900 + 500 * i) for i in range(12)]
    chart = line_chart(
        Series("Revenue won", revenue),
        Series("Same month last year", last_year, dashed=True),
        x_labels=MONTHS,
        title="Revenue won",
        unit="money",
        currency="EUR",
    )
    figure, svg, title, desc = parse(chart)
    assert title == "Revenue won"
    assert not chart.is_empty
    # the gaps split revenue into three lines (Jan-Feb, Apr-Aug, Nov-Dec); last year is one
    paths = drawn(svg, "path")
    assert len([p for p in paths if p.get("stroke-dasharray")]) == 1
    assert len([p for p in paths if not p.get("stroke-dasharray")]) == 3
    assert "highest €15,500.00 (Dec)" in desc
    assert "lowest €1,200.00 (Jan)" in desc
    caption, head, rows = table_of(figure)
    assert caption == "Revenue won"
    assert head == ["Period", "Revenue won", "Same month last year"]
    assert rows[0] == ["Jan", "€1,200.00", "€900.00"]
    assert rows[2] == ["Mar", "—", "€1,900.00"]  # no data is "—", never 0
    assert "€5K" in texts(svg)
    assert "€20K" in texts(svg)


def test_an_empty_line_chart_says_so():
    for chart in (
        line_chart(x_labels=[], title="Pipeline"),
        line_chart(Series("Pipeline", [None, None]), x_labels=["Jan", "Feb"], title="Pipeline"),
    ):
        figure, svg, _title, _desc = parse(chart)
        assert chart.is_empty
        assert "No data for this period" in texts(svg)
        assert drawn(svg, "path") == []
        assert table_of(figure)[0] == "Pipeline"
        assert svg.get("viewBox") == "0 0 480 120"  # a sentence, not a tall blank box


def test_a_single_point_is_drawn_as_a_dot():
    chart = line_chart(Series("Deals", [D(5)]), x_labels=["Jan"], title="Deals")
    figure, svg, _title, _desc = parse(chart)
    assert len(drawn(svg, "circle")) == 1
    assert drawn(svg, "path") == []
    assert table_of(figure)[2] == [["Jan", "5"]]


def test_negative_values_extend_the_axis_below_a_firm_zero_line():
    chart = line_chart(
        Series("Change", [D(-5), D(3), D("-1.5")]),
        x_labels=["a", "b", "c"],
        title="Change",
        unit="days",
    )
    figure, svg, _title, _desc = parse(chart)
    assert "-6" in texts(svg)
    assert "4" in texts(svg)
    assert "days" in texts(svg)
    zero = [line for line in drawn(svg, "line") if line.get("stroke-opacity") == "0.6"]
    assert len(zero) == 1
    assert table_of(figure)[1] == ["Period", "Change (days)"]
    assert table_of(figure)[2][2] == ["c", "-1.5"]


def test_many_labels_are_thinned_and_the_latest_is_always_named():
    labels = [f"Week {i}" for i in range(1, 53)]
    chart = line_chart(Series("Logins", [D(i) for i in range(52)]), x_labels=labels, title="Logins")
    _figure, svg, _title, _desc = parse(chart)
    written = [t for t in texts(svg) if t and t.startswith("Week")]
    assert 2 < len(written) < 15
    assert "Week 52" in written
    assert len(table_of(_figure)[2]) == 52  # the table keeps every week


def test_a_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="has 1 values for 2 labels"):
        line_chart(Series("x", [D(1)]), x_labels=["a", "b"], title="x")


def test_what_users_typed_is_escaped():
    chart = line_chart(
        Series("<script>alert(1)</script>", [D(1)]), x_labels=['"><img src=x>'], title="A & B <b>"
    )
    _figure, _svg, title, _desc = parse(chart)  # still well-formed
    assert title == "A & B <b>"
    assert "<script>" not in str(chart)
    assert "<img" not in str(chart)


# Bars


def test_bars_start_at_zero_and_write_their_value_and_note():
    chart = bar_chart(
        [Bar("Gold", D(40)), Bar("Silver", D(25), note="3 of 4"), Bar("Bronze", None)],
        title="Pass rate per tier",
        unit="percent",
        category_title="Tier",
    )
    figure, svg, _title, desc = parse(chart)
    rects = drawn(svg, "rect")
    assert len(rects) == 2  # Bronze has no data: no bar, not a bar of 0
    assert "25% (3 of 4)" in texts(svg)
    assert "—" in texts(svg)
    assert "highest Gold (40%)" in desc
    assert table_of(figure)[1:] == (
        ["Tier", "Pass rate per tier"],
        [["Gold", "40%"], ["Silver", "25% (3 of 4)"], ["Bronze", "—"]],
    )


@pytest.mark.parametrize("horizontal", [False, True])
def test_negative_bars_go_the_other_way_from_zero(horizontal):
    chart = bar_chart(
        [Bar("Up", D(30)), Bar("Down", D(-10))],
        title="Change",
        horizontal=horizontal,
        unit="money",
        currency="USD",
    )
    _figure, svg, _title, _desc = parse(chart)
    up, down = drawn(svg, "rect")
    if horizontal:
        assert float(down.get("x")) + float(down.get("width")) == pytest.approx(float(up.get("x")))
    else:
        assert float(up.get("y")) + float(up.get("height")) == pytest.approx(float(down.get("y")))
    assert format_money(D(-10), "USD") in texts(svg)


def test_long_category_labels_are_cut_and_said_in_full_in_the_bars_title():
    name = "Contoso Systems Integration and Managed Services Europe"
    chart = bar_chart([Bar(name, D(3)), Bar("Acme", D(2))], title="Deals", horizontal=True)
    _figure, svg, _title, _desc = parse(chart)
    assert name not in texts(svg)
    assert any(t and t.endswith("…") for t in texts(svg))
    assert name in [t.text for t in svg.iter(f"{SVG}title")]


def test_an_all_zero_bar_chart_draws_a_zero_axis_not_an_empty_one():
    chart = bar_chart([Bar("A", D(0)), Bar("B", D(0))], title="Deals")
    _figure, svg, _title, _desc = parse(chart)
    assert not chart.is_empty
    assert "0" in texts(svg)
    assert "1" in texts(svg)


def test_an_empty_bar_chart_says_so():
    for bars in ([], [Bar("A", None)]):
        chart = bar_chart(bars, title="Deals", horizontal=True)
        figure, svg, _title, _desc = parse(chart)
        assert chart.is_empty
        assert "No data for this period" in texts(svg)
        assert table_of(figure)[0] == "Deals"


# Stacked bars


def test_stacked_bars_stack_each_series_with_a_legend_and_a_total():
    chart = stacked_bar_chart(
        Series("Registered", [D(3), D(5), D(2)]),
        Series("Approved", [D(2), None, D(1)]),
        Series("Won", [D(1), D(2), D(-1)]),
        categories=["Reseller", "Referral", "SI"],
        title="Deals by type",
    )
    figure, svg, _title, desc = parse(chart)
    colours = {r.get("fill") for r in drawn(svg, "rect")}
    assert colours == set(DEFAULT_PALETTE[:3])
    assert {"Registered", "Approved", "Won"} <= set(texts(svg))  # the legend
    assert "6" in texts(svg)
    assert "7" in texts(svg)
    assert "the largest total is Referral (7)" in desc
    _caption, head, rows = table_of(figure)
    assert head == ["Category", "Registered", "Approved", "Won", "Total"]
    assert rows[1] == ["Referral", "5", "—", "2", "7"]
    assert rows[2] == ["SI", "2", "1", "-1", "2"]
    # SI's negative segment hangs below zero
    assert "-2" in texts(svg)


def test_horizontal_stacked_bars_and_an_empty_one():
    chart = stacked_bar_chart(
        Series("Paid", [D(100)]),
        Series("Owed", [D(50)]),
        categories=["Acme"],
        title="Money",
        horizontal=True,
        unit="money",
        currency="USD",
    )
    _figure, svg, _title, _desc = parse(chart)
    assert "$150.00" in texts(svg)
    empty = stacked_bar_chart(Series("Paid", [None]), categories=["Acme"], title="Money")
    parse(empty)
    assert empty.is_empty


# Gauges and sparklines


@pytest.mark.parametrize("shape", ["half", "bar"])
def test_a_gauge_shows_the_value_against_its_target(shape):
    chart = gauge(D(83), target=D(90), title="SLA attainment", shape=shape)
    figure, svg, _title, desc = parse(chart)
    assert "83%" in texts(svg)
    assert "Target: 90%" in texts(svg)
    assert desc == "83% against a target of 90%: the target is not met."
    assert table_of(figure)[2] == [
        ["Value", "83%"],
        ["Target", "90%"],
        ["Minimum", "0%"],
        ["Maximum", "100%"],
    ]


def test_a_gauge_beyond_its_scale_fills_it_and_a_lower_target_can_be_met():
    chart = gauge(
        D(30),
        target=D(24),
        maximum=D(24),
        title="Decision time",
        unit="hours",
        lower_is_better=True,
    )
    _figure, svg, _title, desc = parse(chart)
    assert "not met" in desc
    assert "30" in texts(svg)
    met = gauge(
        D(12),
        target=D(24),
        maximum=D(48),
        title="Decision time",
        unit="hours",
        lower_is_better=True,
    )
    assert "the target is met" in parse(met)[3]
    negative = gauge(D(-5), title="Change", minimum=D(-10), maximum=D(10), unit="count")
    parse(negative)


def test_an_empty_gauge_says_so():
    chart = gauge(None, target=D(90), title="SLA attainment")
    figure, svg, _title, _desc = parse(chart)
    assert chart.is_empty
    assert "No data for this period" in texts(svg)
    assert table_of(figure)[2][0] == ["Value", "—"]


def test_a_sparkline_has_no_axes_and_marks_the_last_point():
    chart = sparkline(
        [D(3), None, D(2), D(6), D(9)],
        title="Pipeline",
        x_labels=MONTHS[:5],
        unit="money",
        currency="USD",
    )
    figure, svg, _title, desc = parse(chart)
    assert texts(svg) == []  # no axes, no labels
    assert len(drawn(svg, "path")) == 1
    assert len(drawn(svg, "circle")) == 2
    assert desc == "From $3.00 (Jan) to $9.00 (May)."
    assert table_of(figure)[2][1] == ["Feb", "—"]
    assert len(drawn(parse(sparkline([D(1), D(2)], title="x", marker=False))[1], "circle")) == 0


def test_a_single_point_and_an_empty_sparkline():
    parse(sparkline([D(4)], title="Deals"))
    empty = sparkline([None, None], title="Deals")
    assert empty.is_empty
    assert "No data for this period" in texts(parse(empty)[1])


# Tables, formatters, units


def test_the_table_can_be_a_disclosure_or_shown():
    bars = [Bar("A", D(1))]
    hidden = ET.fromstring(str(bar_chart(bars, title="x")))
    assert "visually-hidden" in hidden.find("table").get("class")
    details = ET.fromstring(str(bar_chart(bars, title="x", table="details")))
    assert details.find("details/summary").text == "The figures as a table"
    shown = ET.fromstring(str(bar_chart(bars, title="x", table="shown")))
    assert "visually-hidden" not in shown.find("table").get("class")
    with pytest.raises(ValueError, match="Unknown table mode"):
        bar_chart(bars, title="x", table="nowhere")


def test_a_callers_formatter_writes_every_figure():
    chart = bar_chart([Bar("A", D(2))], title="x", format=lambda v: f"{v} widgets")
    figure, svg, _title, _desc = parse(chart)
    assert "2 widgets" in texts(svg)
    assert table_of(figure)[2] == [["A", "2 widgets"]]


def test_units_are_checked():
    with pytest.raises(ValueError, match="Unknown chart unit"):
        bar_chart([Bar("A", D(2))], title="x", unit="furlongs")
    with pytest.raises(ValueError, match="needs its currency"):
        bar_chart([Bar("A", D(2))], title="x", unit="money")  # money needs its currency


def test_figures_follow_the_active_language():
    with translation.override("de"):
        chart = bar_chart([Bar("A", D("1234.5"))], title="x", unit="money", currency="EUR")
    assert table_of(parse(chart)[0])[2] == [["A", "1.234,50\xa0€"]]


# Colours


def test_the_palette_is_six_distinct_hex_colours_visible_on_white(ours):
    ours.tenant.primary_colour, ours.tenant.accent_colour = "#ffd500", "#ffe14d"  # pale, alike
    palette = palette_for(ours.tenant)
    assert len(palette) == len(set(palette)) == 6
    assert all(HEX.match(c) for c in palette)
    assert all(graphic_contrast(c) >= 3 for c in palette)
    assert derive("#1f6feb", "#0e9f6e")[:2] == ("#1f6feb", "#0e9f6e")


def test_a_colour_that_is_not_hex_never_reaches_an_attribute(ours):
    with pytest.raises(ValueError, match="Not a #rrggbb colour"):
        bar_chart([Bar("A", D(1))], title="x", palette=('red" onload="x',))
    with pytest.raises(ValueError, match="Not a #rrggbb colour"):
        line_chart(Series("A", [D(1)], colour="url(#x)"), x_labels=["a"], title="x")
    ours.tenant.primary_colour = "not a colour"  # a bad row falls back to the default
    assert palette_for(ours.tenant)[0] == DEFAULT_PALETTE[0]


def test_series_take_their_own_colour_or_the_palettes_next():
    chart = line_chart(
        Series("A", [D(1), D(2)]),
        Series("B", [D(2), D(1)], colour="#123456"),
        Series("C", [D(0), D(3)]),
        x_labels=["a", "b"],
        title="x",
        palette=("#aa0000", "#00aa00"),
    )
    strokes = [p.get("stroke") for p in drawn(parse(chart)[1], "path")]
    assert strokes == ["#aa0000", "#123456", "#00aa00"]


hex_colours = st.from_regex(r"\A#[0-9a-f]{6}\Z")


@given(hex_colours, hex_colours)
def test_any_two_brand_colours_give_six_distinct_colours_visible_on_white(primary, accent):
    palette = derive(primary, accent)
    assert len(palette) == len(set(palette)) == 6
    assert all(HEX.match(c) for c in palette)
    assert all(graphic_contrast(c) >= 3 for c in palette)
