"""The firm's seals and certificates; the committee's register of seals."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path


@login_required
def my_seals(request):
    return render(request, "certification/seals/mine.html", {})


urlpatterns = [
    path("azienda/bollini/", my_seals, name="my_seals"),
]
