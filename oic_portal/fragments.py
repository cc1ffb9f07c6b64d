"""{% include_cached %}: the parts of base.html that every page repeats (head links, language
buttons, a visitor's login links, menus, footer), rendered once per process instead of on every
request.

Such a fragment sees only the values passed to the tag, which with the active language and the
URL prefix make its key. Nothing else it shows can change while the process runs: URLs, the
static files' hashed names and the translations are fixed at start. In development (DEBUG) it is
rendered every time, so that an edited template shows at once.
"""

from __future__ import annotations

import functools

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def include_cached(template_name: str, **values: object) -> SafeString:
    """Like {% include template_name with ... only %}; pass plain values (flags, names), never
    per-request ones (a CSRF token, the query string): they are the key."""
    if settings.DEBUG:
        return _render(template_name, get_language(), get_script_prefix(), tuple(values.items()))
    return _rendered(
        template_name, get_language(), get_script_prefix(), tuple(sorted(values.items()))
    )


def _render(template_name: str, language: str | None, prefix: str, values: tuple) -> SafeString:
    # The language and the prefix are the active ones: arguments only to be part of the key.
    return render_to_string(template_name, dict(values))


# A few variants each (languages × kinds of visitor × the page's URL name for the menu).
_rendered = functools.lru_cache(maxsize=1024)(_render)


@receiver(setting_changed)
def _forget_rendered(**kwargs: object) -> None:
    # Tests change languages, URLs and storages: the next page renders its fragments again.
    _rendered.cache_clear()
