from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Association(models.Model):
    """A consumer association that is a member of OIC."""

    name = models.CharField(_("nome"), max_length=200, unique=True)
    website = models.URLField(_("sito web"), blank=True)

    class Meta:
        verbose_name = _("associazione")
        verbose_name_plural = _("associazioni")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str):
        # E-mail addresses are stored lower-case (a CheckConstraint holds it); people type them
        # as they like.
        return self.get(email=(username or "").strip().lower())

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in. The e-mail address is the login; the role decides what they may do."""

    class Role(models.TextChoices):
        APPLICANT = "richiedente", _("Richiedente (contact center)")
        AUDITOR = "auditor", _("Auditor OIC")
        COMMITTEE = "comitato", _("Comitato di certificazione")
        ASSOCIATION = "associazione", _("Associazione di consumatori")
        ADMIN = "admin", _("Amministratore")

    username = None
    email = models.EmailField(_("indirizzo e-mail"), unique=True)
    role = models.CharField(_("ruolo"), max_length=20, choices=Role.choices, default=Role.APPLICANT)
    association = models.ForeignKey(
        Association,
        verbose_name=_("associazione"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )

    organization = models.ForeignKey(
        "certification.Organization",
        verbose_name=_("organizzazione"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )

    privacy_acknowledged_at = models.DateTimeField(
        _("presa visione dell'informativa privacy"), null=True, blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")
        constraints = [
            models.CheckConstraint(
                name="user_association_iff_association_member",
                condition=(Q(role="associazione") & Q(association__isnull=False))
                | (~Q(role="associazione") & Q(association__isnull=True)),
                violation_error_message=_(
                    "Un membro di associazione deve avere un'associazione, e solo lui."
                ),
            ),
            models.CheckConstraint(
                name="user_organization_only_for_applicants",
                condition=Q(organization__isnull=True) | Q(role="richiedente"),
                violation_error_message=_("Solo i richiedenti appartengono a un'organizzazione."),
            ),
            models.CheckConstraint(
                name="user_email_lowercase",
                condition=Q(email=Lower("email")),
            ),
            models.CheckConstraint(
                name="user_role_valid",
                condition=Q(
                    role__in=["richiedente", "auditor", "comitato", "associazione", "admin"]
                ),
            ),
        ]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.lower()
        super().save(*args, **kwargs)
        from certification.roles import assign_role_group

        assign_role_group(self)

    @property
    def is_committee(self) -> bool:
        return self.role == self.Role.COMMITTEE

    @property
    def is_auditor(self) -> bool:
        return self.role == self.Role.AUDITOR

    @property
    def is_applicant(self) -> bool:
        return self.role == self.Role.APPLICANT

    @property
    def is_association_member(self) -> bool:
        return self.role == self.Role.ASSOCIATION
