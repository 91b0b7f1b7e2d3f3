"""References inside text (prm.text): kept whole on narrow screens, escaped like any text."""

from django.template import Context, Template

from prm.text import reference_html, references_kept_whole


def test_a_reference_is_wrapped_so_it_never_breaks_at_its_hyphen():
    assert reference_html("DR-000012") == '<span class="ref">DR-000012</span>'


def test_every_reference_in_a_sentence_is_kept_whole_and_the_rest_escaped():
    html = references_kept_whole("Approved: <b>Coho</b> (DR-000005), see DR-000012 & MDF-000003")
    assert html == (
        'Approved: &lt;b&gt;Coho&lt;/b&gt; (<span class="ref">DR-000005</span>), see '
        '<span class="ref">DR-000012</span> &amp; <span class="ref">MDF-000003</span>'
    )


def test_words_with_hyphens_and_short_numbers_are_not_references():
    assert references_kept_whole("e-mail the co-op at X-1, US-42") == (
        "e-mail the co-op at X-1, US-42"
    )


def test_the_template_filters_escape_what_a_partner_typed():
    rendered = Template("{% load prm_text %}{{ title|refs_whole }} {{ ref|ref }}").render(
        Context({"title": "<script>DR-000001", "ref": "DR-000002"})
    )
    assert rendered == (
        '&lt;script&gt;<span class="ref">DR-000001</span> <span class="ref">DR-000002</span>'
    )
