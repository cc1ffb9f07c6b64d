"""Applications for the seal: the application, its history, self-assessment, files,
declarations and declared calling numbers."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from codice.models import AppendOnlyModel, CodeVersion

from .checklists import ChecklistItem
from .organizations import Organization
from .storage import private_storage


class ApplicationQuerySet(models.QuerySet):
    def open(self) -> ApplicationQuerySet:
        return self.exclude(status__in=Application.FINAL_STATUSES)

    def for_organization(self, organization: Organization) -> ApplicationQuerySet:
        return self.filter(organization=organization)


class Application(models.Model):
    class Kind(models.TextChoices):
        FIRST = "prima", _("Prima certificazione")
        RENEWAL = "rinnovo", _("Rinnovo")

    class Status(models.TextChoices):
        DRAFT = "bozza", _("Bozza")
        SUBMITTED = "inviata", _("Inviata")
        UNDER_REVIEW = "in_istruttoria", _("In istruttoria")
        INFO_REQUESTED = "integrazione_richiesta", _("Integrazione richiesta")
        IN_EVALUATION = "in_valutazione", _("In valutazione")
        EVALUATED = "valutata", _("Valutata")
        APPROVED = "approvata", _("Approvata")
        REJECTED = "respinta", _("Respinta")
        WITHDRAWN = "ritirata", _("Ritirata")

    FINAL_STATUSES = (Status.APPROVED, Status.REJECTED, Status.WITHDRAWN)

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("organizzazione"),
    )
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices, default=Kind.FIRST)
    code_version = models.ForeignKey(
        CodeVersion,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("versione del codice"),
    )
    status = models.CharField(
        _("stato"), max_length=24, choices=Status.choices, default=Status.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("domanda precedente"),
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("creata da"),
    )
    submitted_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    # Bootstrap classes of the status badge (templates/certification/applications/_status.html).
    STATUS_BADGES = {
        "approvata": "bg-success",
        "respinta": "bg-danger",
        "ritirata": "bg-secondary",
        "integrazione_richiesta": "bg-warning text-dark",
        "bozza": "bg-light text-dark border",
    }

    @property
    def status_badge(self) -> str:
        return self.STATUS_BADGES.get(self.status, "bg-primary")

    class Meta:
        verbose_name = _("domanda di certificazione")
        verbose_name_plural = _("domande di certificazione")
        ordering = ["-created_at", "-id"]
        # The committee's list, newest first, whole or by status.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="application_newest"),
            models.Index(fields=["status", "-created_at", "-id"], name="application_status_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                name="application_status_valid",
                condition=Q(
                    status__in=[
                        "bozza",
                        "inviata",
                        "in_istruttoria",
                        "integrazione_richiesta",
                        "in_valutazione",
                        "valutata",
                        "approvata",
                        "respinta",
                        "ritirata",
                    ]
                ),
            ),
            models.CheckConstraint(
                name="application_kind_valid", condition=Q(kind__in=["prima", "rinnovo"])
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=~Q(status__in=["approvata", "respinta", "ritirata"]),
                name="application_one_open_per_organization",
                violation_error_message=_("L'organizzazione ha già una domanda in corso."),
            ),
            models.CheckConstraint(
                name="application_submitted_has_date",
                condition=Q(status="bozza") | Q(status="ritirata") | Q(submitted_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES

    @property
    def applicant_can_edit(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.INFO_REQUESTED)


class ApplicationEvent(AppendOnlyModel):
    """Append-only history: one row per transition (and per notable step) of an application."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="events", verbose_name=_("domanda")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("autore"),
    )
    at = models.DateTimeField(_("quando"), auto_now_add=True)
    from_status = models.CharField(_("da"), max_length=24, blank=True)
    to_status = models.CharField(_("a"), max_length=24, blank=True)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        verbose_name = _("evento della domanda")
        verbose_name_plural = _("storico delle domande")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"

    @property
    def from_label(self) -> str:
        return Application.Status(self.from_status).label if self.from_status else ""

    @property
    def to_label(self) -> str:
        return Application.Status(self.to_status).label if self.to_status else ""


