"""The code PDF renders on a real Celery worker through the Redis broker after a publish."""

import io

import pytest
from pypdf import PdfReader

from codice.pdf import cache_path
from codice.services import codeversion_publish
from tests.celery_worker import celery_worker, wait_for
from tests.factories import make_version

pytestmark = pytest.mark.django_db(transaction=True)


def test_publishing_renders_the_pdf_on_a_worker(committee, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    draft = make_version(
        "4.0",
        status="bozza",
        articles=[("orari", "Fasce orarie delle chiamate", "Dalle 9 alle 20 nei giorni feriali.")],
    )
    with celery_worker({"PRIVATE_STORAGE_ROOT": str(tmp_path)}):
        import datetime

        codeversion_publish(version=draft, by=committee, effective_date=datetime.date(2026, 1, 1))
        draft.refresh_from_db()
        path = cache_path(draft)
        wait_for(lambda: path.exists(), timeout=90)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "Fasce orarie delle chiamate" in text
    assert "4.0" in text
