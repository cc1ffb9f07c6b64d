"""Forms of the requests for information: OIC asks, the applicant answers."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certification.models import Application, ChecklistItem, EvidenceFile


class ChecklistItemField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ChecklistItem) -> str:
        return f"{obj.code} – {obj.question}"


class InformationRequestForm(forms.Form):
    """What OIC asks for, by when, and which checklist items and documents it concerns.

    The service checks the same rules again under the application's lock."""

    message = forms.CharField(
        label=_("Che cosa chiedete al richiedente"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Scrivi che cosa chiedete al richiedente.")},
    )
    due_date = forms.DateField(
        label=_("Da inviare entro il"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": _("Indica la data entro cui inviare le integrazioni."),
            "invalid": _("Indica una data valida, per esempio 30/06/2026."),
        },
    )
    items = ChecklistItemField(
        label=_("Voci della lista di controllo interessate (facoltativo)"),
        queryset=ChecklistItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Scegli le voci dall'elenco di questa domanda.")},
    )
    document_kinds = forms.MultipleChoiceField(
        label=_("Documenti da caricare (facoltativo)"),
        choices=EvidenceFile.DocumentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Scegli i documenti dall'elenco.")},
    )

    def __init__(self, *args, application: Application, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = ChecklistItem.objects.filter(
            version_id=application.code_version_id
        ).order_by("section__order", "section__id", "order", "id")
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        self.fields["due_date"].widget.attrs["min"] = tomorrow.isoformat()

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due <= timezone.localdate():
            raise forms.ValidationError(_("La scadenza deve essere una data futura."))
        return due


class InformationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("La vostra risposta a OIC"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Spiegate che cosa avete integrato o modificato. Aggiornate prima l'autovalutazione "
            "e i documenti, poi inviate."
        ),
        error_messages={
            "required": _("Scrivi la risposta: spiega che cosa avete integrato o modificato.")
        },
    )