class SelfAssessmentAnswer(models.Model):
    class Answer(models.TextChoices):
        CONFORM = "conforme", _("Conforme")
        PARTIAL = "parziale", _("Parzialmente conforme")
        NOT_CONFORM = "non_conforme", _("Non conforme")
        NOT_APPLICABLE = "non_applicabile", _("Non applicabile")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="answers", verbose_name=_("domanda")
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="answers", verbose_name=_("voce")
    )
    answer = models.CharField(_("risposta"), max_length=16, choices=Answer.choices)
    comment = models.TextField(_("commento"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("risposta di autovalutazione")
        verbose_name_plural = _("risposte di autovalutazione")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "item"], name="answer_one_per_item_and_application"
            ),
            models.CheckConstraint(
                name="answer_value_valid",
                condition=Q(answer__in=["conforme", "parziale", "non_conforme", "non_applicabile"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.get_answer_display()}"

    def clean(self) -> None:
        if self.answer == self.Answer.NOT_APPLICABLE and self.item_id and not self.item.allows_na:
            raise ValidationError(
                {"answer": _("Questa voce non ammette la risposta «non applicabile».")}
            )


def evidence_upload_to(instance: EvidenceFile, filename: str) -> str:
    # The stored name is random; the name the person chose is kept in original_name only.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"evidenze/{instance.application_id}/{uuid.uuid4().hex}{suffix}"


class EvidenceFile(models.Model):
    class DocumentKind(models.TextChoices):
        VISURA = "visura", _("Visura camerale")
        PRIVACY = "privacy", _("Informativa privacy")
        SCRIPT = "script", _("Script delle chiamate")
        TRAINING = "formazione", _("Registro della formazione")
        OTHER = "altro", _("Altro documento")

    REQUIRED_DOCUMENTS = (
        DocumentKind.VISURA,
        DocumentKind.PRIVACY,
        DocumentKind.SCRIPT,
        DocumentKind.TRAINING,
    )

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="files", verbose_name=_("domanda")
    )
    item = models.ForeignKey(
        ChecklistItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("voce"),
    )
    document_kind = models.CharField(
        _("tipo di documento"), max_length=12, choices=DocumentKind.choices, blank=True
    )
    file = models.FileField(storage=private_storage, upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(_("nome del file"), max_length=255)
    content_type = models.CharField(_("tipo"), max_length=120)
    size = models.PositiveBigIntegerField(_("dimensione (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("file di evidenza")
        verbose_name_plural = _("file di evidenza")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="evidence_is_for_an_item_or_a_document",
                condition=(Q(item__isnull=False) & Q(document_kind=""))
                | (Q(item__isnull=True) & ~Q(document_kind="")),
            ),
            models.CheckConstraint(name="evidence_not_empty", condition=Q(size__gt=0)),
        ]

    def __str__(self) -> str:
        return self.original_name


class Declaration(models.Model):
    class Kind(models.TextChoices):
        TRUTHFULNESS = (
            "veridicita",
            _(
                "Dichiaro, ai sensi degli artt. 46 e 47 del DPR 445/2000 e consapevole delle "
                "sanzioni dell'art. 76, che le informazioni fornite sono veritiere."
            ),
        )
        NO_SANCTIONS = (
            "no_sanzioni",
            _(
                "Dichiaro che negli ultimi due anni l'organizzazione non ha ricevuto sanzioni "
                "definitive dal Garante per la protezione dei dati personali o dall'AGCOM."
            ),
        )
        PUBLICATION = (
            "pubblicazione",
            _(
                "Acconsento alla pubblicazione dei dati dell'organizzazione nel registro pubblico "
                "del Bollino Blu in caso di certificazione."
            ),
        )
        PRIVACY = "privacy", _("Dichiaro di aver letto l'informativa sul trattamento dei dati.")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="declarations",
        verbose_name=_("domanda"),
    )
    kind = models.CharField(_("dichiarazione"), max_length=16, choices=Kind.choices)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dichiarazione")
        verbose_name_plural = _("dichiarazioni")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"], name="declaration_once_per_application"
            ),
            models.CheckConstraint(
                name="declaration_kind_valid",
                condition=Q(kind__in=["veridicita", "no_sanzioni", "pubblicazione", "privacy"]),
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class CallingNumberQuerySet(models.QuerySet):
    def active(self) -> CallingNumberQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class CallingNumber(models.Model):
    """An outbound number the firm calls from, as registered with the ROC, in E.164 form."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="calling_numbers",
        verbose_name=_("organizzazione"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calling_numbers",
        verbose_name=_("domanda"),
    )
    number = models.CharField(_("numero"), max_length=16)
    declared_at = models.DateTimeField(auto_now_add=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = CallingNumberQuerySet.as_manager()

    class Meta:
        verbose_name = _("numero chiamante dichiarato")
        verbose_name_plural = _("numeri chiamanti dichiarati")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(withdrawn_at__isnull=True),
                name="callingnumber_unique_among_active",
                violation_error_message=_("Questo numero è già dichiarato da un'organizzazione."),
            ),
            models.CheckConstraint(
                name="callingnumber_e164_italian", condition=Q(number__regex=r"^\+39[0-9]{6,11}$")
            ),
        ]

    def __str__(self) -> str:
        return self.number
