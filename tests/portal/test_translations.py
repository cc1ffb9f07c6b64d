"""Italian is the source language; the English catalogue must be complete and in use."""

import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def _entries(path: Path) -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstrs, fuzzy) for every entry but the header, read from a .po file."""
    return [(msgid, msgstrs, fuzzy) for msgid, _plural, msgstrs, fuzzy in _full_entries(path)]


def _full_entries(path: Path) -> list[tuple[str, str, list[str], bool]]:
    """(msgid, msgid_plural, msgstrs, fuzzy) for every entry but the header."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.strip().splitlines()
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgid, plural, msgstrs, current = [], [], [], None
        for line in lines:
            if line.startswith("msgid "):
                current = msgid
                current.append(line[6:])
            elif line.startswith("msgid_plural "):
                current = plural
                current.append(line[13:])
            elif re.match(r"msgstr(\[\d\])? ", line):
                current = []
                msgstrs.append(current)
                current.append(line.split(" ", 1)[1])
            elif line.startswith('"') and current is not None:
                current.append(line)
        text = "".join(part.strip('"') for part in msgid)
        if msgid and text:
            entries.append(
                (
                    text,
                    "".join(part.strip('"') for part in plural),
                    ["".join(p.strip('"') for p in s) for s in msgstrs],
                    fuzzy,
                )
            )
    return entries


@pytest.mark.parametrize("language", ["it", "en"])
def test_every_message_is_translated(language):
    entries = _entries(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    missing = [msgid for msgid, msgstrs, _ in entries if not all(msgstrs)]
    fuzzy = [msgid for msgid, _, is_fuzzy in entries if is_fuzzy]
    assert missing == [], f"untranslated in {language}: {missing[:10]}"
    assert fuzzy == [], f"fuzzy in {language}: {fuzzy[:10]}"


def test_placeholders_survive_translation():
    """Each form keeps the placeholders of its source: the singular those of msgid, the
    plural forms those of msgid_plural."""

    def names(text: str) -> set[str]:
        return set(re.findall(r"%\(\w+\)[sd]", text))

    for msgid, plural, msgstrs, _ in _full_entries(LOCALE / "en" / "LC_MESSAGES" / "django.po"):
        for index, msgstr in enumerate(msgstrs):
            source = plural if plural and index > 0 else msgid
            assert names(msgstr) == names(source), msgid


@pytest.mark.django_db
def test_pages_render_in_english_when_chosen(client):
    from tests.factories import make_version

    make_version("2.0", articles=[("orari", "Orari", "Dalle 9 alle 20.")])
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/codice/"})
    assert response.status_code == 302
    for url in ["/", "/codice/", "/decalogo/", "/codice/versioni/", "/accesso/", "/privacy/"]:
        page = client.get(url).text
        assert '<html lang="en">' in page, url
        assert "Log in" in page, url
        assert "Vai al contenuto principale" not in page, url
        assert "Skip to main content" in page, url


@pytest.mark.django_db
def test_pages_are_italian_by_default(client):
    page = client.get("/").text
    assert '<html lang="it">' in page
    assert "Vai al contenuto principale" in page


def test_the_italian_catalogue_is_the_source_text():
    """Italian is the source language: a msgstr that differs from its msgid is a wrong guess."""
    for msgid, msgstrs, _ in _entries(LOCALE / "it" / "LC_MESSAGES" / "django.po"):
        assert msgstrs[0] == msgid, msgid
