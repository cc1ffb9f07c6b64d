"""The versioned self-regulation code: versions, chapters, articles, decalogo, working table.

A published or superseded version is frozen. Three layers keep it so: the model methods and
querysets below refuse the write, the admin shows it read-only, and PostgreSQL triggers
(migration 0002) refuse any UPDATE or DELETE that slips past both.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from codice.markdown import render_markdown

version_number_validator = RegexValidator(
    r"^\d{1,3}\.\d{1,3}$", _("Il numero di versione ha la forma 2.0 o 2.1.")
)


class VersionLocked(ValidationError):
    """Raised on any attempt to change a published or superseded version or its content."""

    def __init__(self, version: CodeVersion | None = None) -> None:
        number = version.number if version is not None else ""
        super().__init__(
            _("La versione %(number)s è pubblicata e non può essere modificata."),
            code="version_locked",
            params={"number": number},
        )


class CodeVersionQuerySet(models.QuerySet):
    def current(self) -> CodeVersion | None:
        return self.filter(status=CodeVersion.Status.PUBLISHED).first()

    def public(self) -> CodeVersionQuerySet:
        return self.filter(status__in=[CodeVersion.Status.PUBLISHED, CodeVersion.Status.SUPERSEDED])

    def drafts(self) -> CodeVersionQuerySet:
        return self.filter(status=CodeVersion.Status.DRAFT)

    def delete(self):
        if self.exclude(status=CodeVersion.Status.DRAFT).exists():
            raise VersionLocked()
        return super().delete()

    def update(self, **kwargs):
        if self.exclude(status=CodeVersion.Status.DRAFT).exists():
            raise VersionLocked()
        return super().update(**kwargs)


class CodeVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "bozza", _("Bozza")
        PUBLISHED = "pubblicata", _("Pubblicata")
        SUPERSEDED = "superata", _("Superata")

    number = models.CharField(
        _("numero"), max_length=7, unique=True, validators=[version_number_validator]
    )
    title = models.CharField(_("titolo"), max_length=200)
    change_summary = models.TextField(_("sintesi delle modifiche"), blank=True)
    status = models.CharField(
        _("stato"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    effective_date = models.DateField(_("data di entrata in vigore"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("derivata da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived",
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("creata da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("pubblicata il"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pubblicata da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CodeVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("versione del codice")
        verbose_name_plural = _("versioni del codice")
        ordering = ["-created_at", "-id"]
        permissions = [("manage_codice", _("Può gestire codice, decalogo e tavolo di lavoro"))]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="pubblicata"),
                name="codeversion_one_published",
                violation_error_message=_("Può esserci una sola versione pubblicata."),
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="bozza"),
                name="codeversion_one_draft",
                violation_error_message=_("Esiste già una bozza in lavorazione."),
            ),
            models.CheckConstraint(
                name="codeversion_status_valid",
                condition=Q(status__in=["bozza", "pubblicata", "superata"]),
            ),
            models.CheckConstraint(
                name="codeversion_published_has_date_and_author",
                condition=Q(status="bozza")
                | Q(
                    published_at__isnull=False,
                    published_by__isnull=False,
                    effective_date__isnull=False,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_current(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return CodeVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()

    def assert_editable(self) -> None:
        """Refuse content changes unless this version is a draft (judged on the stored row)."""
        if self.stored_status() not in (None, self.Status.DRAFT):
            raise VersionLocked(self)

    def save(self, *args, **kwargs) -> None:
        stored = self.stored_status()
        # The only change a frozen version accepts is published -> superseded, done by the
        # publish service with update_fields=["status"].
        superseding = (
            stored == self.Status.PUBLISHED
            and self.status == self.Status.SUPERSEDED
            and kwargs.get("update_fields") == ["status"]
        )
        if stored not in (None, self.Status.DRAFT) and not superseding:
            raise VersionLocked(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.assert_editable()
        return super().delete(*args, **kwargs)


class VersionContentQuerySet(models.QuerySet):
    """Bulk writes on a frozen version's content are refused like single ones."""

    def _touches_frozen(self) -> bool:
        return self.exclude(version__status=CodeVersion.Status.DRAFT).exists()

    @staticmethod
    def _any_frozen(version_ids: set) -> bool:
        return (
            CodeVersion.objects.filter(pk__in=version_ids)
            .exclude(status=CodeVersion.Status.DRAFT)
            .exists()
        )

    def delete(self):
        if self._touches_frozen():
            raise VersionLocked()
        return super().delete()

    def update(self, **kwargs):
        target = kwargs.get("version", kwargs.get("version_id"))
        target_id = getattr(target, "pk", target)
        if self._touches_frozen() or (target_id is not None and self._any_frozen({target_id})):
            raise VersionLocked()
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if self._any_frozen({obj.version_id for obj in objs}):
            raise VersionLocked()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if self._any_frozen({obj.version_id for obj in objs}) or (
            self.filter(pk__in=[obj.pk for obj in objs])._touches_frozen()
        ):
            raise VersionLocked()
        return super().bulk_update(objs, fields, *args, **kwargs)


