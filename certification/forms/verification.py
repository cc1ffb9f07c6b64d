"""The public form to look up a seal by its number (/verifica/?numero=…)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

# The canonical form printed on certificates: BB-<year>-<five digits>.
CANONICAL = re.compile(r"BB-[0-9]{4}-[0-9]{5}", re.ASCII)
# Typed by hand or pasted from a PDF: spaces, underscores and typographic dashes between the
# parts; a run of them counts as one dash.
SEPARATORS = re.compile(r"[\s_\-\u2010-\u2015\u2212]+")
# Right shape but fewer digits: we say so rather than guess the missing zeros.
UNPADDED = re.compile(r"BB-[0-9]{4}-[0-9]{1,4}", re.ASCII)

EXAMPLE = "BB-2025-00042"


def normalize_seal_number(value: str) -> str:
    """Strip, upper-case and turn spaces/underscores (and dash look-alikes) into single
    dashes. The result is not necessarily a valid number: see `is_seal_number`."""
    return SEPARATORS.sub("-", value.strip()).upper()


def is_seal_number(value: str) -> bool:
    return CANONICAL.fullmatch(value) is not None


class SealLookupForm(forms.Form):
    numero = forms.CharField(
        label=_("Numero del bollino"),
        max_length=100,
        help_text=_(
            "Lo trovi sul certificato, accanto a «Numero del bollino», nella forma BB-2025-00042: "
            "le lettere BB, l'anno di rilascio e cinque cifre."
        ),
        error_messages={
            "required": _("Scrivi il numero del bollino da verificare."),
            "max_length": _("Il testo è troppo lungo per essere un numero di bollino."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_numero(self) -> str:
        number = normalize_seal_number(self.cleaned_data["numero"])
        if is_seal_number(number):
            return number
        if UNPADDED.fullmatch(number):
            raise forms.ValidationError(
                _(
                    "Le cifre finali del numero sono sempre cinque: aggiungi gli zeri iniziali "
                    "(per esempio %(example)s)."
                ),
                code="unpadded",
                params={"example": EXAMPLE},
            )
        raise forms.ValidationError(
            _(
                "Questo non è un numero di bollino. Il numero ha la forma %(example)s: le "
                "lettere BB, l'anno di rilascio e cinque cifre, separati da trattini."
            ),
            code="invalid",
            params={"example": EXAMPLE},
        )
