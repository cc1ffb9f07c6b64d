"""Forms of the committee's management pages. Validation leans on the model's own rules
(field validators, unique fields, constraints), so the form says what the database would refuse."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import UniqueConstraint
from django.utils.translation import gettext_lazy as _

from codice.models import (
    Amendment,
    Article,
    Chapter,
    CodeVersion,
    DecalogoEntry,
    Meeting,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        # type=date sends ISO dates whatever the browser's language.
        super().__init__(attrs=attrs, format="%Y-%m-%d")


DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class CodeVersionForm(forms.ModelForm):
    """Number, title and change summary of a draft."""

    class Meta:
        model = CodeVersion
        fields = ["number", "title", "change_summary"]
        help_texts = {"number": _("Nella forma 2.0 o 2.1.")}
        error_messages = {
            "number": {"unique": _("Esiste già una versione con questo numero.")},
        }
        widgets = {"change_summary": forms.Textarea(attrs={"rows": 4})}


class DraftCreateForm(CodeVersionForm):
    """A new draft. Only one draft may exist at a time: the database says so too, but the
    constraint is on `status`, which the person does not type, so the form checks it here."""

    def clean(self) -> dict:
        cleaned = super().clean()
        if CodeVersion.objects.drafts().exists():
            raise ValidationError(
                _("Esiste già una bozza in lavorazione: pubblicala prima di aprirne un'altra."),
                code="draft_exists",
            )
        return cleaned


class VersionContentForm(forms.ModelForm):
    """Content of one version. The version comes from the address, not from the person, yet
    uniqueness within that version must be checked: Django skips constraints on fields missing
    from the form, so the constraints that involve `version` are run here explicitly."""

    def __init__(self, *args, version: CodeVersion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.instance.version = version

    def validate_unique(self) -> None:
        super().validate_unique()
        model = type(self.instance)
        exclude = {
            f.name
            for f in model._meta.fields
            if f.name != "version" and (f.name not in self.fields or f.name in self._errors)
        }
        for constraint in model._meta.constraints:
            if not isinstance(constraint, UniqueConstraint) or "version" not in constraint.fields:
                continue
            try:
                constraint.validate(model, self.instance, exclude=exclude)
            except ValidationError as exc:
                others = [name for name in constraint.fields if name != "version"]
                target = others[0] if len(others) == 1 and others[0] in self.fields else None
                self.add_error(target, exc.messages)


class ChapterForm(VersionContentForm):
    class Meta:
        model = Chapter
        fields = ["number", "title", "order"]
        help_texts = {
            "number": _("Per esempio I, II, III."),
            "order": _("Posizione del capitolo nel codice: numeri più bassi vengono prima."),
        }


class ArticleForm(VersionContentForm):
    class Meta:
        model = Article
        fields = ["chapter", "number", "key", "title", "body", "order"]
        help_texts = {
            "key": _(
                "Identifica lo stesso articolo in tutte le versioni del codice: lettere "
                "minuscole, numeri e trattini (per esempio orari-chiamate)."
            ),
            "body": _("Markdown: **grassetto**, *corsivo*, elenchi con - all'inizio della riga."),
            "order": _("Posizione dell'articolo nel capitolo."),
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}
        error_messages = {
            "key": {
                "invalid": _(
                    "La chiave può contenere solo lettere senza accenti, cifre e trattini, "
                    "senza spazi."
                )
            }
        }

    def __init__(self, *args, version: CodeVersion, **kwargs) -> None:
        super().__init__(*args, version=version, **kwargs)
        self.fields["chapter"].queryset = Chapter.objects.filter(version=version)
        self.fields["chapter"].empty_label = _("Scegli un capitolo")


class DecalogoEntryForm(VersionContentForm):
    class Meta:
        model = DecalogoEntry
        fields = ["audience", "title", "body", "order"]
        help_texts = {"order": _("Posizione della voce tra quelle degli stessi destinatari.")}
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}


class PublishForm(forms.Form):
    effective_date = forms.DateField(
        label=_("Data di entrata in vigore"),
        widget=DateInput(),
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": _("Inserisci una data valida.")},
    )
    note = forms.CharField(
        label=_("Nota per lo storico"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("Confermo la pubblicazione: dopo, questa versione non si potrà più modificare."),
        error_messages={"required": _("Conferma la pubblicazione spuntando la casella.")},
    )

    def __init__(self, *args, current: CodeVersion | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_effective_date(self) -> datetime.date:
        date = self.cleaned_data["effective_date"]
        previous = self.current.effective_date if self.current else None
        if previous and date < previous:
            raise ValidationError(
                _(
                    "La data non può precedere l'entrata in vigore della versione "
                    "%(number)s (%(date)s)."
                ),
                params={"number": self.current.number, "date": f"{previous:%d/%m/%Y}"},
                code="before_previous",
            )
        return date


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "date",
            "place",
            "participants_oic",
            "participants_assocontact",
            "agenda",
            "minutes",
        ]
        widgets = {
            "date": DateInput(),
            "participants_oic": forms.Textarea(attrs={"rows": 4}),
            "participants_assocontact": forms.Textarea(attrs={"rows": 4}),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 10}),
        }
        error_messages = {"date": {"invalid": _("Inserisci una data valida.")}}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].input_formats = DATE_INPUT_FORMATS


class AmendmentForm(forms.ModelForm):
    """A proposal on one article of the draft, chosen by its stable key."""

    article_key = forms.ChoiceField(label=_("Articolo"))

    class Meta:
        model = Amendment
        fields = ["article_key", "proposed_text", "rationale", "proposer"]
        widgets = {
            "proposed_text": forms.Textarea(attrs={"rows": 10}),
            "rationale": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"proposer": _("Persona o ente che propone la modifica.")}

    def __init__(self, *args, version: CodeVersion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.version = version
        self.fields["article_key"].choices = [("", _("Scegli un articolo"))] + [
            (article.key, str(article)) for article in version.articles.all()
        ]


class ArticleChoiceForm(forms.Form):
    """First step of a proposal: which article (GET, so the text can be prefilled)."""

    articolo = forms.ChoiceField(label=_("Articolo da modificare"))

    def __init__(self, *args, version: CodeVersion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["articolo"].choices = [
            (article.key, str(article)) for article in version.articles.all()
        ]


class AmendmentDecisionForm(forms.Form):
    ACCEPT = "accolta"
    REJECT = "respinta"

    decision = forms.ChoiceField(
        label=_("Decisione"),
        choices=[(ACCEPT, _("Accogliere la proposta")), (REJECT, _("Respingere la proposta"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Scegli se accogliere o respingere la proposta.")},
    )
    meeting = forms.ModelChoiceField(
        label=_("Riunione del tavolo che ha deciso"),
        queryset=Meeting.objects.all(),
        empty_label=_("Scegli una riunione"),
        error_messages={
            "required": _("Indica la riunione del tavolo di lavoro che ha deciso."),
            "invalid_choice": _("La riunione indicata non esiste."),
        },
    )
    note = forms.CharField(
        label=_("Nota sulla decisione"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @property
    def accept(self) -> bool:
        return self.cleaned_data["decision"] == self.ACCEPT
