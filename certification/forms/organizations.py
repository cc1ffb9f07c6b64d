"""Forms of the organization pages: registering the firm with its first site, editing it, its
sites, asking to join a firm already registered, and inviting colleagues."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.it import iva

from certification.models import (
    OperationalSite,
    Organization,
    Provincia,
    Regione,
    Sector,
)

INBOUND = "inbound"
OUTBOUND = "outbound"
SERVICE_CHOICES = [
    (INBOUND, _("Inbound: assistenza e servizio clienti (chiamate ricevute)")),
    (OUTBOUND, _("Outbound: telemarketing e vendita (chiamate effettuate)")),
]


def normalize_partita_iva(value: str) -> str:
    """The 11 digits of a partita IVA typed with spaces, dots, dashes or an IT prefix, checked
    by its check digit; ValidationError with a message in words otherwise."""
    number = iva.compact((value or "").replace(".", ""))
    if not number.isdigit():
        raise ValidationError(
            _("La partita IVA è formata solo da cifre (eventualmente precedute da IT)."),
            code="invalid_partita_iva",
        )
    if len(number) != 11:
        raise ValidationError(
            _("La partita IVA è formata da 11 cifre: ne hai indicate %(count)d.")
            % {"count": len(number)},
            code="invalid_partita_iva",
        )
    if not iva.is_valid(number):
        raise ValidationError(
            _("La partita IVA non è valida: controlla le 11 cifre."), code="invalid_partita_iva"
        )
    return number


def provincia_choices() -> list:
    """Provinces grouped by their region, so the region shows beside each choice."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for provincia in Provincia.objects.order_by("name"):
        groups[provincia.regione].append((provincia.sigla, f"{provincia.name} ({provincia.sigla})"))
    regions = sorted(groups, key=lambda code: Regione(code).label)
    return [("", _("Scegli la provincia")), *[(Regione(r).label, groups[r]) for r in regions]]


def _provincia_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Provincia"),
        queryset=Provincia.objects.all(),
        help_text=_("La regione segue dalla provincia."),
        error_messages={"invalid_choice": _("Scegli una provincia dall'elenco.")},
    )


