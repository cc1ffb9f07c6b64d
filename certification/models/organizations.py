"""Contact centers: the organization, its sites, its people, and how colleagues join."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.it import codicefiscale, iva

from .geo import Provincia, Regione

cap_validator = RegexValidator(r"^\d{5}$", _("Il CAP è formato da 5 cifre."))


def validate_partita_iva(value: str) -> None:
    if not iva.is_valid(value):
        raise ValidationError(
            _("La partita IVA non è valida: controlla le 11 cifre."), code="invalid_partita_iva"
        )


def validate_codice_fiscale(value: str) -> None:
    # A company's codice fiscale is usually its partita IVA (11 digits); a sole trader's is
    # the 16-character personal code.
    if not (iva.is_valid(value) or codicefiscale.is_valid(value)):
        raise ValidationError(_("Il codice fiscale non è valido."), code="invalid_codice_fiscale")


class Sector(models.Model):
    """A market sector a contact center works for (energy, telecoms…): data, not free text."""

    slug = models.SlugField(_("codice"), max_length=40, primary_key=True)
    name = models.CharField(_("nome"), max_length=80)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("settore")
        verbose_name_plural = _("settori")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    legal_name = models.CharField(_("ragione sociale"), max_length=200)
    partita_iva = models.CharField(
        _("partita IVA"), max_length=11, unique=True, validators=[validate_partita_iva]
    )
    codice_fiscale = models.CharField(
        _("codice fiscale"), max_length=16, validators=[validate_codice_fiscale]
    )
    pec = models.EmailField(_("indirizzo PEC"))
    street = models.CharField(_("indirizzo"), max_length=200)
    cap = models.CharField(_("CAP"), max_length=5, validators=[cap_validator])
    comune = models.CharField(_("comune"), max_length=100)
    provincia = models.ForeignKey(
        Provincia, verbose_name=_("provincia"), on_delete=models.PROTECT, related_name="+"
    )
    website = models.URLField(_("sito web"), blank=True)
    operators_count = models.PositiveIntegerField(_("numero di operatori"))
    inbound = models.BooleanField(_("servizi inbound"), default=False)
    outbound = models.BooleanField(_("servizi outbound"), default=False)
    sectors = models.ManyToManyField(Sector, verbose_name=_("settori serviti"), blank=True)
    assocontact_member = models.BooleanField(_("associata ad Assocontact"), default=False)
    created_at = models.DateTimeField(_("registrata il"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The registry's search: name, partita IVA and comuni (of the seat and of the sites), lower
    # case and without accents, kept by services.registry.refresh_search_text(). On PostgreSQL a
    # trigger (migration 0012) keeps search_vector = to_tsvector('italian', search_text), and
    # GIN indexes serve full-text and trigram (typo-tolerant) search.
    search_text = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(null=True, editable=False)
    # When the current (active or suspended) seal was issued; null when the firm has none, so
    # not in the public registry. On PostgreSQL triggers (migration 0014) keep it: whatever
    # Django writes here is replaced by the value computed from the seals. The registry's
    # partial indexes below hold only listed firms, so a page at any depth and the count are
    # read from the organization table alone.
    registry_since = models.DateTimeField(_("nel registro dal"), null=True, editable=False)

    class Meta:
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
        ordering = ["legal_name", "id"]
        indexes = [
            models.Index(fields=["legal_name", "id"], name="org_legal_name_id"),
            models.Index(
                fields=["legal_name", "id"],
                include=["provincia"],
                condition=Q(registry_since__isnull=False),
                name="org_registry_by_name",
            ),
            models.Index(
                fields=["comune", "legal_name", "id"],
                condition=Q(registry_since__isnull=False),
                name="org_registry_by_comune",
            ),
            # The region filter: its firms are counted and sorted from their provinces' ranges
            # rather than from a walk of the whole registry by name.
            models.Index(
                fields=["provincia", "legal_name", "id"],
                condition=Q(registry_since__isnull=False),
                name="org_registry_by_provincia",
            ),
            models.Index(
                fields=["-registry_since", "id"],
                condition=Q(registry_since__isnull=False),
                name="org_registry_by_recent",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="organization_partita_iva_11_digits",
                condition=Q(partita_iva__regex=r"^[0-9]{11}$"),
                violation_error_message=_("La partita IVA è formata da 11 cifre."),
            ),
            models.CheckConstraint(
                name="organization_cap_5_digits", condition=Q(cap__regex=r"^[0-9]{5}$")
            ),
            models.CheckConstraint(
                name="organization_offers_a_service",
                condition=Q(inbound=True) | Q(outbound=True),
                violation_error_message=_("Indica almeno un servizio: inbound o outbound."),
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def regione(self) -> str:
        return Regione(self.provincia.regione).label


class RegistryGeneration(models.Model):
    """One row whose value PostgreSQL raises, in the same transaction, with every change the
    public registry shows or searches, in its pages, on a firm's page and on the home page: the
    firm's public data, sites and sectors, a seal issued or its status, validity, score or
    history changed, a report's outcome, a code version published (statement triggers,
    migration 0017). The
    registry's cached counts and pages are keyed by it, so they are never stale."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("generazione del registro")
        verbose_name_plural = _("generazioni del registro")
        constraints = [
            models.CheckConstraint(name="registry_generation_one_row", condition=Q(id=1))
        ]

    def __str__(self) -> str:
        return str(self.value)


