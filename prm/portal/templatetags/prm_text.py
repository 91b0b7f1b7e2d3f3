"""Names inside sentences (prm.text): the article and the possessive a name takes.

{% load prm_text %}
{% if branding.name|takes_an %}…Become an {{ name }} partner…{% else %}…Become a …{% endif %}
{{ partner.name|possessive }} deals        Contoso Systems' deals, Northwind's deals
{{ deal.reference|ref }}                   DR-000001, never broken at its hyphen
{{ notification.title|refs_whole }}        the same for every reference inside a text
"""

from django import template
from django.utils.safestring import SafeString

from prm.text import possessive as possessive_of
from prm.text import reference_html, references_kept_whole
from prm.text import takes_an as takes_an_article

register = template.Library()


@register.filter
def takes_an(name: str) -> bool:
    return takes_an_article(str(name))


@register.filter
def possessive(name: str) -> str:
    return possessive_of(str(name))


@register.filter
def ref(reference: str) -> SafeString:
    return reference_html(str(reference))


@register.filter
def refs_whole(text: str) -> SafeString:
    return references_kept_whole(str(text))