class VersionContent(models.Model):
    """Base for rows that belong to a version and freeze with it."""

    objects = VersionContentQuerySet.as_manager()

    class Meta:
        abstract = True

    def _check_editable(self) -> None:
        self.version.assert_editable()
        if self.pk is not None:
            stored_version_id = (
                type(self).objects.filter(pk=self.pk).values_list("version_id", flat=True).first()
            )
            if stored_version_id is not None and stored_version_id != self.version_id:
                CodeVersion.objects.get(pk=stored_version_id).assert_editable()

    def save(self, *args, **kwargs) -> None:
        self._check_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_editable()
        return super().delete(*args, **kwargs)


class Chapter(VersionContent):
    version = models.ForeignKey(
        CodeVersion, verbose_name=_("versione"), on_delete=models.CASCADE, related_name="chapters"
    )
    number = models.CharField(_("numero"), max_length=10)
    title = models.CharField(_("titolo"), max_length=200)
    order = models.PositiveIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("capitolo")
        verbose_name_plural = _("capitoli")
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "number"],
                name="chapter_number_unique_in_version",
                violation_error_message=_("Esiste già un capitolo con questo numero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Article(VersionContent):
    version = models.ForeignKey(
        CodeVersion, verbose_name=_("versione"), on_delete=models.CASCADE, related_name="articles"
    )
    chapter = models.ForeignKey(
        Chapter, verbose_name=_("capitolo"), on_delete=models.CASCADE, related_name="articles"
    )
    key = models.SlugField(
        _("chiave stabile"),
        max_length=60,
        help_text=_("Identifica lo stesso articolo in tutte le versioni del codice."),
    )
    number = models.CharField(_("numero"), max_length=10)
    title = models.CharField(_("titolo"), max_length=200)
    body = models.TextField(_("testo (Markdown)"))
    order = models.PositiveIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("articolo")
        verbose_name_plural = _("articoli")
        ordering = ["version", "chapter__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"],
                name="article_key_unique_in_version",
                violation_error_message=_("Esiste già un articolo con questa chiave."),
            ),
            models.UniqueConstraint(
                fields=["version", "number"],
                name="article_number_unique_in_version",
                violation_error_message=_("Esiste già un articolo con questo numero."),
            ),
        ]

    def __str__(self) -> str:
        return f"Art. {self.number} — {self.title}"

    def clean(self) -> None:
        if self.chapter_id and self.version_id and self.chapter.version_id != self.version_id:
            raise ValidationError({"chapter": _("Il capitolo appartiene a un'altra versione.")})

    @property
    def body_html(self):
        return render_markdown(self.body)


