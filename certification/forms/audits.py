"""Forms of the audit pages: the committee assigns auditors."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certification.models import User


class AuditorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


def _active_auditors():
    return User.objects.filter(role=User.Role.AUDITOR, is_active=True).order_by(
        "last_name", "first_name", "email"
    )


class AuditAssignForm(forms.Form):
    """A lead auditor, optionally a second one, and the date by which the audit is due.

    The service checks the same rules again under the application's lock; the form says them
    first, in words, next to the field concerned.
    """

    lead = AuditorChoiceField(
        label=_("Auditor capofila"),
        queryset=_active_auditors(),
        empty_label=_("Scegli l'auditor capofila"),
        error_messages={
            "required": _("Scegli l'auditor capofila."),
            "invalid_choice": _("Scegli un auditor attivo dall'elenco."),
        },
    )
    second = AuditorChoiceField(
        label=_("Secondo auditor (facoltativo)"),
        queryset=_active_auditors(),
        required=False,
        empty_label=_("Nessun secondo auditor"),
        error_messages={"invalid_choice": _("Scegli un auditor attivo dall'elenco.")},
    )
    due_date = forms.DateField(
        label=_("Scadenza dell'audit"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": _("Indica la data entro cui l'audit va concluso."),
            "invalid": _("Indica una data valida, per esempio 30/06/2026."),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A fresh queryset per form: the list of auditors changes while the site runs.
        self.fields["lead"].queryset = _active_auditors()
        self.fields["second"].queryset = _active_auditors()
        self.fields["due_date"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("La scadenza non può essere nel passato."))
        return due

    def clean(self) -> dict:
        cleaned = super().clean()
        lead, second = cleaned.get("lead"), cleaned.get("second")
        if lead is not None and second is not None and lead.pk == second.pk:
            self.add_error("second", _("Il secondo auditor deve essere una persona diversa."))
        return cleaned
