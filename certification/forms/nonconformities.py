"""Forms of the nonconformity pages: raise (auditor), answer (applicant), review (auditor).

The services check every rule again under the application's lock; the forms say them first,
in words, next to the field concerned.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certification.models import ChecklistItem, Nonconformity

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ChecklistItem) -> str:
        return f"{obj.code} — {obj.question}"


class NonconformityRaiseForm(forms.Form):
    item = ItemChoiceField(
        label=_("Voce della lista di controllo"),
        queryset=ChecklistItem.objects.none(),
        empty_label=_("Scegli la voce"),
        error_messages={
            "required": _("Scegli la voce su cui sollevare la non conformità."),
            "invalid_choice": _("Scegli una voce sotto il punteggio pieno dall'elenco."),
        },
    )
    severity = forms.ChoiceField(
        label=_("Gravità"),
        choices=Nonconformity.Severity.choices,
        error_messages={
            "required": _("Indica la gravità."),
            "invalid_choice": _("Scegli «minore» o «maggiore»."),
        },
    )
    description = forms.CharField(
        label=_("Descrizione"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Descrivi la non conformità.")},
    )

    def __init__(self, *args, items: list[ChecklistItem], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ChecklistItem.objects.filter(
            pk__in=[i.pk for i in items]
        ).order_by("section__order", "order", "id")


class NonconformityAnswerForm(forms.Form):
    corrective_action = forms.CharField(
        label=_("Azione correttiva"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Descrivi l'azione correttiva.")},
    )
    corrective_due_date = forms.DateField(
        label=_("Entro il"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=DATE_INPUT_FORMATS,
        error_messages={
            "required": _("Indica entro quando completerete l'azione correttiva."),
            "invalid": _("Indica una data valida, per esempio 30/06/2026."),
        },
    )

    def clean_corrective_due_date(self):
        value = self.cleaned_data["corrective_due_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("La data non può essere nel passato."))
        return value


class NonconformityReviewForm(forms.Form):
    ACCEPT, REJECT = "accetta", "respingi"

    verdict = forms.ChoiceField(
        label=_("Esito"),
        choices=[(ACCEPT, _("Accetta la risposta")), (REJECT, _("Respingi la risposta"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Scegli se accettare o respingere la risposta."),
            "invalid_choice": _("Scegli se accettare o respingere la risposta."),
        },
    )
    note = forms.CharField(
        label=_("Nota (obbligatoria se respingi)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("verdict") == self.REJECT and not (data.get("note") or "").strip():
            self.add_error("note", _("Spiega perché la risposta è respinta."))
        return data

    @property
    def accept(self) -> bool:
        return self.cleaned_data["verdict"] == self.ACCEPT
