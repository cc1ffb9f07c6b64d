"""The drop-down menus of the committee's list filters, as HTML.

A menu's options are a model's statuses with translated labels, and the template compared
each option with the form's value: on a short list page that was as much as its table. The
menus are the same for every request in one language with one choice: rendered once per
process, language and choice (a choice that is not an option is no choice, so the kept menus
stay few).
"""

from __future__ import annotations

import functools

from django import forms
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language


def filter_menu(form_class: type[forms.Form], name: str, chosen: object) -> SafeString:
    """The label and the <select> of the form's ChoiceField `name`, the option `chosen` (the
    submitted value) selected."""
    field = form_class.base_fields[name]
    values = {str(value) for value, _label in field.choices}
    chosen = chosen if isinstance(chosen, str) and chosen in values else ""
    return _menu(form_class, name, chosen, get_language())


@functools.lru_cache(maxsize=128)
def _menu(form_class: type[forms.Form], name: str, chosen: str, language: str) -> SafeString:
    # The language is the active one: an argument only to be part of the key.
    field = form_class.base_fields[name]
    options = "\n".join(
        f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>'
        f"{escape(label)}</option>"
        for value, label in field.choices
    )
    return SafeString(
        f'<label class="form-label" for="id_{name}">{escape(field.label)}</label>\n'
        f'<select name="{name}" id="id_{name}" class="form-select">\n{options}\n</select>'
    )


@receiver(setting_changed)
def _forget_menus(**kwargs: object) -> None:
    _menu.cache_clear()
