"""Thin tasks: load the row, call the service, retry on failure."""

from celery import shared_task

from codice.models import CodeVersion
from codice.pdf import render_code_pdf


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def prerender_code_pdf(version_id: int) -> None:
    """Render and cache the PDF of a newly published version before anyone asks for it."""
    version = CodeVersion.objects.filter(pk=version_id).first()
    if version is None or version.is_draft:
        return
    render_code_pdf(version)
