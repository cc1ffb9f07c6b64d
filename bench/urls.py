"""The portal's URLs plus the baseline of bench/web.py: a trivial view that does one query by
indexed primary key, served through the same middleware as every page."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from certification.models import Organization
from oic_portal.urls import urlpatterns as portal_urlpatterns


def baseline(request: HttpRequest, pk: int) -> HttpResponse:
    name = Organization.objects.filter(pk=pk).values_list("legal_name", flat=True).first()
    return HttpResponse(name or "", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/baseline/<int:pk>/", baseline), *portal_urlpatterns]
