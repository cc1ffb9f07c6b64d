"""Seals (bollini), their numbering, status history, certificate PDFs and renewal reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import connection, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from codice.models import AppendOnlyModel, CodeVersion

from .applications import Application
from .organizations import Organization

SEAL_NUMBER_PATTERN = r"^BB-[0-9]{4}-[0-9]{5}$"


class SealCounter(models.Model):
    """The last sequence number given in a year. The row is bumped with one UPSERT inside the
    approval's transaction, so concurrent approvals queue on its row lock and a rolled-back
    approval gives its number back: no gaps, no duplicates."""

    year = models.PositiveSmallIntegerField(_("anno"), primary_key=True)
    last_sequence = models.PositiveIntegerField(_("ultimo progressivo"), default=0)

    class Meta:
        verbose_name = _("contatore dei bollini")
        verbose_name_plural = _("contatori dei bollini")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_sequence}"

    @classmethod
    def next_sequence(cls, year: int) -> int:
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (year, last_sequence) VALUES (%s, 1) "  # noqa: S608
                f"ON CONFLICT (year) DO UPDATE SET last_sequence = {table}.last_sequence + 1 "
                "RETURNING last_sequence",
                [year],
            )
            return cursor.fetchone()[0]


class CertificateBatch(models.Model):
    """A bulk re-render of certificates asked by the committee (after a template change)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("richiesta il"), auto_now_add=True)
    total = models.PositiveIntegerField(_("certificati da rigenerare"))
    note = models.CharField(_("motivo"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("rigenerazione dei certificati")
        verbose_name_plural = _("rigenerazioni dei certificati")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} ({self.total})"


class SealQuerySet(models.QuerySet):
    def current(self) -> SealQuerySet:
        """Seals that still stand: active or suspended."""
        return self.filter(status__in=Seal.CURRENT_STATUSES)


class Seal(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "attivo", _("Attivo")
        SUSPENDED = "sospeso", _("Sospeso")
        REVOKED = "revocato", _("Revocato")
        EXPIRED = "scaduto", _("Scaduto")

    class PublicReason(models.TextChoices):
        """Why a seal is not active, as the public reads it on the verification page."""

        NONCONFORMITY = "non_conformita", _("Non conformità al codice accertata")
        REPORTS = "segnalazioni", _("Segnalazioni fondate dei consumatori")
        AUDIT_REFUSED = "verifica_impedita", _("Verifica di sorveglianza non consentita")
        FIRM_REQUEST = "richiesta_azienda", _("Su richiesta dell'azienda")
        CEASED = "cessata_attivita", _("Cessazione dell'attività")
        RESOLVED = "rientrato", _("Cause della sospensione rimosse")
        EXPIRY = "scadenza", _("Fine del periodo di validità")
        RENEWED = "rinnovato", _("Sostituito dal bollino del rinnovo")
        OTHER = "altro", _("Altro motivo")

    class PdfStatus(models.TextChoices):
        PENDING = "in_attesa", _("In preparazione")
        READY = "pronto", _("Pronto")
        FAILED = "errore", _("Non riuscito")

    CURRENT_STATUSES = (Status.ACTIVE, Status.SUSPENDED)
    # Bootstrap Italia colour of each status (green, orange, red, grey): the public pages'
    # alerts and badges, and the staff pages' badges (seals/_status.html, the register).
    STATUS_TONES = {
        Status.ACTIVE: "success",
        Status.SUSPENDED: "warning",
        Status.REVOKED: "danger",
        Status.EXPIRED: "secondary",
    }
    PDF_BADGES = {PdfStatus.READY: "bg-success", PdfStatus.FAILED: "bg-danger"}

    number = models.CharField(_("numero"), max_length=13, unique=True)
    year = models.PositiveSmallIntegerField(_("anno"))
    sequence = models.PositiveIntegerField(_("progressivo"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="seals", verbose_name=_("azienda")
    )
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="seal", verbose_name=_("domanda")
    )
    code_version = models.ForeignKey(
        CodeVersion,
        on_delete=models.PROTECT,
        related_name="seals",
        verbose_name=_("versione del codice"),
    )
    score = models.DecimalField(_("punteggio"), max_digits=5, decimal_places=2, null=True)
    score_published = models.BooleanField(_("punteggio pubblicato"), default=False)
    issued_at = models.DateTimeField(_("rilasciato il"))
    valid_from = models.DateField(_("valido dal"))
    valid_until = models.DateField(_("valido fino al"))
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    status_changed_at = models.DateTimeField(_("stato cambiato il"))
    public_reason = models.CharField(
        _("motivo pubblico"), max_length=20, choices=PublicReason.choices, blank=True
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("rinnova il bollino"),
    )
    # The certificate. pdf_version grows each time a new rendering is asked for; a render task
    # stores the file of the current version once, and only once (CertificateFile is unique).
    pdf_status = models.CharField(
        _("stato del certificato"),
        max_length=10,
        choices=PdfStatus.choices,
        default=PdfStatus.PENDING,
    )
    pdf_version = models.PositiveIntegerField(_("versione del certificato"), default=1)
    pdf_rendered_version = models.PositiveIntegerField(default=0)
    pdf_file = models.CharField(_("file del certificato"), max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("impronta SHA-256"), max_length=64, blank=True)
    pdf_rendered_at = models.DateTimeField(_("certificato generato il"), null=True, blank=True)
    pdf_requested_at = models.DateTimeField(_("certificato richiesto il"), null=True, blank=True)
    pdf_attempts = models.PositiveSmallIntegerField(_("tentativi"), default=0)
    pdf_error = models.TextField(_("ultimo errore"), blank=True)
    pdf_batch = models.ForeignKey(
        CertificateBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seals",
    )

    objects = SealQuerySet.as_manager()

    class Meta:
        verbose_name = _("bollino")
        verbose_name_plural = _("bollini")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="seal_unique_year_sequence"),
            models.CheckConstraint(
                name="seal_number_format", condition=Q(number__regex=SEAL_NUMBER_PATTERN)
            ),
            models.CheckConstraint(
                name="seal_sequence_range", condition=Q(sequence__gte=1, sequence__lte=99999)
            ),
            models.CheckConstraint(
                name="seal_status_valid",
                condition=Q(status__in=["attivo", "sospeso", "revocato", "scaduto"]),
            ),
            models.CheckConstraint(
                name="seal_validity_order", condition=Q(valid_until__gt=F("valid_from"))
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(status__in=["attivo", "sospeso"]),
                name="seal_one_current_per_organization",
                violation_error_message=_("L'azienda ha già un bollino in corso."),
            ),
            models.CheckConstraint(
                name="seal_not_active_has_reason",
                condition=Q(status="attivo") | ~Q(public_reason=""),
            ),
            models.CheckConstraint(
                name="seal_pdf_status_valid",
                condition=Q(pdf_status__in=["in_attesa", "pronto", "errore"]),
            ),
            models.CheckConstraint(
                name="seal_pdf_ready_has_file",
                condition=~Q(pdf_status="pronto")
                | (
                    Q(pdf_rendered_version=F("pdf_version"))
                    & ~Q(pdf_file="")
                    & Q(pdf_sha256__regex=r"^[0-9a-f]{64}$")
                ),
            ),
            models.CheckConstraint(
                name="seal_does_not_renew_itself", condition=~Q(replaces=F("pk"))
            ),
            models.CheckConstraint(
                name="seal_pdf_rendered_not_ahead",
                condition=Q(pdf_rendered_version__lte=F("pdf_version")),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="seal_status_until_idx"),
            models.Index(fields=["pdf_status", "pdf_requested_at"], name="seal_pdf_status_idx"),
            # The registry's `versione` filter and its choices: the current seals of a version.
            models.Index(
                fields=["code_version"],
                condition=Q(status__in=["attivo", "sospeso"]),
                name="seal_current_by_version",
            ),
        ]

    @property
    def status_tone(self) -> str:
        return self.STATUS_TONES[self.status]

    @property
    def status_badge(self) -> str:
        tone = self.status_tone
        return "bg-warning text-dark" if tone == "warning" else f"bg-{tone}"

    @property
    def pdf_badge(self) -> str:
        return self.PDF_BADGES.get(self.pdf_status, "bg-light text-dark border")

    @property
    def pdf_error_shown(self) -> bool:
        """Whether the certificate's badge carries its error as a title: a failed rendering
        always, a pending one when an error was kept from an earlier attempt."""
        if self.pdf_status == self.PdfStatus.FAILED:
            return True
        return self.pdf_status != self.PdfStatus.READY and bool(self.pdf_error)

    def __str__(self) -> str:
        return self.number

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_current(self) -> bool:
        return self.status in self.CURRENT_STATUSES

    @property
    def certificate_available(self) -> bool:
        """The certificate is handed out only while the seal is active and its file is ready."""
        return self.is_active and self.pdf_status == self.PdfStatus.READY


