from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certificazione")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from certification.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
