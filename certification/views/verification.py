"""Public verification of a seal: the QR code's target (PRODUCT §9, addresses never change)."""

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, register_converter

from certification.certificates import certificate_path
from certification.models import Seal


class SealNumberConverter:
    """Anything made of letters, digits and dashes: a malformed number reaches the view, which
    answers with a clear 404 page instead of the generic one."""

    regex = "[A-Za-z0-9-]{1,40}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SealNumberConverter, "seal_number")


def verify(request):
    return render(request, "certification/verification/form.html", {})


def verify_seal(request, number: str):
    seal = get_object_or_404(Seal, number=number.upper())
    return render(request, "certification/verification/seal.html", {"seal": seal})


def verify_seal_json(request, number: str):
    seal = get_object_or_404(Seal, number=number.upper())
    return JsonResponse({"number": seal.number, "status": seal.status})


def verify_certificate(request, number: str):
    seal = get_object_or_404(Seal, number=number.upper())
    if not seal.certificate_available:
        raise Http404
    return FileResponse(certificate_path(seal).open("rb"), content_type="application/pdf")


urlpatterns = [
    path("verifica/", verify, name="verify"),
    path("verifica/<seal_number:number>/", verify_seal, name="verify_seal"),
    path("verifica/<seal_number:number>.json", verify_seal_json, name="verify_seal_json"),
    path(
        "verifica/<seal_number:number>/certificato.pdf",
        verify_certificate,
        name="verify_certificate",
    ),
]
