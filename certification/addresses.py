"""The addresses of a list's rows, reversed once per page rather than once per row."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse


def address_of(name: str, sample: object) -> Callable[[object], str]:
    """The address of the page `name` for any value of its one argument, reversed once with
    `sample` (a value of the same kind). For arguments that need no quoting: ids, partite IVA,
    seal numbers."""
    sample = str(sample)
    prefix = reverse(name, args=[sample]).removesuffix(f"{sample}/")
    return lambda value: f"{prefix}{value}/"
