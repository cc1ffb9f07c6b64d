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
