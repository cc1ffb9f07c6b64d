"""Italian regions and provinces: data, never free text."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Regione(models.TextChoices):
    ABRUZZO = "abruzzo", "Abruzzo"
    BASILICATA = "basilicata", "Basilicata"
    CALABRIA = "calabria", "Calabria"
    CAMPANIA = "campania", "Campania"
    EMILIA_ROMAGNA = "emilia-romagna", "Emilia-Romagna"
    FRIULI_VENEZIA_GIULIA = "friuli-venezia-giulia", "Friuli-Venezia Giulia"
    LAZIO = "lazio", "Lazio"
    LIGURIA = "liguria", "Liguria"
    LOMBARDIA = "lombardia", "Lombardia"
    MARCHE = "marche", "Marche"
    MOLISE = "molise", "Molise"
    PIEMONTE = "piemonte", "Piemonte"
    PUGLIA = "puglia", "Puglia"
    SARDEGNA = "sardegna", "Sardegna"
    SICILIA = "sicilia", "Sicilia"
    TOSCANA = "toscana", "Toscana"
    TRENTINO_ALTO_ADIGE = "trentino-alto-adige", "Trentino-Alto Adige/Südtirol"
    UMBRIA = "umbria", "Umbria"
    VALLE_D_AOSTA = "valle-d-aosta", "Valle d'Aosta/Vallée d'Aoste"
    VENETO = "veneto", "Veneto"


class Provincia(models.Model):
    """A province (or metropolitan city, or free consortium) with its two-letter code."""

    sigla = models.CharField(_("sigla"), max_length=2, primary_key=True)
    name = models.CharField(_("nome"), max_length=80, unique=True)
    regione = models.CharField(_("regione"), max_length=24, choices=Regione.choices)

    class Meta:
        verbose_name = _("provincia")
        verbose_name_plural = _("province")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="provincia_regione_valid", condition=Q(regione__in=Regione.values)
            ),
            models.CheckConstraint(
                name="provincia_sigla_format", condition=Q(sigla__regex=r"^[A-Z]{2}$")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sigla})"