class OrganizationForm(forms.ModelForm):
    """The firm's data. Used to register it (with the partita IVA) and to edit it (without:
    the partita IVA identifies the firm and is changed only by OIC)."""

    partita_iva = forms.CharField(
        label=_("Partita IVA"),
        max_length=20,
        help_text=_("11 cifre; puoi scriverla anche con spazi o con il prefisso IT."),
    )
    codice_fiscale = forms.CharField(
        label=_("Codice fiscale"),
        max_length=20,
        required=False,
        help_text=_("Lascialo vuoto se coincide con la partita IVA."),
    )
    provincia = _provincia_field()
    website = forms.URLField(
        label=_("Sito web"), required=False, max_length=200, assume_scheme="https"
    )
    operators_count = forms.IntegerField(
        label=_("Numero di operatori"), min_value=1, max_value=1_000_000
    )
    services = forms.MultipleChoiceField(
        label=_("Servizi offerti"),
        choices=SERVICE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Indica almeno un servizio: inbound o outbound.")},
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Settori serviti"),
        queryset=Sector.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Indica almeno un settore servito.")},
    )

    class Meta:
        model = Organization
        fields = [
            "legal_name",
            "partita_iva",
            "codice_fiscale",
            "pec",
            "street",
            "cap",
            "comune",
            "provincia",
            "website",
            "operators_count",
            "sectors",
            "assocontact_member",
        ]
        labels = {
            "legal_name": _("Ragione sociale"),
            "pec": _("Indirizzo PEC"),
            "street": _("Indirizzo della sede legale"),
            "cap": _("CAP"),
            "comune": _("Comune"),
            "assocontact_member": _("L'azienda è associata ad Assocontact"),
        }
        help_texts = {"street": _("Via o piazza e numero civico.")}
        widgets = {
            "legal_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "cap": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
        }

    def __init__(self, *args, with_partita_iva: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Set when the partita IVA belongs to a registered organization: the page then offers
        # to ask to join it.
        self.duplicate: Organization | None = None
        if not with_partita_iva:
            del self.fields["partita_iva"]
        self.fields["provincia"].choices = provincia_choices()
        if self.instance.pk:
            self.initial["services"] = [
                s
                for s, on in ((INBOUND, self.instance.inbound), (OUTBOUND, self.instance.outbound))
                if on
            ]
            if self.instance.codice_fiscale == self.instance.partita_iva:
                self.initial["codice_fiscale"] = ""

    def clean_partita_iva(self) -> str:
        number = normalize_partita_iva(self.cleaned_data["partita_iva"])
        existing = Organization.objects.filter(partita_iva=number).exclude(pk=self.instance.pk)
        self.duplicate = existing.first()
        if self.duplicate is not None:
            raise ValidationError(
                _("Un'organizzazione con questa partita IVA è già registrata nel portale."),
                code="duplicate",
            )
        return number

    def clean_codice_fiscale(self) -> str:
        return "".join(self.cleaned_data["codice_fiscale"].split()).upper()

    def clean_legal_name(self) -> str:
        return " ".join(self.cleaned_data["legal_name"].split())

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("codice_fiscale"):
            partita_iva = cleaned.get("partita_iva") or self.instance.partita_iva
            if partita_iva:
                cleaned["codice_fiscale"] = partita_iva
            elif "codice_fiscale" not in self.errors:
                self.add_error("codice_fiscale", _("Indica il codice fiscale."))
        services = cleaned.get("services") or []
        self.instance.inbound = INBOUND in services
        self.instance.outbound = OUTBOUND in services
        return cleaned

    def organization_fields(self) -> dict:
        """The organization's own field values, for organization_register."""
        data = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name in self.fields and name != "sectors"
        }
        data["inbound"] = self.instance.inbound
        data["outbound"] = self.instance.outbound
        return data


class SiteForm(forms.ModelForm):
    provincia = _provincia_field()
    seats = forms.IntegerField(
        label=_("Postazioni"),
        min_value=1,
        max_value=1_000_000,
        help_text=_("Quante postazioni operatore ha la sede."),
        error_messages={"min_value": _("Una sede ha almeno una postazione.")},
    )

    class Meta:
        model = OperationalSite
        fields = ["name", "street", "comune", "provincia", "seats"]
        labels = {
            "name": _("Nome della sede (facoltativo)"),
            "street": _("Indirizzo (facoltativo)"),
            "comune": _("Comune"),
        }

    def __init__(self, *args, organization: Organization | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if organization is not None:
            self.instance.organization = organization
        self.fields["provincia"].choices = provincia_choices()

    def site_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class JoinRequestForm(forms.Form):
    partita_iva = forms.CharField(
        label=_("Partita IVA dell'organizzazione"),
        max_length=20,
        help_text=_("11 cifre; puoi scriverla anche con spazi o con il prefisso IT."),
    )
    message = forms.CharField(
        label=_("Messaggio per i colleghi (facoltativo)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Per esempio il tuo ruolo in azienda, perché ti riconoscano."),
    )

    def clean_partita_iva(self) -> str:
        number = normalize_partita_iva(self.cleaned_data["partita_iva"])
        self.organization = Organization.objects.filter(partita_iva=number).first()
        if self.organization is None:
            raise ValidationError(
                _(
                    "Nessuna organizzazione è registrata con questa partita IVA: puoi "
                    "registrarla tu con il modulo qui sopra."
                ),
                code="unknown",
            )
        return number


class JoinDecisionForm(forms.Form):
    APPROVE = "accogli"
    REJECT = "respingi"

    decision = forms.ChoiceField(choices=[(APPROVE, _("Accogli")), (REJECT, _("Respingi"))])


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Indirizzo e-mail del collega"),
        max_length=254,
        help_text=_("Riceverà un collegamento valido 7 giorni per entrare nell'organizzazione."),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
