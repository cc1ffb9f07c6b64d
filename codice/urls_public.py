# These addresses are printed and linked from outside (PRODUCT §9): never change them.
from django.urls import path, re_path

from codice.views import public

app_name = "codice"

VERSION = r"(?P<number>\d+\.\d+)"

urlpatterns = [
    path("codice/", public.current, name="current"),
    path("codice/versioni/", public.versions, name="versions"),
    path("codice/confronta/", public.compare, name="compare"),
    path("codice/codice.pdf", public.pdf_current, name="pdf_current"),
    re_path(rf"^codice/{VERSION}/$", public.version_detail, name="version"),
    re_path(rf"^codice/{VERSION}/codice\.pdf$", public.pdf, name="pdf"),
    path("decalogo/", public.decalogo, name="decalogo"),
    re_path(rf"^decalogo/{VERSION}/$", public.decalogo_version, name="decalogo_version"),
]
