"""Weighted audit checklists, one per code version, frozen with it.

Every row carries its code version, so the same guards that freeze a published version's
articles (model layer and PostgreSQL triggers) freeze its checklist too.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from codice.models import CodeVersion, VersionContent

DEFAULT_LEVELS = [
    (0, _("Non conforme")),
    (1, _("Parzialmente conforme")),
    (2, _("Conforme")),
    (3, _("Eccellente")),
]


class ChecklistTemplate(VersionContent):
    version = models.OneToOneField(
        CodeVersion, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("versione")
    )
    pass_threshold = models.DecimalField(
        _("soglia di superamento (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("lista di controllo")
        verbose_name_plural = _("liste di controllo")
        constraints = [
            models.CheckConstraint(
                name="checklist_threshold_in_range",
                condition=Q(pass_threshold__gt=0, pass_threshold__lte=100),
                violation_error_message=_("La soglia è una percentuale tra 0 e 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Lista di controllo')} {self.version.number}"


class ScaleLevel(VersionContent):
    version = models.ForeignKey(
        CodeVersion,
        on_delete=models.CASCADE,
        related_name="scale_levels",
        verbose_name=_("versione"),
    )
    points = models.PositiveSmallIntegerField(_("punti"))
    label = models.CharField(_("etichetta"), max_length=60)

    class Meta:
        verbose_name = _("livello della scala")
        verbose_name_plural = _("livelli della scala")
        ordering = ["version", "points"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "points"],
                name="scalelevel_points_unique_in_version",
                violation_error_message=_("Esiste già un livello con questi punti."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.points} — {self.label}"


class ChecklistSection(VersionContent):
    version = models.ForeignKey(
        CodeVersion,
        on_delete=models.CASCADE,
        related_name="checklist_sections",
        verbose_name=_("versione"),
    )
    code = models.CharField(_("codice"), max_length=10)
    title = models.CharField(_("titolo"), max_length=200)
    minimum_percent = models.DecimalField(
        _("minimo della sezione (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    order = models.PositiveIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("sezione della lista di controllo")
        verbose_name_plural = _("sezioni della lista di controllo")
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="checklistsection_code_unique_in_version",
                violation_error_message=_("Esiste già una sezione con questo codice."),
            ),
            models.CheckConstraint(
                name="checklistsection_minimum_in_range",
                condition=Q(minimum_percent__isnull=True)
                | Q(minimum_percent__gte=0, minimum_percent__lte=100),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class ChecklistItem(VersionContent):
    version = models.ForeignKey(
        CodeVersion,
        on_delete=models.CASCADE,
        related_name="checklist_items",
        verbose_name=_("versione"),
    )
    section = models.ForeignKey(
        ChecklistSection, on_delete=models.CASCADE, related_name="items", verbose_name=_("sezione")
    )
    code = models.CharField(_("codice"), max_length=10, help_text=_("Per esempio B.4"))
    question = models.TextField(_("domanda"))
    guidance = models.TextField(_("indicazioni per l'auditor"), blank=True)
    article_keys = models.JSONField(
        _("articoli verificati"),
        default=list,
        blank=True,
        help_text=_("Le chiavi stabili degli articoli del codice che la voce verifica."),
    )
    weight = models.DecimalField(_("peso"), max_digits=6, decimal_places=2)
    blocking = models.BooleanField(
        _("bloccante"), default=False, help_text=_("Un punteggio 0 fa fallire l'audit.")
    )
    allows_na = models.BooleanField(_("ammette «non applicabile»"), default=False)
    evidence_hint = models.CharField(_("evidenze attese"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("voce della lista di controllo")
        verbose_name_plural = _("voci della lista di controllo")
        ordering = ["version", "section__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"],
                name="checklistitem_code_unique_in_version",
                violation_error_message=_("Esiste già una voce con questo codice."),
            ),
            models.CheckConstraint(
                name="checklistitem_weight_positive",
                condition=Q(weight__gt=0),
                violation_error_message=_("Il peso deve essere maggiore di zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.question[:60]}"

    def clean(self) -> None:
        if self.section_id and self.version_id and self.section.version_id != self.version_id:
            raise ValidationError({"section": _("La sezione appartiene a un'altra versione.")})
        if not isinstance(self.article_keys, list) or not all(
            isinstance(key, str) for key in self.article_keys
        ):
            raise ValidationError({"article_keys": _("Indica le chiavi degli articoli.")})
        if self.version_id and self.article_keys:
            known = set(
                self.version.articles.filter(key__in=self.article_keys).values_list(
                    "key", flat=True
                )
            )
            unknown = [key for key in self.article_keys if key not in known]
            if unknown:
                raise ValidationError(
                    {
                        "article_keys": _("Articoli inesistenti in questa versione: %(keys)s")
                        % {"keys": ", ".join(unknown)}
                    }
                )