class SealEvent(AppendOnlyModel):
    """Append-only status history. `reason` is the committee's own text; `public_reason` and
    the dates are what the verification page shows."""

    seal = models.ForeignKey(
        Seal, on_delete=models.PROTECT, related_name="events", verbose_name=_("bollino")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("autore"),
    )
    at = models.DateTimeField(_("quando"), auto_now_add=True)
    from_status = models.CharField(_("da"), max_length=10, blank=True)
    to_status = models.CharField(_("a"), max_length=10)
    public_reason = models.CharField(
        _("motivo pubblico"), max_length=20, choices=Seal.PublicReason.choices, blank=True
    )
    reason = models.TextField(_("motivazione interna"), blank=True)

    class Meta:
        verbose_name = _("evento del bollino")
        verbose_name_plural = _("storico dei bollini")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.seal_id}: {self.from_status} → {self.to_status}"

    @property
    def from_label(self) -> str:
        return Seal.Status(self.from_status).label if self.from_status else ""

    @property
    def to_label(self) -> str:
        return Seal.Status(self.to_status).label

    @property
    def public_reason_shown(self) -> str:
        """The reason the public reads for this change. A reinstatement stores no category;
        its public meaning is always that the causes of the suspension were removed."""
        if (
            not self.public_reason
            and self.from_status == Seal.Status.SUSPENDED
            and self.to_status == Seal.Status.ACTIVE
        ):
            return Seal.PublicReason.RESOLVED
        return self.public_reason

    @property
    def public_reason_shown_label(self) -> str:
        reason = self.public_reason_shown
        return Seal.PublicReason(reason).label if reason else ""


