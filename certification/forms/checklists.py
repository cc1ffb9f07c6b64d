"""Forms of the committee's checklist pages. Like codice's, they lean on the models' own rules
(validators, constraints, ChecklistItem.clean), so the form says what the database would
refuse."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from certification.models import ChecklistItem, ChecklistSection
from certification.services.checklists import validate_scale
from codice.forms import VersionContentForm
from codice.models import CodeVersion

PERCENT_HELP = _("Una percentuale tra 0 e 100; sono ammessi due decimali (per esempio 72,5).")
PERCENT_RANGE = _("Inserisci una percentuale tra 0 e 100.")


def percent_field(
    label,
    *,
    required: bool = True,
    minimum: str = "0",
    help_text=PERCENT_HELP,
    range_message=PERCENT_RANGE,
):
    # localize: Italian committee members type 72,5; 72.5 is accepted too.
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(minimum),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        localize=True,
        help_text=help_text,
        error_messages={
            "invalid": _("Inserisci un numero, per esempio 70 o 72,5."),
            "min_value": range_message,
            "max_value": range_message,
        },
    )


class ThresholdForm(forms.Form):
    pass_threshold = percent_field(
        _("Soglia di superamento (%)"),
        minimum="0.01",
        help_text=_(
            "Il punteggio totale minimo per superare l'audit, tra 0 e 100 (per esempio 70)."
        ),
        range_message=_("La soglia è una percentuale maggiore di 0 e al massimo 100."),
    )


class ScaleLevelForm(forms.Form):
    points = forms.IntegerField(
        label=_("Punti"),
        min_value=0,
        max_value=100,
        error_messages={"invalid": _("I punti sono un numero intero.")},
    )
    label = forms.CharField(label=_("Etichetta"), max_length=60)


class BaseScaleFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Togli questo livello dalla scala")

    def clean(self) -> None:
        if any(self.errors):
            return
        try:
            validate_scale(self.levels())
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc

    def levels(self) -> list[tuple[int, str]]:
        """The levels kept: filled in and not marked for removal."""
        return [
            (form.cleaned_data["points"], form.cleaned_data["label"])
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("points") is not None
        ]


ScaleFormSet = forms.formset_factory(
    ScaleLevelForm,
    formset=BaseScaleFormSet,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=20,
    validate_max=True,
)


class SectionForm(VersionContentForm):
    minimum_percent = percent_field(
        _("Minimo della sezione (%)"),
        required=False,
        help_text=_(
            "Facoltativo: il punteggio minimo che la sezione deve raggiungere, tra 0 e 100. "
            "Lascia vuoto se la sezione non ha un minimo."
        ),
    )

    class Meta:
        model = ChecklistSection
        fields = ["code", "title", "minimum_percent", "order"]
        help_texts = {
            "code": _("Per esempio A, B, C."),
            "order": _("Posizione della sezione nella lista: numeri più bassi vengono prima."),
        }


class ItemForm(VersionContentForm):
    """A question of the checklist. The articles it verifies are chosen among the version's
    own, by their stable key; a key no longer in the version stays visible so that the
    committee sees it and removes it (ChecklistItem.clean refuses it)."""

    article_keys = forms.MultipleChoiceField(
        label=_("Articoli verificati"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Gli articoli del codice che la voce verifica."),
    )
    weight = forms.DecimalField(
        label=_("Peso"),
        max_digits=6,
        decimal_places=2,
        localize=True,
        help_text=_("Maggiore di zero: una voce di peso 2 conta il doppio di una di peso 1."),
        error_messages={"invalid": _("Inserisci un numero, per esempio 1, 2 o 1,5.")},
    )

    class Meta:
        model = ChecklistItem
        fields = [
            "section",
            "code",
            "question",
            "guidance",
            "article_keys",
            "weight",
            "blocking",
            "allows_na",
            "evidence_hint",
            "order",
        ]
        help_texts = {
            "code": _("Per esempio B.4: la lettera della sezione e un numero."),
            "guidance": _("Come l'auditor verifica la voce: cosa chiedere, cosa controllare."),
            "evidence_hint": _("I documenti che il contact center allega come evidenza."),
            "order": _("Posizione della voce nella sezione."),
            "blocking": _(
                "Un punteggio 0 su questa voce fa fallire l'audit, qualunque sia il totale."
            ),
            "allows_na": _("Il contact center e l'auditor possono indicarla come non applicabile."),
        }
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "guidance": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, version: CodeVersion, **kwargs) -> None:
        super().__init__(*args, version=version, **kwargs)
        self.fields["section"].queryset = ChecklistSection.objects.filter(version=version)
        self.fields["section"].empty_label = _("Scegli una sezione")
        choices = [(article.key, str(article)) for article in version.articles.all()]
        known = {key for key, _label in choices}
        stored = self.instance.article_keys if self.instance.pk else []
        choices += [
            (key, _("%(key)s (articolo non più presente in questa versione)") % {"key": key})
            for key in stored
            if key not in known
        ]
        self.fields["article_keys"].choices = choices

    def clean_weight(self) -> Decimal:
        weight = self.cleaned_data["weight"]
        if weight <= 0:
            raise ValidationError(_("Il peso deve essere maggiore di zero."), code="not_positive")
        return weight
