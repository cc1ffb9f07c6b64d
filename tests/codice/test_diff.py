"""The word-level diff: pure functions, no database."""

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from codice.diff import compare_versions, diff_words, tokenize


def changed(segments, op):
    return [text for kind, text in segments if kind == op]


def test_tokenize_keeps_every_character():
    text = "Art. 3 — l'operatore, dalle 9 alle 20;\n\nnon oltre!"
    assert "".join(tokenize(text)) == text
    assert tokenize("dalle 9, alle 20.") == ["dalle", " ", "9", ",", " ", "alle", " ", "20", "."]


def test_a_changed_word_is_the_only_thing_marked():
    segments = diff_words(
        "Le chiamate sono effettuate dalle 9 alle 20 nei giorni feriali.",
        "Le chiamate sono effettuate dalle 9 alle 19 nei giorni feriali.",
    )
    assert segments == [
        ("equal", "Le chiamate sono effettuate dalle 9 alle "),
        ("delete", "20"),
        ("insert", "19"),
        ("equal", " nei giorni feriali."),
    ]


def test_an_inserted_word_is_marked_without_touching_its_neighbours():
    segments = diff_words("uno tre", "uno due tre")
    assert [t.strip() for t in changed(segments, "insert")] == ["due"]
    assert changed(segments, "delete") == []
    assert "".join(t for op, t in segments if op != "delete") == "uno due tre"


def test_a_deleted_word_is_marked_alone():
    segments = diff_words("il consenso libero e specifico", "il consenso specifico")
    assert [t.strip() for t in changed(segments, "delete")] == ["libero e"]
    assert changed(segments, "insert") == []


def test_punctuation_is_a_change_of_its_own():
    segments = diff_words("dalle 9 alle 20", "dalle 9, alle 20")
    assert segments == [("equal", "dalle 9"), ("insert", ","), ("equal", " alle 20")]
    segments = diff_words("Fine.", "Fine!")
    assert changed(segments, "delete") == ["."]
    assert changed(segments, "insert") == ["!"]


def test_adjacent_changed_words_form_one_span_each_side():
    segments = diff_words("il gatto nero dorme", "il cane bianco dorme")
    assert segments == [
        ("equal", "il "),
        ("delete", "gatto nero"),
        ("insert", "cane bianco"),
        ("equal", " dorme"),
    ]


def test_a_word_is_never_split():
    segments = diff_words("telemarketing", "telemarketing selvaggio")
    assert segments == [("equal", "telemarketing"), ("insert", " selvaggio")]
    segments = diff_words("operatore", "operatrice")
    assert segments == [("delete", "operatore"), ("insert", "operatrice")]


def test_identical_texts_have_no_change():
    assert diff_words("uguale.", "uguale.") == [("equal", "uguale.")]
    assert diff_words("", "") == []


def test_text_is_left_raw_for_the_template_to_escape():
    segments = diff_words("a <b>", "a <i>")
    assert ("delete", "b") in segments
    assert ("insert", "i") in segments
    assert "".join(t for op, t in segments if op != "delete") == "a <i>"


words = st.lists(
    st.sampled_from(["il", "la", "consenso", "9", "20", ",", ".", " ", "\n", "  ", "è", "l'"]),
    max_size=25,
).map("".join)


@given(words, words)
def test_segments_rebuild_both_texts(old, new):
    segments = diff_words(old, new)
    assert "".join(t for op, t in segments if op != "insert") == old
    assert "".join(t for op, t in segments if op != "delete") == new
    assert all(text for _, text in segments)
    # Neighbouring segments never share an operation: each change is one span.
    assert all(a[0] != b[0] for a, b in zip(segments, segments[1:], strict=False))


# --- versions -------------------------------------------------------------------------------


class Rel:
    def __init__(self, items):
        self.items = items

    def all(self):
        return self.items


def art(key, number, title, body):
    return SimpleNamespace(key=key, number=number, title=title, body=body)


def entry(audience, title, body):
    return SimpleNamespace(audience=audience, title=title, body=body)


def version(articles, decalogo=()):
    return SimpleNamespace(articles=Rel(list(articles)), decalogo=Rel(list(decalogo)))


def test_compare_versions_sorts_articles_by_their_stable_key():
    old = version(
        [
            art("orari", "1", "Orari", "Dalle 9 alle 20."),
            art("roc", "2", "ROC", "Iscrizione al ROC."),
            art("script", "3", "Script", "Uno script per campagna."),
        ]
    )
    new = version(
        [
            art("orari", "1", "Orari delle chiamate", "Dalle 9 alle 19."),
            art("rpo", "2", "Registro delle opposizioni", "Verifica prima di ogni campagna."),
            art("script", "3", "Script", "Uno script per campagna."),
        ]
    )
    result = compare_versions(old, new)
    assert [a.key for a in result.added] == ["rpo"]
    assert [a.key for a in result.removed] == ["roc"]
    assert [c.new.key for c in result.changed] == ["orari"]
    assert [u.new.key for u in result.unchanged] == ["script"]
    item = result.changed[0]
    assert changed(item.title_segments, "insert") == [" delle chiamate"]
    assert changed(item.body_segments, "delete") == ["20"]
    assert changed(item.body_segments, "insert") == ["19"]
    assert result.has_changes


def test_a_renumbered_article_with_the_same_text_is_unchanged():
    old = version([art("orari", "1", "Orari", "Testo.")])
    new = version([art("nuovo", "1", "Nuovo", "Altro."), art("orari", "2", "Orari", "Testo.")])
    result = compare_versions(old, new)
    assert result.changed == []
    assert [u.new.key for u in result.unchanged] == ["orari"]
    assert result.unchanged[0].renumbered


def test_a_title_change_alone_counts_as_a_change():
    old = version([art("orari", "1", "Orari", "Testo.")])
    new = version([art("orari", "1", "Fasce orarie", "Testo.")])
    item = compare_versions(old, new).changed[0]
    assert item.title_changed
    assert not item.body_changed


def test_identical_versions_have_no_changes():
    articles = [art("orari", "1", "Orari", "Testo.")]
    result = compare_versions(version(articles), version(articles))
    assert not result.has_changes
    assert len(result.unchanged) == 1


def test_decalogo_entries_are_compared_by_audience_and_title():
    old = version(
        [],
        [
            entry("consumatori", "Opposizione", "Puoi opporti sempre."),
            entry("aziende", "Identità", "Mostra il numero."),
        ],
    )
    new = version(
        [],
        [
            entry("consumatori", "Opposizione", "Puoi opporti in ogni momento."),
            entry("aziende", "Orari", "Chiama solo negli orari consentiti."),
        ],
    )
    decalogo = compare_versions(old, new).decalogo
    assert [e.title for e in decalogo.added] == ["Orari"]
    assert [e.title for e in decalogo.removed] == ["Identità"]
    assert [c.new.title for c in decalogo.changed] == ["Opposizione"]
    assert changed(decalogo.changed[0].body_segments, "delete") == ["sempre"]
    assert changed(decalogo.changed[0].body_segments, "insert") == ["in ogni momento"]
