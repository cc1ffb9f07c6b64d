"""The code as PDF: /codice/codice.pdf, /codice/<n>/codice.pdf and codice.pdf.render_code_pdf."""

import datetime
import io
import os
import re

import pytest
from pypdf import PdfReader

from codice import pdf as codice_pdf
from codice.models import CodeVersion
from tests.factories import make_version

ARTICLES = [
    ("orari", "Orari delle chiamate", "Le chiamate sono effettuate dalle 9 alle 20."),
    ("identita", "Identificazione del chiamante", "Il numero chiamante è **sempre** visibile."),
]


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def current_version(db):
    make_version(
        "1.0",
        status=CodeVersion.Status.SUPERSEDED,
        articles=[("orari", "Orari", "Dalle 9 alle 21.")],
        effective_date=datetime.date(2024, 1, 1),
    )
    return make_version("2.0", articles=ARTICLES, effective_date=datetime.date(2025, 6, 1))


@pytest.fixture
def draft(current_version):
    return make_version(
        "3.0",
        status=CodeVersion.Status.DRAFT,
        articles=[("bozza", "Articolo in bozza", "Testo riservato.")],
    )


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_holds_the_title_and_the_articles(current_version):
    data = codice_pdf.render_code_pdf(current_version)
    assert data.startswith(b"%PDF")
    content = pdf_text(data)
    assert "Codice versione 2.0" in content
    assert "Orari delle chiamate" in content
    assert "Identificazione del chiamante" in content
    assert "1 giugno 2025" in content
    assert re.search(r"Pagina 1 di [1-9]", content)
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title.startswith("Codice versione 2.0")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def test_a_published_version_is_rendered_once_and_cached(current_version, monkeypatch, settings):
    path = settings.PRIVATE_STORAGE_ROOT / "codice" / "codice-2.0.pdf"
    assert not path.exists()
    first = codice_pdf.render_code_pdf(current_version)
    assert path.read_bytes() == first
    # No temporary file is left beside it.
    assert [p.name for p in path.parent.iterdir()] == ["codice-2.0.pdf"]

    def fail(version):
        raise AssertionError("rendered again instead of reading the cache")

    monkeypatch.setattr(codice_pdf, "render_pdf_bytes", fail)
    assert codice_pdf.render_code_pdf(current_version) == first


def test_a_cache_file_older_than_the_publication_is_rendered_again(current_version, settings):
    path = settings.PRIVATE_STORAGE_ROOT / "codice" / "codice-2.0.pdf"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"%PDF stale from another database")
    old = current_version.published_at.timestamp() - 3600
    os.utime(path, (old, old))
    data = codice_pdf.render_code_pdf(current_version)
    assert b"stale" not in data
    assert path.read_bytes() == data


def test_a_draft_is_never_cached(draft, settings):
    data = codice_pdf.render_code_pdf(draft)
    assert "Articolo in bozza" in pdf_text(data)
    assert "BOZZA" in pdf_text(data)
    assert not (settings.PRIVATE_STORAGE_ROOT / "codice" / "codice-3.0.pdf").exists()


# --- views ----------------------------------------------------------------------------------


def test_the_current_code_downloads_as_pdf(client, current_version):
    response = client.get("/codice/codice.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="codice-2.0.pdf"'
    assert "Orari delle chiamate" in pdf_text(response.content)


def test_a_past_version_downloads_as_pdf(client, current_version):
    response = client.get("/codice/1.0/codice.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="codice-1.0.pdf"'
    assert "Dalle 9 alle 21." in pdf_text(response.content)


def test_there_is_no_pdf_before_the_code_is_published(client, db):
    assert client.get("/codice/codice.pdf").status_code == 404


def test_a_draft_pdf_is_hidden_from_the_public(client, draft, applicant):
    assert client.get("/codice/3.0/codice.pdf").status_code == 404
    client.force_login(applicant)
    assert client.get("/codice/3.0/codice.pdf").status_code == 404
    assert client.get("/codice/8.0/codice.pdf").status_code == 404


def test_the_committee_downloads_a_draft_pdf_marked_as_such(client, draft, committee, settings):
    client.force_login(committee)
    response = client.get("/codice/3.0/codice.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="codice-3.0-bozza.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert "Testo riservato." in pdf_text(response.content)
    assert not (settings.PRIVATE_STORAGE_ROOT / "codice" / "codice-3.0.pdf").exists()


def test_the_pdf_is_in_italian_whatever_the_visitor_language(client, current_version):
    client.cookies["django_language"] = "en"
    response = client.get("/codice/codice.pdf")
    assert "Pagina" in pdf_text(response.content)
