"""Audits: who scores an application, each auditor's scores, and the consolidated result."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .applications import Application
from .checklists import ChecklistItem


class Audit(models.Model):
    """One auditor's audit of one application. The lead's consolidates both when there are two."""

    class Role(models.TextChoices):
        LEAD = "capofila", _("Auditor capofila")
        SECOND = "secondo", _("Secondo auditor")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_corso", _("In corso")
        COMPLETED = "completato", _("Completato")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="audits", verbose_name=_("domanda")
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="audits",
        verbose_name=_("auditor"),
    )
    role = models.CharField(_("ruolo"), max_length=10, choices=Role.choices)
    status = models.CharField(
        _("stato"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assegnato il"), auto_now_add=True)
    due_date = models.DateField(_("scadenza"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completato il"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audit")
        ordering = ["application", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "auditor"], name="audit_one_per_auditor_and_application"
            ),
            models.UniqueConstraint(
                fields=["application", "role"], name="audit_one_lead_and_one_second"
            ),
            models.CheckConstraint(
                name="audit_role_valid", condition=Q(role__in=["capofila", "secondo"])
            ),
            models.CheckConstraint(
                name="audit_completed_has_date",
                condition=Q(status="in_corso", completed_at__isnull=True)
                | Q(status="completato", completed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.auditor} ({self.get_role_display()})"


class AuditScore(models.Model):
    """An auditor's level for one item (points on the version's scale), or N/A."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="scores", verbose_name=_("audit")
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("voce")
    )
    points = models.PositiveSmallIntegerField(_("punti"), null=True, blank=True)
    not_applicable = models.BooleanField(_("non applicabile"), default=False)
    comment = models.TextField(_("commento"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("punteggio")
        verbose_name_plural = _("punteggi")
        constraints = [
            models.UniqueConstraint(fields=["audit", "item"], name="auditscore_one_per_item"),
            models.CheckConstraint(
                name="auditscore_points_or_na",
                condition=Q(not_applicable=True, points__isnull=True)
                | Q(not_applicable=False, points__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {'N/A' if self.not_applicable else self.points}"


class Nonconformity(models.Model):
    """A shortfall raised by an auditor on an item below full marks; the applicant answers it with
    a corrective action, the auditor accepts or rejects the answer."""

    class Severity(models.TextChoices):
        MINOR = "minore", _("Minore")
        MAJOR = "maggiore", _("Maggiore")

    class Status(models.TextChoices):
        OPEN = "aperta", _("Aperta")
        ANSWERED = "risposta", _("Con risposta")
        ACCEPTED = "accettata", _("Risposta accettata")
        REJECTED = "respinta", _("Risposta respinta")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="nonconformities"
    )
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    severity = models.CharField(_("gravità"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("descrizione"))
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    corrective_action = models.TextField(_("azione correttiva"), blank=True)
    corrective_due_date = models.DateField(_("entro il"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("nota dell'auditor"), blank=True)

    class Meta:
        verbose_name = _("non conformità")
        verbose_name_plural = _("non conformità")
        ordering = ["application", "raised_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="nonconformity_severity_valid",
                condition=Q(severity__in=["minore", "maggiore"]),
            ),
            models.CheckConstraint(
                name="nonconformity_status_valid",
                condition=Q(status__in=["aperta", "risposta", "accettata", "respinta"]),
            ),
            models.CheckConstraint(
                name="nonconformity_answer_complete",
                condition=Q(status="aperta")
                | Q(
                    ~Q(corrective_action=""),
                    corrective_due_date__isnull=False,
                    answered_by__isnull=False,
                    answered_at__isnull=False,
                ),
            ),
            models.CheckConstraint(
                name="nonconformity_review_complete",
                condition=Q(status__in=["aperta", "risposta"])
                | Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} ({self.get_severity_display()})"


class InformationRequest(models.Model):
    """A round of "integrazione richiesta": what OIC asks for, by when, and the answer."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="information_requests"
    )
    message = models.TextField(_("richiesta"))
    items = models.ManyToManyField(ChecklistItem, blank=True, related_name="+")
    document_kinds = models.JSONField(_("documenti richiesti"), default=list, blank=True)
    due_date = models.DateField(_("entro il"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("risposta"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("richiesta di integrazione")
        verbose_name_plural = _("richieste di integrazione")
        ordering = ["application", "requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="informationrequest_answer_complete",
                condition=Q(answered_at__isnull=True, answered_by__isnull=True)
                | Q(answered_at__isnull=False, answered_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.requested_at:%d/%m/%Y}"


class Decision(models.Model):
    """The committee's decision on an evaluated application, with its written reason."""

    class Outcome(models.TextChoices):
        APPROVED = "approvata", _("Approvata")
        REJECTED = "respinta", _("Respinta")

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(_("esito"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("motivazione"))
    total = models.DecimalField(_("punteggio"), max_digits=5, decimal_places=2, null=True)
    passed = models.BooleanField(_("superato secondo la lista di controllo"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decisione")
        verbose_name_plural = _("decisioni")
        constraints = [
            models.CheckConstraint(
                name="decision_outcome_valid", condition=Q(outcome__in=["approvata", "respinta"])
            ),
            models.CheckConstraint(name="decision_has_reason", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.get_outcome_display()}"
