"""The committee's list of every application, filtered by status, 25 a page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from certification.addresses import address_of
from certification.forms.applications import StatusFilterForm
from certification.models import Application
from certification.pagination import LargeCountPaginator
from certification.views.applications import committee_view, manage_crumbs

S = Application.Status

# Applications per page of the committee's list, as in its seal register.
MANAGE_PAGE_SIZE = 25


# The columns the committee's list shows: the applications table and its joins are wide.
MANAGE_LIST_FIELDS = (
    "kind",
    "status",
    "created_at",
    "submitted_at",
    "organization__legal_name",
    "code_version__number",
)


def _manage_rows(rows: list[Application]) -> None:
    """What each row of the committee's list shows, worked out here once per page: in the
    template (a url, two get_*_display and two date filters a row) it was most of the page."""
    if not rows:
        return
    detail = address_of("certification:manage_application", rows[0].pk)
    heading = _("Domanda n. %(number)s")
    for application in rows:
        application.url = detail(application.pk)
        application.heading = heading % {"number": application.pk}
        application.kind_label = Application.Kind(application.kind).label
        application.status_label = S(application.status).label
        application.created_on = f"{localtime(application.created_at):%d/%m/%Y}"
        application.submitted_on = (
            f"{localtime(application.submitted_at):%d/%m/%Y}" if application.submitted_at else "—"
        )


@committee_view("GET")
def manage_applications(request: HttpRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET or None)
    rows = (
        Application.objects.select_related("organization", "code_version")
        .only(*MANAGE_LIST_FIELDS)
        .order_by("-created_at", "-id")
    )
    status = form.cleaned_data["stato"] if form.is_valid() else ""
    if status:
        rows = rows.filter(status=status)
    page = LargeCountPaginator(rows, MANAGE_PAGE_SIZE).get_page(request.GET.get("pagina"))
    applications = list(page.object_list)
    _manage_rows(applications)
    return render(
        request,
        "certification/applications/manage_list.html",
        {
            "form": form,
            "page": page,
            "applications": applications,
            "status": status,
            "query": urlencode({"stato": status}) if status else "",
            "crumbs": manage_crumbs(),
        },
    )


urlpatterns = [
    path("gestione/domande/", manage_applications, name="manage_applications"),
]
