"""Calling numbers: the consumer's "who called me?" look-up and the firm's own list."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from certification.forms.applications import CallingNumberForm, italian_number_e164

__all__ = ["CallingNumberForm", "WhoCalledForm"]

# Longer than any number written with spaces, dots and a +39 or 0039 prefix.
NUMBER_MAX_LENGTH = 40


def _foreign_region(raw: str) -> str | None:
    """The country of a valid number that is not Italian, if it is one."""
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, "IT")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    region = phonenumbers.region_code_for_number(parsed)
    return region if region != "IT" else None


class WhoCalledForm(forms.Form):
    numero = forms.CharField(
        label=_("Il numero che ti ha chiamato"),
        max_length=NUMBER_MAX_LENGTH,
        help_text=_(
            "Scrivilo come lo vedi sul telefono, per esempio 02 1234 5678, +39 333 123 4567 "
            "o 0039 06-1234-5678."
        ),
        error_messages={
            "required": _("Scrivi il numero che ti ha chiamato."),
            "max_length": _(
                "Questo non sembra un numero di telefono: è troppo lungo (al massimo "
                "%(limit_value)d caratteri)."
            ),
        },
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_numero(self) -> str:
        raw = self.cleaned_data["numero"]
        try:
            return italian_number_e164(raw)
        except ValidationError:
            if _foreign_region(raw):
                raise ValidationError(
                    _(
                        "«%(number)s» non è un numero italiano: i contact center certificati "
                        "dichiarano solo numeri italiani."
                    ),
                    code="foreign_number",
                    params={"number": raw},
                ) from None
            raise
