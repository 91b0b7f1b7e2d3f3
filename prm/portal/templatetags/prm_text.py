"""Names inside sentences (prm.text): the article and the possessive a name takes.

{% load prm_text %}
{% if branding.name|takes_an %}…Become an {{ name }} partner…{% else %}…Become a …{% endif %}
{{ partner.name|possessive }} deals        Contoso Systems' deals, Northwind's deals
"""

from django import template

from prm.text import possessive as possessive_of
from prm.text import takes_an as takes_an_article

register = template.Library()


@register.filter
def takes_an(name: str) -> bool:
    return takes_an_article(str(name))


@register.filter
def possessive(name: str) -> str:
    return possessive_of(str(name))