class RegistryEntry(models.Model):
    """A firm of the public registry as its text search reads it: the firm, its province, its
    search_vector and `name_rank`, an integer in the order of (legal_name, id). A search for a
    common word ("customer": 12,500 firms) reads a fifth of the pages the organization table
    would take and sorts on an integer instead of names that share their first words.

    Written only by PostgreSQL (migration 0021): a row for every firm with registry_since, kept
    in step with the firm's name, province and search_vector in the same transaction. SQLite
    leaves the table empty; services.registry does not read it there."""

    organization = models.OneToOneField(
        Organization,
        primary_key=True,
        # The trigger that deletes the firm deletes its entry: nothing for Django to collect.
        on_delete=models.DO_NOTHING,
        related_name="registry_entry",
        verbose_name=_("organizzazione"),
    )
    # The firm's name when its rank was given: ranks follow these names, which the trigger
    # brings in line with the firm's, so a statement renaming many firms never ranks one
    # against another's new name and old rank.
    legal_name = models.CharField(_("ragione sociale"), max_length=200)
    name_rank = models.BigIntegerField(_("posizione nell'ordine dei nomi"))
    provincia = models.ForeignKey(
        Provincia,
        verbose_name=_("provincia"),
        on_delete=models.DO_NOTHING,
        related_name="+",
        # Only ever a filter beside the text search, never looked up by itself.
        db_index=False,
    )
    # The firm's search_vector without the words' positions: searches match words, not phrases.
    search_vector = SearchVectorField(null=True)

    class Meta:
        verbose_name = _("voce del registro")
        verbose_name_plural = _("voci del registro")
        indexes = [
            models.Index(fields=["legal_name", "organization"], name="registryentry_by_name")
        ]
        constraints = [
            # Deferred: renumbering every entry passes through values another still holds.
            models.UniqueConstraint(
                fields=["name_rank"],
                name="registryentry_name_rank_unique",
                deferrable=models.Deferrable.DEFERRED,
            )
        ]

    def __str__(self) -> str:
        return str(self.organization_id)


class SearchWord(models.Model):
    """A word of some firm's search text: the dictionary a misspelt word of a registry search
    is matched against (services.registry). On PostgreSQL a trigger adds the words of every
    new or changed search text (migration 0016); a word no firm uses any more matches nothing,
    so none is ever removed."""

    word = models.CharField(_("parola"), max_length=60, primary_key=True)

    class Meta:
        verbose_name = _("parola del registro")
        verbose_name_plural = _("parole del registro")
        constraints = [
            # As search texts are normalized: 3 to 60 lower-case letters and digits, a letter
            # among them (numbers are matched exactly, never kept).
            models.CheckConstraint(
                name="searchword_normalized",
                condition=Q(word__regex=r"^(?=[0-9a-z]{3,60}$)[0-9]*[a-z][0-9a-z]*$"),
            )
        ]

    def __str__(self) -> str:
        return self.word


class OperationalSite(models.Model):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="sites",
        verbose_name=_("organizzazione"),
    )
    name = models.CharField(_("nome della sede"), max_length=120, blank=True)
    street = models.CharField(_("indirizzo"), max_length=200, blank=True)
    comune = models.CharField(_("comune"), max_length=100)
    provincia = models.ForeignKey(
        Provincia, verbose_name=_("provincia"), on_delete=models.PROTECT, related_name="+"
    )
    seats = models.PositiveIntegerField(_("postazioni"))

    class Meta:
        verbose_name = _("sede operativa")
        verbose_name_plural = _("sedi operative")
        ordering = ["organization", "comune", "id"]
        constraints = [
            models.CheckConstraint(
                name="site_has_seats",
                condition=Q(seats__gt=0),
                violation_error_message=_("Una sede ha almeno una postazione."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.comune} ({self.provincia_id})"


class JoinRequest(models.Model):
    """A user asks to join an organization already registered; one of its members decides."""

    class Status(models.TextChoices):
        PENDING = "in_attesa", _("In attesa")
        APPROVED = "accolta", _("Accolta")
        REJECTED = "respinta", _("Respinta")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    message = models.TextField(_("messaggio"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("richiesta di adesione")
        verbose_name_plural = _("richieste di adesione")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(status="in_attesa"),
                name="joinrequest_one_pending_per_user_and_org",
            ),
            models.CheckConstraint(
                name="joinrequest_status_valid",
                condition=Q(status__in=["in_attesa", "accolta", "respinta"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organization}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A member invites a colleague by e-mail; the link lets them join the organization."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("indirizzo e-mail"))
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invito")
        verbose_name_plural = _("inviti")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="invitation_expires_after_creation",
                condition=Q(expires_at__gt=models.F("created_at")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
