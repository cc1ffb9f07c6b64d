"""The committee's decision form: approve or reject, with a written reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from certification.models import Decision


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decisione"),
        choices=[
            (Decision.Outcome.APPROVED, _("Approva la domanda")),
            (Decision.Outcome.REJECTED, _("Respingi la domanda")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Scegli se approvare o respingere la domanda."),
            "invalid_choice": _("Scegli se approvare o respingere la domanda."),
        },
    )
    reason = forms.CharField(
        label=_("Motivazione"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Scrivi la motivazione della decisione.")},
    )
