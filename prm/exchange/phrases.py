"""How the exchange-rate audit events read (`prm.audit.sentences`; the placeholders are the
values `prm.exchange.services` records in `after`)."""

from django.utils.translation import gettext_lazy as _

from prm.audit.sentences import Phrase, register_phrases

register_phrases(
    {
        "exchange.rate.set": Phrase(
            _("Exchange rate set"),
            _("{actor} set the {currency} rate from {valid_from} to {rate}"),
        ),
        "exchange.rate.deleted": Phrase(
            _("Exchange rate deleted"),
            _("{actor} deleted the {currency} rate from {valid_from}"),
        ),
        "exchange.rates.imported": Phrase(
            _("Exchange rates imported"),
            _("{actor} imported {count} exchange rates from {file}"),
        ),
    }
)
