"""The committee's list of every application, filtered by status, 25 a page."""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext as _

from certification.addresses import address_of
from certification.forms.applications import StatusFilterForm
from certification.models import Application
from certification.pagination import LargeCountPaginator
from certification.views.applications import committee_view, manage_crumbs
from certification.views.filter_menus import filter_menu

S = Application.Status

# Applications per page of the committee's list, as in its seal register.
MANAGE_PAGE_SIZE = 25


# The columns the committee's list shows, read as plain values: the applications table and its
# joins are wide, and building 75 model instances for a page cost more than its query.
MANAGE_LIST_FIELDS = (
    "pk",
    "kind",
    "status",
    "created_at",
    "submitted_at",
    "organization__legal_name",
    "code_version__number",
)


@functools.cache
def _status_badge(status: str) -> str:
    # The model's rule, asked of a bare application once per status and process.
    return Application(status=status).status_badge


def _manage_rows_html(rows: list[dict]) -> SafeString:
    """The committee's list's table rows, written here in one pass rather than in the
    template, where a url, two get_*_display and two date filters a row were most of the
    page. Every text that comes from an application, a firm or a code version is escaped."""
    if not rows:
        return SafeString("")
    detail = address_of("certification:manage_application", rows[0]["pk"])
    heading = _("Domanda n. %(number)s")
    kinds = {kind.value: escape(kind.label) for kind in Application.Kind}
    statuses = {status.value: escape(status.label) for status in S}
    # localtime() looks the time zone up again for each of the 50 dates.
    zone = get_current_timezone()
    html = []
    for row in rows:
        submitted = row["submitted_at"]
        html.append(
            "<tr>"
            f'<th scope="row"><a href="{detail(row["pk"])}">'
            f"{escape(heading % {'number': row['pk']})}</a></th>"
            f"<td>{escape(row['organization__legal_name'])}</td>"
            f"<td>{kinds[row['kind']]}</td>"
            f'<td><span class="badge {_status_badge(row["status"])}">'
            f"{statuses[row['status']]}</span></td>"
            f"<td>{escape(row['code_version__number'])}</td>"
            f"<td>{row['created_at'].astimezone(zone):%d/%m/%Y}</td>"
            f"<td>{f'{submitted.astimezone(zone):%d/%m/%Y}' if submitted else '—'}</td>"
            "</tr>"
        )
    return SafeString("\n".join(html))


@committee_view("GET")
def manage_applications(request: HttpRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET or None)
    rows = Application.objects.values(*MANAGE_LIST_FIELDS).order_by("-created_at", "-id")
    status = form.cleaned_data["stato"] if form.is_valid() else ""
    if status:
        rows = rows.filter(status=status)
    page = LargeCountPaginator(rows, MANAGE_PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows_html = _manage_rows_html(list(page.object_list))
    return render(
        request,
        "certification/applications/manage_list.html",
        {
            "form": form,
            "status_menu": filter_menu(StatusFilterForm, "stato", request.GET.get("stato")),
            "page": page,
            "rows_html": rows_html,
            "status": status,
            "query": urlencode({"stato": status}) if status else "",
            "crumbs": manage_crumbs(),
        },
    )


urlpatterns = [
    path("gestione/domande/", manage_applications, name="manage_applications"),
]