class CertificateFile(AppendOnlyModel):
    """One row per rendered certificate file: (seal, version) is unique, so a version is stored
    exactly once whatever happens to the worker that rendered it."""

    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="certificate_files")
    version = models.PositiveIntegerField(_("versione"))
    path = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(_("impronta SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("dimensione"))
    rendered_at = models.DateTimeField(_("generato il"), auto_now_add=True)
    render_ms = models.PositiveIntegerField(_("durata (ms)"))

    class Meta:
        verbose_name = _("file del certificato")
        verbose_name_plural = _("file dei certificati")
        ordering = ["seal", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["seal", "version"], name="certificatefile_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seal_id} v{self.version}"


class SealReminder(models.Model):
    """A renewal reminder sent for a seal: at most one of each kind, ever."""

    class Kind(models.IntegerChoices):
        DAYS_90 = 90, _("90 giorni prima della scadenza")
        DAYS_30 = 30, _("30 giorni prima della scadenza")

    seal = models.ForeignKey(Seal, on_delete=models.CASCADE, related_name="reminders")
    kind = models.PositiveSmallIntegerField(_("promemoria"), choices=Kind.choices)
    sent_at = models.DateTimeField(_("inviato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("promemoria di rinnovo")
        verbose_name_plural = _("promemoria di rinnovo")
        constraints = [
            models.UniqueConstraint(fields=["seal", "kind"], name="sealreminder_once_per_kind"),
            models.CheckConstraint(name="sealreminder_kind_valid", condition=Q(kind__in=[90, 30])),
        ]

    def __str__(self) -> str:
        return f"{self.seal_id}: {self.kind}"
