"""Forms of the seal pages: the committee's register filters and lifecycle actions."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certification.models import Seal
from certification.services.seals import REVOCATION_REASONS, SUSPENSION_REASONS

REASON_REQUIRED = _("Scrivi la motivazione (resta nello storico interno).")
CATEGORY_REQUIRED = _("Scegli il motivo pubblico tra quelli proposti.")


def _reason_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=4000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": REASON_REQUIRED},
    )


def _category_field(reasons) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Motivo pubblico (visibile nella pagina di verifica)"),
        choices=[("", _("— scegli —"))] + [(r.value, r.label) for r in reasons],
        error_messages={"required": CATEGORY_REQUIRED, "invalid_choice": CATEGORY_REQUIRED},
    )


class SealFilterForm(forms.Form):
    """The register's search and filters; a bad value is ignored with a message, never a 500."""

    q = forms.CharField(label=_("Numero o azienda"), required=False, max_length=100)
    stato = forms.ChoiceField(
        label=_("Stato"),
        required=False,
        choices=[("", _("Tutti gli stati"))] + Seal.Status.choices,
    )
    certificato = forms.ChoiceField(
        label=_("Certificato"),
        required=False,
        choices=[("", _("Tutti"))] + Seal.PdfStatus.choices,
    )

    def filter(self, seals):
        if not self.is_valid():
            return seals
        data = self.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            seals = seals.filter(
                Q(number__icontains=q)
                | Q(organization__legal_name__icontains=q)
                | Q(organization__partita_iva=q)
            )
        if data["stato"]:
            seals = seals.filter(status=data["stato"])
        if data["certificato"]:
            seals = seals.filter(pdf_status=data["certificato"])
        return seals


class SuspendForm(forms.Form):
    prefix = "sospensione"
    reason = _reason_field(_("Motivazione della sospensione"))
    public_reason = _category_field(SUSPENSION_REASONS)


class ReinstateForm(forms.Form):
    prefix = "riattivazione"
    reason = _reason_field(_("Motivazione della riattivazione"))


class RevokeForm(forms.Form):
    prefix = "revoca"
    reason = _reason_field(_("Motivazione della revoca"))
    public_reason = _category_field(REVOCATION_REASONS)


class ScorePublishedForm(forms.Form):
    published = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
    )


class RerenderAllForm(forms.Form):
    prefix = "rigenerazione"
    note = forms.CharField(
        label=_("Motivo (facoltativo)"),
        required=False,
        max_length=200,
        help_text=_("Per esempio: nuovo modello del certificato."),
    )
