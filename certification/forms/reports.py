"""Forms of the reports (segnalazioni): filing, the visitor's e-mail, the firm's answer and the
committee's triage."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certification.forms.applications import italian_number_e164
from certification.forms.organizations import normalize_partita_iva
from certification.models import Organization, Report
from certification.services.reports import ReportData, firms_with_current_seal

DESCRIPTION_MIN = 20
DESCRIPTION_MAX = 4000


def resolve_firm(text: str) -> Organization:
    """The firm with a current seal that `text` names: its partita IVA (as people type it) or
    its exact legal name. A text field, not a select: the registry may hold 100,000 firms."""
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(_("Indica l'azienda: la partita IVA o la ragione sociale."))
    if re.fullmatch(r"(IT)?[\d .\-]+", text, flags=re.IGNORECASE):
        partita_iva = normalize_partita_iva(text)
        firm = firms_with_current_seal().filter(partita_iva=partita_iva).first()
        if firm is None:
            raise ValidationError(
                _(
                    "Nessuna azienda con un Bollino Blu in corso ha la partita IVA %(piva)s: "
                    "si possono segnalare solo le aziende certificate del registro."
                )
                % {"piva": partita_iva}
            )
        return firm
    matches = list(firms_with_current_seal().filter(legal_name__iexact=text)[:2])
    if not matches:
        raise ValidationError(
            _(
                "Nessuna azienda con un Bollino Blu in corso si chiama «%(name)s». Scrivi la "
                "ragione sociale esatta, come nel registro, oppure la partita IVA."
            )
            % {"name": text}
        )
    if len(matches) > 1:
        raise ValidationError(
            _("Più aziende certificate si chiamano «%(name)s»: indica la partita IVA.")
            % {"name": text}
        )
    return matches[0]


class ReportForm(forms.Form):
    """The report itself. `member`: an association member files for a consumer and may give
    the consumer's e-mail; a visitor's address is the one confirmed, not a field."""

    azienda = forms.CharField(
        label=_("Azienda segnalata"),
        max_length=200,
        help_text=_(
            "La partita IVA (11 cifre) o la ragione sociale esatta di un'azienda del registro "
            "dei contact center certificati."
        ),
        error_messages={"required": _("Indica l'azienda: la partita IVA o la ragione sociale.")},
    )
    category = forms.ChoiceField(
        label=_("Che cosa è successo"),
        choices=[("", _("Scegli una categoria")), *Report.Category.choices],
        error_messages={
            "required": _("Scegli la categoria della segnalazione."),
            "invalid_choice": _("Scegli la categoria dall'elenco."),
        },
    )
    call_date = forms.DateField(
        label=_("Giorno della chiamata"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": _("Indica il giorno della chiamata."),
            "invalid": _("Indica un giorno valido, per esempio 15/03/2026."),
        },
    )
    call_time = forms.TimeField(
        label=_("Ora della chiamata"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        error_messages={
            "required": _("Indica l'ora della chiamata, anche approssimativa."),
            "invalid": _("Indica un'ora valida, per esempio 20:45."),
        },
    )
    calling_number = forms.CharField(
        label=_("Numero che ha chiamato (facoltativo)"),
        max_length=40,
        required=False,
        help_text=_(
            "Come compare sul telefono, per esempio 02 1234 5678. Lascia vuoto se era nascosto."
        ),
    )
    description = forms.CharField(
        label=_("Descrizione della chiamata"),
        min_length=DESCRIPTION_MIN,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Chi ha chiamato, per conto di chi, che cosa proponeva, che cosa è successo. "
            "Non scrivere dati personali di altre persone."
        ),
        error_messages={
            "required": _("Descrivi la chiamata."),
            "min_length": _(
                "Descrivi la chiamata in almeno %(limit_value)d caratteri "
                "(ora sono %(show_value)d)."
            ),
            "max_length": _(
                "La descrizione può essere lunga al massimo %(limit_value)d caratteri "
                "(ora sono %(show_value)d)."
            ),
        },
    )
    reporter_name = forms.CharField(label=_("Nome e cognome"), max_length=120, required=False)
    reporter_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        error_messages={"invalid": _("Indica un indirizzo e-mail valido.")},
    )
    reporter_phone = forms.CharField(label=_("Telefono"), max_length=40, required=False)

    def __init__(self, *args, member: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.member = member
        self.firm: Organization | None = None
        today = timezone.localdate()
        self.fields["call_date"].widget.attrs.update(
            {
                "max": today.isoformat(),
                "min": (
                    today - datetime.timedelta(days=settings.REPORT_MAX_CALL_AGE_DAYS)
                ).isoformat(),
            }
        )
        if member:
            self.fields["reporter_name"].label = _("Nome e cognome del consumatore (facoltativo)")
            self.fields["reporter_email"].label = _("E-mail del consumatore (facoltativa)")
            self.fields["reporter_phone"].label = _("Telefono del consumatore (facoltativo)")
        else:
            del self.fields["reporter_email"]
            self.fields["reporter_name"].label = _("Il tuo nome e cognome (facoltativo)")
            self.fields["reporter_phone"].label = _("Il tuo telefono (facoltativo)")

    def clean_azienda(self) -> str:
        self.firm = resolve_firm(self.cleaned_data["azienda"])
        return self.cleaned_data["azienda"]

    def clean_calling_number(self) -> str:
        raw = self.cleaned_data["calling_number"].strip()
        return italian_number_e164(raw) if raw else ""

    def clean_reporter_phone(self) -> str:
        raw = self.cleaned_data["reporter_phone"].strip()
        return italian_number_e164(raw) if raw else ""

    def clean(self) -> dict:
        cleaned = super().clean()
        day, hour = cleaned.get("call_date"), cleaned.get("call_time")
        if day is None or hour is None:
            return cleaned
        now = timezone.localtime()
        oldest = now.date() - datetime.timedelta(days=settings.REPORT_MAX_CALL_AGE_DAYS)
        # The day is checked before it is combined: a year like 0001 would overflow in UTC.
        if day > now.date():
            self.add_error("call_date", _("La chiamata non può essere in una data futura."))
            return cleaned
        if day < oldest:
            self.add_error(
                "call_date",
                _("Si possono segnalare le chiamate degli ultimi %(days)d giorni.")
                % {"days": settings.REPORT_MAX_CALL_AGE_DAYS},
            )
            return cleaned
        call_at = timezone.make_aware(datetime.datetime.combine(day, hour.replace(second=0)))
        if call_at > now:
            self.add_error("call_time", _("L'ora della chiamata non può essere nel futuro."))
            return cleaned
        cleaned["call_at"] = call_at
        return cleaned

    def report_data(self) -> ReportData:
        data = self.cleaned_data
        return ReportData(
            organization=self.firm,
            category=data["category"],
            call_at=data["call_at"],
            calling_number=data["calling_number"],
            description=data["description"],
            reporter_name=data["reporter_name"].strip(),
            reporter_email=(data.get("reporter_email") or "").lower(),
            reporter_phone=data["reporter_phone"],
        )


def prefill_text(value, max_length: int) -> str:
    """A firm or number the report form is opened with (from a link, then a hidden field):
    spaces collapsed, NUL characters (which the database refuses) dropped, cut to length."""
    return " ".join(str(value or "").replace("\x00", "").split())[:max_length]


class PrefillField(forms.CharField):
    """A hidden pre-filled value: the visitor cannot see or fix it, so what does not fit is
    dropped rather than refused with an error nobody would see."""

    def clean(self, value) -> str:
        return prefill_text(value, self.max_length)


class VisitorEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Il tuo indirizzo e-mail"),
        max_length=254,
        help_text=_(
            "Ti mandiamo un collegamento per confermarlo: con quello apri il modulo della "
            "segnalazione."
        ),
        error_messages={
            "required": _("Indica il tuo indirizzo e-mail."),
            "invalid": _("Indica un indirizzo e-mail valido, per esempio nome@esempio.it."),
        },
    )
    # The pre-filled firm and number travel in the confirmation link.
    azienda = PrefillField(required=False, max_length=200, widget=forms.HiddenInput)
    numero = PrefillField(required=False, max_length=40, widget=forms.HiddenInput)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("La risposta dell'azienda"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Che cosa risulta dai vostri registri su questa chiamata e che cosa avete fatto. "
            "La risposta è letta dal comitato e da chi ha segnalato."
        ),
        error_messages={
            "required": _("Scrivi la risposta dell'azienda."),
            "max_length": _(
                "La risposta può essere lunga al massimo %(limit_value)d caratteri "
                "(ora sono %(show_value)d)."
            ),
        },
    )


class ForwardForm(forms.Form):
    note = forms.CharField(
        label=_("Nota interna (facoltativa)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Esito"),
        widget=forms.RadioSelect,
        choices=Report.Outcome.choices,
        error_messages={
            "required": _("Scegli l'esito: fondata o infondata."),
            "invalid_choice": _("In questo stato la segnalazione non può avere questo esito."),
        },
    )
    note = forms.CharField(
        label=_("Nota di chiusura (interna al comitato)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Scrivi la nota di chiusura: perché la chiudete così.")},
    )

    def __init__(self, *args, outcomes: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            (value, label) for value, label in Report.Outcome.choices if value in outcomes
        ]
        if outcomes == [Report.Outcome.UNFOUNDED]:
            self.fields["outcome"].initial = Report.Outcome.UNFOUNDED


class SuspensionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivazione della sospensione"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Resta nello storico del bollino. Il pubblico legge solo il motivo: "
            "«Segnalazioni fondate dei consumatori»."
        ),
        error_messages={"required": _("Scrivi la motivazione della sospensione.")},
    )


class TriageFilterForm(forms.Form):
    stato = forms.ChoiceField(
        label=_("Stato"),
        required=False,
        choices=[("", _("Tutti gli stati")), *Report.Status.choices],
    )
    categoria = forms.ChoiceField(
        label=_("Categoria"),
        required=False,
        choices=[("", _("Tutte le categorie")), *Report.Category.choices],
    )
    azienda = forms.CharField(
        label=_("Azienda (nome o partita IVA)"), required=False, max_length=200
    )

    def apply(self, reports):
        if not self.is_valid():
            return reports
        data = self.cleaned_data
        if data["stato"]:
            reports = reports.filter(status=data["stato"])
        if data["categoria"]:
            reports = reports.filter(category=data["categoria"])
        firm = " ".join(data["azienda"].split())
        if firm:
            digits = re.sub(r"[^0-9]", "", firm)
            if len(digits) == 11:
                reports = reports.filter(organization__partita_iva=digits)
            else:
                reports = reports.filter(organization__legal_name__icontains=firm)
        return reports

    def query(self) -> str:
        """The filters as a query string, for the pagination links."""
        from urllib.parse import urlencode

        if not self.is_valid():
            return ""
        return urlencode({k: v for k, v in self.cleaned_data.items() if v})


class StatusFilterForm(forms.Form):
    stato = forms.ChoiceField(
        label=_("Stato"),
        required=False,
        choices=[("", _("Tutti gli stati")), *Report.Status.choices],
    )

    def apply(self, reports):
        if self.is_valid() and self.cleaned_data["stato"]:
            return reports.filter(status=self.cleaned_data["stato"])
        return reports