class DecalogoEntry(VersionContent):
    class Audience(models.TextChoices):
        CONSUMERS = "consumatori", _("Consumatori")
        COMPANIES = "aziende", _("Aziende")

    version = models.ForeignKey(
        CodeVersion, verbose_name=_("versione"), on_delete=models.CASCADE, related_name="decalogo"
    )
    audience = models.CharField(_("destinatari"), max_length=12, choices=Audience.choices)
    title = models.CharField(_("titolo"), max_length=200)
    body = models.TextField(_("testo (Markdown)"))
    order = models.PositiveIntegerField(_("ordine"), default=0)

    class Meta:
        verbose_name = _("voce del decalogo")
        verbose_name_plural = _("voci del decalogo")
        ordering = ["version", "audience", "order", "id"]
        constraints = [
            models.CheckConstraint(
                name="decalogo_audience_valid",
                condition=Q(audience__in=["consumatori", "aziende"]),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def body_html(self):
        return render_markdown(self.body)


class Meeting(models.Model):
    """A session of the working table (tavolo di lavoro) of OIC and Assocontact."""

    date = models.DateField(_("data"))
    place = models.CharField(_("luogo o modalità"), max_length=200, blank=True)
    participants_oic = models.TextField(_("partecipanti OIC"), help_text=_("Uno per riga."))
    participants_assocontact = models.TextField(
        _("partecipanti Assocontact"), help_text=_("Uno per riga.")
    )
    agenda = models.TextField(_("ordine del giorno"))
    minutes = models.TextField(_("verbale (Markdown)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("riunione del tavolo di lavoro")
        verbose_name_plural = _("riunioni del tavolo di lavoro")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{_('Tavolo di lavoro')} {self.date:%d/%m/%Y}"

    @property
    def minutes_html(self):
        return render_markdown(self.minutes)

    def participants_oic_list(self) -> list[str]:
        return [line.strip() for line in self.participants_oic.splitlines() if line.strip()]

    def participants_assocontact_list(self) -> list[str]:
        return [line.strip() for line in self.participants_assocontact.splitlines() if line.strip()]


class Amendment(models.Model):
    """A proposal to change an article of the draft, decided at a working-table meeting."""

    class Status(models.TextChoices):
        OPEN = "aperta", _("Aperta")
        ACCEPTED = "accolta", _("Accolta")
        REJECTED = "respinta", _("Respinta")

    version = models.ForeignKey(
        CodeVersion, verbose_name=_("versione"), on_delete=models.PROTECT, related_name="amendments"
    )
    article_key = models.SlugField(_("articolo"), max_length=60)
    proposed_text = models.TextField(_("testo proposto (Markdown)"))
    rationale = models.TextField(_("motivazione"))
    proposer = models.CharField(_("proponente"), max_length=200)
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("riunione che ha deciso"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
    )
    previous_text = models.TextField(_("testo precedente"), blank=True)
    decision_note = models.TextField(_("nota sulla decisione"), blank=True)
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decisa da"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposta il"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("proposta di modifica")
        verbose_name_plural = _("proposte di modifica")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="amendment_status_valid",
                condition=Q(status__in=["aperta", "accolta", "respinta"]),
            ),
            models.CheckConstraint(
                name="amendment_decided_has_meeting_and_author",
                condition=Q(status="aperta", decided_at__isnull=True)
                | Q(
                    ~Q(status="aperta"),
                    meeting__isnull=False,
                    decided_at__isnull=False,
                    decided_by__isnull=False,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposer}: {self.article_key} ({self.get_status_display()})"

    @property
    def article(self) -> Article | None:
        return Article.objects.filter(version_id=self.version_id, key=self.article_key).first()

    @property
    def proposed_html(self):
        return render_markdown(self.proposed_text)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("Lo storico non si modifica."))

    def delete(self):
        raise ValidationError(_("Lo storico non si cancella."))


class AppendOnlyModel(models.Model):
    """Base of the history tables: rows are added, never changed or deleted (PostgreSQL triggers
    refuse it too)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("Lo storico non si modifica."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Lo storico non si cancella."))


class CodeEvent(AppendOnlyModel):
    """Append-only history of everything that happened to the code and its working table."""

    class Action(models.TextChoices):
        DRAFT_CREATED = "bozza_creata", _("Bozza creata")
        EDITED = "modificata", _("Bozza modificata")
        PUBLISHED = "pubblicata", _("Versione pubblicata")
        SUPERSEDED = "superata", _("Versione superata")
        AMENDMENT_PROPOSED = "proposta", _("Proposta di modifica presentata")
        AMENDMENT_ACCEPTED = "proposta_accolta", _("Proposta di modifica accolta")
        AMENDMENT_REJECTED = "proposta_respinta", _("Proposta di modifica respinta")

    version = models.ForeignKey(
        CodeVersion, on_delete=models.PROTECT, related_name="events", verbose_name=_("versione")
    )
    action = models.CharField(_("azione"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("autore"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("quando"), auto_now_add=True)
    from_status = models.CharField(_("da"), max_length=12, blank=True)
    to_status = models.CharField(_("a"), max_length=12, blank=True)
    amendment = models.ForeignKey(
        Amendment, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    note = models.TextField(_("nota"), blank=True)

    class Meta:
        verbose_name = _("evento del codice")
        verbose_name_plural = _("storico del codice")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.version.number}: {self.get_action_display()}"
