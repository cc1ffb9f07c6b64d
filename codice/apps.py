from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodiceConfig(AppConfig):
    name = "codice"
    verbose_name = _("Codice di autoregolamentazione")
