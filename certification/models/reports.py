"""Reports (segnalazioni) about a certified firm's calls, filed by association members or by
visitors with a confirmed e-mail, answered by the firm and closed by the committee."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from codice.models import AppendOnlyModel

from .organizations import Organization
from .seals import Seal
from .users import Association


def _follow_token() -> str:
    return secrets.token_urlsafe(24)


class ReportQuerySet(models.QuerySet):
    def founded(self) -> ReportQuerySet:
        return self.filter(status=Report.Status.CLOSED, outcome=Report.Outcome.FOUNDED)


class Report(models.Model):
    class Category(models.TextChoices):
        OUTSIDE_HOURS = "fuori_orario", _("Chiamata fuori dagli orari consentiti")
        NO_CONSENT = "senza_consenso", _("Chiamata senza consenso")
        HIDDEN_CALLER_ID = "numero_nascosto", _("Numero chiamante nascosto o alterato")
        OPPOSITION_REGISTER = "rpo", _("Numero iscritto al Registro Pubblico delle Opposizioni")
        AGGRESSIVE = "condotta_scorretta", _("Condotta aggressiva o ingannevole")
        OTHER = "altro", _("Altro")

    class Status(models.TextChoices):
        RECEIVED = "ricevuta", _("Ricevuta")
        FORWARDED = "inoltrata", _("Inoltrata all'azienda")
        ANSWERED = "risposta", _("Risposta dell'azienda")
        CLOSED = "chiusa", _("Chiusa")

    class Outcome(models.TextChoices):
        FOUNDED = "fondata", _("Fondata")
        UNFOUNDED = "infondata", _("Infondata")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="reports", verbose_name=_("azienda")
    )
    seal = models.ForeignKey(
        Seal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("bollino"),
    )
    category = models.CharField(_("categoria"), max_length=20, choices=Category.choices)
    call_at = models.DateTimeField(_("data e ora della chiamata"))
    calling_number = models.CharField(_("numero chiamante"), max_length=16, blank=True)
    description = models.TextField(_("descrizione"))
    # Who filed it: an association member (filed_by) or a visitor who confirmed the e-mail.
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_filed",
        verbose_name=_("presentata da"),
    )
    association = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("associazione"),
    )
    # The caller's (the consumer's) contact data: never public, erased after the retention
    # period (settings.REPORT_CONTACT_RETENTION_DAYS) once the report is closed.
    reporter_name = models.CharField(_("nome di chi segnala"), max_length=120, blank=True)
    reporter_email = models.EmailField(_("e-mail di chi segnala"), blank=True)
    reporter_phone = models.CharField(_("telefono di chi segnala"), max_length=16, blank=True)
    contact_erased_at = models.DateTimeField(
        _("dati di contatto cancellati il"), null=True, blank=True
    )
    follow_token = models.CharField(max_length=64, unique=True, default=_follow_token)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    outcome = models.CharField(_("esito"), max_length=10, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(_("ricevuta il"), auto_now_add=True)
    forwarded_at = models.DateTimeField(_("inoltrata il"), null=True, blank=True)
    answer_due = models.DateField(_("risposta attesa entro"), null=True, blank=True)
    answer = models.TextField(_("risposta dell'azienda"), blank=True)
    answered_at = models.DateTimeField(_("risposta il"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)
    closing_note = models.TextField(_("nota di chiusura"), blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("segnalazione")
        verbose_name_plural = _("segnalazioni")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="report_category_valid",
                condition=Q(
                    category__in=[
                        "fuori_orario",
                        "senza_consenso",
                        "numero_nascosto",
                        "rpo",
                        "condotta_scorretta",
                        "altro",
                    ]
                ),
            ),
            models.CheckConstraint(
                name="report_status_valid",
                condition=Q(status__in=["ricevuta", "inoltrata", "risposta", "chiusa"]),
            ),
            models.CheckConstraint(
                name="report_outcome_only_when_closed",
                condition=(Q(status="chiusa") & Q(outcome__in=["fondata", "infondata"]))
                | (~Q(status="chiusa") & Q(outcome="")),
            ),
            models.CheckConstraint(
                name="report_has_a_filer",
                condition=Q(filed_by__isnull=False)
                | ~Q(reporter_email="")
                | Q(contact_erased_at__isnull=False),
            ),  # fmt: skip
            models.CheckConstraint(
                name="report_calling_number_e164",
                condition=Q(calling_number="") | Q(calling_number__regex=r"^\+[0-9]{6,15}$"),
            ),
            models.CheckConstraint(name="report_has_description", condition=~Q(description="")),
            models.CheckConstraint(
                name="report_answered_has_answer",
                condition=~Q(status="risposta") | (Q(answered_at__isnull=False) & ~Q(answer="")),
            ),
            models.CheckConstraint(
                name="report_closed_has_date",
                condition=~Q(status="chiusa") | Q(closed_at__isnull=False),
            ),
            models.CheckConstraint(
                name="report_forwarded_has_due_date",
                condition=Q(status="ricevuta")
                | Q(forwarded_at__isnull=False, answer_due__isnull=False)
                | Q(status="chiusa"),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "outcome", "closed_at"],
                         name="report_org_outcome_idx"),
            models.Index(fields=["status", "created_at"], name="report_status_created_idx"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.organization} – {self.get_category_display()} ({self.get_status_display()})"


class ReportEvent(AppendOnlyModel):
    """Append-only history of a report: who moved it, when, from where to where, why."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("quando"), auto_now_add=True)
    from_status = models.CharField(_("da"), max_length=10, blank=True)
    to_status = models.CharField(_("a"), max_length=10)
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        verbose_name = _("evento della segnalazione")
        verbose_name_plural = _("storico delle segnalazioni")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_status} → {self.to_status}"
