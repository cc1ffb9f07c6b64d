"""The public statistics page (/statistiche/): the scheme's figures as charts and tables."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from certification.services.statistics import statistics_charts, statistics_figures


@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    context = statistics_charts(statistics_figures())
    return render(request, "certification/statistics/page.html", context)


urlpatterns = [
    path("statistiche/", statistics, name="statistics"),
]
