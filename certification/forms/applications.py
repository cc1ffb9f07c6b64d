"""Forms of the application pages: they validate everything before a service writes anything."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from certification.files import check_upload
from certification.models import (
    Application,
    ChecklistItem,
    Declaration,
    EvidenceFile,
    SelfAssessmentAnswer,
)
from certification.services.applications import AnswerInput, allowed_transitions

Answer = SelfAssessmentAnswer.Answer


def _checked_upload(uploaded):
    """The upload, if its content is an accepted type within the size limit (else the
    ValidationError of certification.files, with its message for the person)."""
    if uploaded:
        check_upload(uploaded)
        uploaded.seek(0)
    return uploaded


class ApplicationCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Tipo di domanda"),
        choices=Application.Kind.choices,
        initial=Application.Kind.FIRST,
        widget=forms.RadioSelect,
    )


class NoteForm(forms.Form):
    """The note that goes with a transition (why the application is withdrawn, and so on)."""

    note = forms.CharField(
        label=_("Nota (facoltativa)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SelfAssessmentForm(forms.Form):
    """Every item of the checklist on one page: answer, comment and a new evidence file.

    Fields are named after the item's id: answer_<id>, comment_<id>, file_<id>. An item left
    without an answer stays unanswered; an answer can be changed but not removed.
    """

    def __init__(self, *args, items: list[ChecklistItem], answers: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.answers = answers
        for item in items:
            current = answers.get(item.pk)
            answer = forms.ChoiceField(
                label=f"{item.code} — {item.question}",
                choices=Answer.choices,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=current.answer if current else None,
            )
            # Only the answers this item admits are offered; the field still knows all four,
            # so that a forged "non applicabile" gets the clear message of clean() below.
            answer.widget.choices = [
                (value, label)
                for value, label in Answer.choices
                if value != Answer.NOT_APPLICABLE or item.allows_na
            ]
            self.fields[f"answer_{item.pk}"] = answer
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=_("Commento alla voce %(code)s") % {"code": item.code},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                initial=current.comment if current else "",
            )
            self.fields[f"file_{item.pk}"] = forms.FileField(
                label=_("Aggiungi un file di evidenza per la voce %(code)s") % {"code": item.code},
                required=False,
                widget=forms.FileInput(attrs={"class": "form-control"}),
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        for item in self.items:
            answer = cleaned.get(f"answer_{item.pk}")
            comment = (cleaned.get(f"comment_{item.pk}") or "").strip()
            if answer == Answer.NOT_APPLICABLE and not item.allows_na:
                self.add_error(
                    f"answer_{item.pk}",
                    _("Questa voce non ammette la risposta «non applicabile»."),
                )
            if comment and not answer and item.pk not in self.answers:
                self.add_error(
                    f"answer_{item.pk}", _("Scegli una risposta per salvare il commento.")
                )
            uploaded = cleaned.get(f"file_{item.pk}")
            if uploaded:
                try:
                    _checked_upload(uploaded)
                except ValidationError as exc:
                    self.add_error(f"file_{item.pk}", exc)
        return cleaned

    def changed_answers(self) -> list[AnswerInput]:
        """The answers to write: new ones, and those whose answer or comment changed."""
        changes = []
        for item in self.items:
            current = self.answers.get(item.pk)
            answer = self.cleaned_data.get(f"answer_{item.pk}") or (
                current.answer if current else ""
            )
            comment = (self.cleaned_data.get(f"comment_{item.pk}") or "").strip()
            if not answer:
                continue
            if current and current.answer == answer and current.comment == comment:
                continue
            changes.append(AnswerInput(item=item, answer=answer, comment=comment))
        return changes

    def uploads(self) -> list[tuple[ChecklistItem, object]]:
        return [
            (item, self.cleaned_data[f"file_{item.pk}"])
            for item in self.items
            if self.cleaned_data.get(f"file_{item.pk}")
        ]


class DocumentForm(forms.Form):
    document_kind = forms.ChoiceField(
        label=_("Tipo di documento"), choices=EvidenceFile.DocumentKind.choices
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG, JPEG, DOCX, XLSX o ODT."),
    )

    def clean_file(self):
        return _checked_upload(self.cleaned_data["file"])


def italian_number_e164(raw: str) -> str:
    """The Italian telephone number typed in any common way, in E.164 form (+39…).

    Accepts +39 or 0039 in front, spaces, dashes, dots and parentheses; refuses anything
    that is not a valid Italian number.
    """
    text = (raw or "").strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    invalid = ValidationError(
        _("«%(number)s» non è un numero di telefono italiano valido."),
        code="invalid_number",
        params={"number": raw},
    )
    try:
        parsed = phonenumbers.parse(text, "IT")
    except phonenumbers.NumberParseException as exc:
        raise invalid from exc
    if not (
        phonenumbers.is_valid_number(parsed) and phonenumbers.region_code_for_number(parsed) == "IT"
    ):
        raise invalid
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


class CallingNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Numero chiamante"),
        max_length=40,
        help_text=_("Per esempio 02 1234 5678 oppure +39 02 12345678."),
    )

    def clean_number(self) -> str:
        return italian_number_e164(self.cleaned_data["number"])


class DeclarationsForm(forms.Form):
    """One checkbox per declaration; those already given are shown, not offered again."""

    def __init__(self, *args, given: set[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in Declaration.Kind:
            if kind not in given:
                self.fields[kind.value] = forms.BooleanField(label=kind.label, required=False)

    def kinds(self) -> list[str]:
        return [name for name, value in self.cleaned_data.items() if value]


class TransitionForm(forms.Form):
    """The committee moves an application on; some steps need a note for the applicant."""

    NOTE_REQUIRED = (Application.Status.INFO_REQUESTED, Application.Status.REJECTED)

    to = forms.ChoiceField(choices=Application.Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Nota"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("to") in self.NOTE_REQUIRED and not (cleaned.get("note") or "").strip():
            self.add_error(
                "note",
                _("Scrivi una nota per il richiedente: spiega il motivo di questo passaggio."),
            )
        return cleaned


class StatusFilterForm(forms.Form):
    stato = forms.ChoiceField(
        label=_("Stato"),
        required=False,
        choices=[("", _("Tutti gli stati")), *Application.Status.choices],
    )


def transition_actions(
    application: Application, user, transition_form, labels: dict, *, skip=()
) -> list[dict]:
    """The transitions this person may make now, each with its label, whether it needs a note,
    and (after a refused POST) the note typed and its errors."""
    actions = []
    for to in allowed_transitions(application, user):
        if to in skip:
            continue
        bound = (
            transition_form
            if transition_form is not None and transition_form.data.get("to") == to
            else None
        )
        actions.append(
            {
                "to": to,
                "label": labels.get(to, Application.Status(to).label),
                "note_required": to in TransitionForm.NOTE_REQUIRED,
                "errors": bound.errors.get("note", []) if bound is not None else [],
                "note": bound.data.get("note", "") if bound is not None else "",
            }
        )
    return actions
