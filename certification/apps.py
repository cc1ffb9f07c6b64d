from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certificazione")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        import oic_portal.security  # noqa: F401  (connects the login and logout loggers)
        from certification.reference_data import ensure_reference_data
        from certification.roles import sync_role_groups
        from certification.services.checklists import checklist_copy
        from codice.services import DRAFT_COPIERS

        if checklist_copy not in DRAFT_COPIERS:
            DRAFT_COPIERS.append(checklist_copy)

        # Not limited to this app: the permissions of apps migrated after this one (codice)
        # exist only once their own post_migrate has run.
        post_migrate.connect(sync_role_groups, dispatch_uid="certification.sync_role_groups")
        post_migrate.connect(
            ensure_reference_data, sender=self, dispatch_uid="certification.reference_data"
        )
