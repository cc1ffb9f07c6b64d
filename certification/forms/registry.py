"""The registry's query string (`q`, `regione`, `settore`, `servizio`, `versione`, `ordina`,
`pagina`: PRODUCT §9), validated the same way for the page and the open-data exports."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from certification.models import Regione, Sector
from certification.services.registry import (
    RELEVANCE,
    RegistryQuery,
    registry_versions,
    version_number,
)

FILTERS = ("q", "regione", "settore", "servizio", "versione", "ordina")
CHOICES_CACHE_KEY = "registry-form-choices"


def registry_choices() -> tuple[list[tuple[str, str]], list[str]]:
    """The sectors (slug, name) and the code versions firms in the registry hold: read by every
    page of the registry and changed a few times a year, so kept in the cache for
    REGISTRY_CHOICES_SECONDS."""
    choices = cache.get(CHOICES_CACHE_KEY)
    if choices is None:
        choices = (
            list(Sector.objects.order_by("order", "name").values_list("slug", "name")),
            registry_versions(),
        )
        cache.set(CHOICES_CACHE_KEY, choices, settings.REGISTRY_CHOICES_SECONDS)
    return choices


class VersionField(forms.ChoiceField):
    """A code version number, also typed as "2" for "2.0"."""

    def to_python(self, value) -> str:
        return version_number(super().to_python(value))


class RegistryForm(forms.Form):
    q = forms.CharField(
        label=_("Cerca un'azienda"),
        help_text=_("Ragione sociale, partita IVA o comune di una sede."),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
        error_messages={
            "max_length": _("La ricerca è troppo lunga (al massimo %(limit_value)d caratteri).")
        },
    )
    regione = forms.ChoiceField(
        label=_("Regione"),
        required=False,
        choices=[("", _("Tutte le regioni")), *Regione.choices],
        error_messages={
            "invalid_choice": _("La regione indicata non esiste: il filtro non è stato applicato.")
        },
    )
    settore = forms.ChoiceField(
        label=_("Settore"),
        required=False,
        error_messages={
            "invalid_choice": _("Il settore indicato non esiste: il filtro non è stato applicato.")
        },
    )
    servizio = forms.ChoiceField(
        label=_("Servizio"),
        required=False,
        choices=[("", _("Inbound e outbound")), ("inbound", "Inbound"), ("outbound", "Outbound")],
        error_messages={
            "invalid_choice": _(
                "Il servizio indicato non esiste (inbound o outbound): il filtro non è stato "
                "applicato."
            )
        },
    )
    versione = VersionField(
        label=_("Versione del codice"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "Nessuna azienda del registro è certificata secondo la versione del codice "
                "indicata: il filtro non è stato applicato."
            )
        },
    )
    ordina = forms.ChoiceField(
        label=_("Ordina per"),
        required=False,
        choices=[
            (RELEVANCE, _("Pertinenza")),
            ("nome", _("Nome (A-Z)")),
            ("-nome", _("Nome (Z-A)")),
            ("comune", _("Comune")),
            ("recenti", _("Certificate più di recente")),
        ],
        error_messages={
            "invalid_choice": _(
                "L'ordinamento indicato non esiste: i risultati sono in ordine di pertinenza o "
                "di nome."
            )
        },
    )
    pagina = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": _("Il numero di pagina non è valido: ecco la prima pagina."),
            "min_value": _("Il numero di pagina non è valido: ecco la prima pagina."),
        },
    )

    def __init__(self, *args, for_export: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if for_export:
            # The exports hold every matching firm: a page number means nothing there.
            del self.fields["pagina"]
        sectors, versions = registry_choices()
        self.fields["settore"].choices = [("", _("Tutti i settori")), *sectors]
        self.fields["versione"].choices = [
            ("", _("Tutte le versioni")),
            *((number, _("Versione %(number)s") % {"number": number}) for number in versions),
        ]

    def cache_key(self, *names: str) -> str:
        """What the rendered fields `names` depend on besides the language: what was submitted
        for them."""
        return urlencode([(name, self.data.get(name, "")) for name in names])

    def registry_query(self) -> RegistryQuery:
        """The search these parameters ask for; a parameter that is not valid is left out."""
        self.is_valid()
        data = self.cleaned_data
        return RegistryQuery(
            q=data.get("q") or "",
            regione=data.get("regione") or "",
            settore=data.get("settore") or "",
            servizio=data.get("servizio") or "",
            versione=data.get("versione") or None,
            ordina=data.get("ordina") or RELEVANCE,
        )

    def page_number(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("pagina") or 1

    def filter_params(self) -> dict[str, str]:
        """The valid, non-empty filters, to carry into the links of other pages and exports."""
        self.is_valid()
        return {name: self.cleaned_data[name] for name in FILTERS if self.cleaned_data.get(name)}

    def problems(self) -> list[str]:
        """What was wrong with the parameters, one sentence each, for the top of the page."""
        self.is_valid()
        return [str(message) for errors in self.errors.values() for message in errors]
