"""The public statistics page (/statistiche/): the scheme's figures as charts and tables."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from certification.services.statistics import statistics_charts, statistics_figures
from oic_portal.cache import cached_once


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    figures = statistics_figures()
    # The charts drawn from the same figures are the same for everyone in one language: drawn
    # once, kept as long as the figures.
    key = f"statistics-content:{get_language()}:{figures.computed_at.isoformat()}"
    content = cached_once(
        key,
        lambda: render_to_string(
            "certification/statistics/_content.html", statistics_charts(figures), request=request
        ),
        settings.STATISTICS_CACHE_SECONDS,
    )
    return render(request, "certification/statistics/page.html", {"content": content})


urlpatterns = [
    path("statistiche/", statistics, name="statistics"),
]
