"""The public statistics page /statistiche/: the figures, their charts and tables, the cache."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certification.models import Application, Audit, ChecklistSection, Regione, Report, Seal
from certification.scoring import NA
from certification.services.audits import audit_result
from certification.services.seals import add_months, seal_revoke, seal_suspend
from certification.services.statistics import (
    bucket_of,
    lead_section_scores,
    statistics_compute,
)
from codice.models import CodeVersion
from tests.certification.seal_helpers import another_auditor, approve
from tests.certification.statistics_helpers import decided, firm_in, report, seal_of, tables
from tests.factories import ApplicationFactory, make_checklist, make_version

pytestmark = pytest.mark.django_db

URL = "/statistiche/"
S = Application.Status
REGIONS = "Aziende certificate per regione"
APPLICATIONS = "Domande di certificazione per stato"
REPORTS = "Segnalazioni per categoria ed esito"
MONTHLY = "Bollini rilasciati e segnalazioni ricevute per mese, ultimi 24 mesi"


def sections_caption() -> str:
    return (
        "Verifiche per sezione e fascia di punteggio, versione "
        f"{CodeVersion.objects.current().number} del codice"
    )


def page_tables(client) -> dict:
    response = client.get(URL)
    assert response.status_code == 200
    return tables(response.text)


def test_the_address_is_the_one_printed_in_the_product():
    assert reverse("certification:statistics") == URL


def test_an_empty_scheme_shows_every_region_status_and_category_at_zero(client):
    found = page_tables(client)
    regions = found[REGIONS]
    assert [name for name in regions if name != "Italia"] == list(Regione.labels)
    assert all(cells == ["0", "0", "0"] for cells in regions.values())
    assert list(found[APPLICATIONS]) == [*map(str, Application.Status.labels), "Totale"]
    assert all(cells == ["0"] for cells in found[APPLICATIONS].values())
    assert list(found[REPORTS])[:-1] == list(map(str, Report.Category.labels))
    assert len(found[MONTHLY]) == 24
    assert "Il codice non è ancora stato pubblicato" in client.get(URL).text


def test_every_chart_is_an_svg_image_named_by_its_title(
    client, firm_a, applicant, committee, auditor
):
    approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    html = client.get(URL).text
    svgs = re.findall(r"<svg [^>]*>", html)
    charts = [tag for tag in svgs if "bb-chart-svg" in tag]
    # regions, applications, reports, two monthly charts, one per checklist section (A and B)
    assert len(charts) == 7
    for tag in charts:
        assert 'role="img"' in tag
        title_id, desc_id = re.search(r'aria-labelledby="([^"]+)"', tag).group(1).split()
        assert re.search(rf'<title id="{title_id}">[^<]+</title>', html)
        assert re.search(rf'<desc id="{desc_id}">[^<]+</desc>', html)
    assert html.count("<caption>") == 5
    assert html.count('<th scope="col"') >= 14
    # SVG coordinates are written with a dot whatever the language of the page
    assert not re.search(r'(?:x|y|width|height)="\d+,\d', html)


def test_certified_firms_are_counted_by_region_active_and_suspended_apart(
    client, committee, auditor
):
    milano = decided(firm=firm_in("MI", "Milano"), committee=committee, lead=auditor)
    decided(firm=firm_in("MI", "Monza"), committee=committee, lead=auditor)
    napoli = decided(firm=firm_in("NA", "Napoli"), committee=committee, lead=auditor)
    roma = decided(firm=firm_in("RM", "Roma"), committee=committee, lead=auditor)
    seal_suspend(
        seal=seal_of(napoli), by=committee, reason="Verifica", public_reason="segnalazioni"
    )
    seal_revoke(seal=seal_of(roma), by=committee, reason="Revoca", public_reason="non_conformita")
    seal_suspend(
        seal=seal_of(milano), by=committee, reason="Verifica", public_reason="segnalazioni"
    )

    regions = page_tables(client)[REGIONS]
    assert regions["Lombardia"] == ["1", "1", "2"]
    assert regions["Campania"] == ["0", "1", "1"]
    assert regions["Lazio"] == ["0", "0", "0"]  # a revoked seal is no certification
    assert regions["Italia"] == ["1", "2", "3"]
    html = client.get(URL).text
    assert re.search(r"bb-stat-number[^>]*>3<", html)  # certified firms, at the top
    assert "di cui 2 con bollino sospeso" in html
    assert re.search(r"bb-stat-number[^>]*>4<", html)  # seals issued, the revoked one too


def test_applications_are_counted_in_every_status(client, committee, auditor):
    for status, count in ((S.DRAFT, 2), (S.SUBMITTED, 1), (S.UNDER_REVIEW, 1), (S.WITHDRAWN, 1)):
        for _ in range(count):
            application = ApplicationFactory()
            Application.objects.filter(pk=application.pk).update(
                status=status, submitted_at=timezone.now()
            )
    decided(firm=firm_in("TO", "Torino"), committee=committee, lead=auditor)
    decided(firm=firm_in("TO", "Ivrea"), committee=committee, lead=auditor, outcome="respinta")

    found = page_tables(client)[APPLICATIONS]
    assert found["Bozza"] == ["2"]
    assert found["Inviata"] == ["1"]
    assert found["In istruttoria"] == ["1"]
    assert found["Integrazione richiesta"] == ["0"]
    assert found["Approvata"] == ["1"]
    assert found["Respinta"] == ["1"]
    assert found["Ritirata"] == ["1"]
    assert found["Totale"] == ["7"]


@pytest.mark.parametrize(
    ("percentage", "bucket"),
    [
        ("0", 0),
        ("49.99", 0),
        ("50", 1),
        ("69.99", 1),
        ("70", 2),
        ("84.99", 2),
        ("85", 3),
        ("100", 3),
    ],
)
def test_a_section_percentage_falls_in_the_bucket_of_its_whole_part(percentage, bucket):
    assert bucket_of(Decimal(percentage)) == bucket


def _scored_cases(committee, auditor):
    """Three decided applications, one evaluated but undecided; one with a second auditor
    whose different scores must not count."""
    second = another_auditor(2)
    decided(firm=firm_in("MI", "Milano"), committee=committee, lead=auditor)  # A 44.44, B 100
    decided(  # A 100 (A.2 N/A), B 66.67
        firm=firm_in("NA", "Napoli"),
        committee=committee,
        lead=auditor,
        scores={"A.1": 3, "A.2": NA, "B.1": 2},
        second=second,
        second_scores={"A.1": 0, "A.2": 0, "B.1": 0},
    )
    decided(  # A 66.67, B 66.67, rejected: still a decided application
        firm=firm_in("RM", "Roma"),
        committee=committee,
        lead=auditor,
        scores={"A.1": 2, "A.2": 2, "B.1": 2},
        outcome="respinta",
    )


def test_section_scores_follow_the_lead_audit_of_decided_applications(client, committee, auditor):
    _scored_cases(committee, auditor)
    # evaluated, no decision yet: not counted
    undecided = ApplicationFactory(organization=firm_in("TO", "Torino"))
    Application.objects.filter(pk=undecided.pk).update(
        status=S.EVALUATED, submitted_at=timezone.now()
    )

    found = page_tables(client)[sections_caption()]
    assert found["A – Orari e modalità delle chiamate"] == ["1", "1", "0", "1", "3"]
    assert found["B – Consenso e RPO"] == ["0", "2", "0", "1", "3"]
    assert "(3 verifiche)" in client.get(URL).text


def test_section_percentages_agree_with_the_scoring_engine(committee, auditor):
    _scored_cases(committee, auditor)
    version = CodeVersion.objects.current()
    computed = lead_section_scores(version)
    codes = dict(ChecklistSection.objects.filter(version=version).values_list("code", "pk"))
    leads = Audit.objects.filter(role=Audit.Role.LEAD).select_related("application__code_version")
    assert len(computed) == leads.count() == 3
    for audit in leads:
        engine = {codes[s.code]: s.score for s in audit_result(audit).sections}
        assert computed[audit.pk] == engine
    assert sorted(v for by in computed.values() for v in by.values()) == [
        Decimal("44.44"),
        Decimal("66.67"),
        Decimal("66.67"),
        Decimal("66.67"),
        Decimal("100.00"),
        Decimal("100.00"),
    ]


def test_a_section_whose_items_are_all_not_applicable_is_not_counted(committee, auditor):
    version = make_version("2.0", status=CodeVersion.Status.DRAFT)
    make_checklist(
        version,
        [
            ("A", "Orari", [("A.1", "1", False, False, "")]),
            ("C", "Subappalti", [("C.1", "1", False, True, "")]),
        ],
    )
    _publish(version, committee)
    decided(
        firm=firm_in("MI", "Milano"),
        committee=committee,
        lead=auditor,
        scores={"A.1": 2, "C.1": NA},
    )
    decided(
        firm=firm_in("NA", "Napoli"), committee=committee, lead=auditor, scores={"A.1": 3, "C.1": 1}
    )

    computed = lead_section_scores(version)
    codes = dict(ChecklistSection.objects.filter(version=version).values_list("code", "pk"))
    assert sorted(computed.values(), key=len) == [
        {codes["A"]: Decimal("66.67")},
        {codes["A"]: Decimal("100.00"), codes["C"]: Decimal("33.33")},
    ]
    figures = statistics_compute()
    assert [(s.code, s.buckets) for s in figures.sections] == [
        ("A", (0, 1, 0, 1)),
        ("C", (1, 0, 0, 0)),
    ]
    assert figures.decided_audits == 2


def _publish(version: CodeVersion, by) -> None:
    version.status = CodeVersion.Status.PUBLISHED
    version.effective_date = datetime.date(2025, 1, 1)
    version.published_at = timezone.now()
    version.published_by = by
    version.save()


def test_percentages_agree_with_the_engine_on_fractional_weights(committee, auditor):
    version = make_version("2.0", status=CodeVersion.Status.DRAFT)
    make_checklist(
        version,
        [
            ("A", "Orari", [("A.1", "0.33", False, False, ""), ("A.2", "1.25", False, True, "")]),
            (
                "B",
                "Consenso",
                [("B.1", "2.50", False, False, ""), ("B.2", "0.07", False, False, "")],
            ),
        ],
    )
    _publish(version, committee)
    cases = [
        {"A.1": 1, "A.2": 2, "B.1": 3, "B.2": 1},
        {"A.1": 2, "A.2": NA, "B.1": 1, "B.2": 0},
        {"A.1": 0, "A.2": 1, "B.1": 2, "B.2": 3},
    ]
    for n, scores in enumerate(cases):
        decided(firm=firm_in("MI", f"Comune {n}"), committee=committee, lead=auditor, scores=scores)

    computed = lead_section_scores(version)
    codes = dict(ChecklistSection.objects.filter(version=version).values_list("code", "pk"))
    for audit in Audit.objects.select_related("application__code_version"):
        assert computed[audit.pk] == {codes[s.code]: s.score for s in audit_result(audit).sections}
    assert len(computed) == 3


def test_reports_are_counted_by_category_and_outcome(client, firm_a, association_member):
    now = timezone.now()
    by = association_member
    closed = Report.Status.CLOSED
    report(firm_a, by=by, status=closed, outcome="fondata")
    report(firm_a, by=by, status=closed, outcome="fondata")
    report(firm_a, by=by, status=closed, outcome="infondata")
    report(firm_a, by=by, category=Report.Category.OPPOSITION_REGISTER)
    report(firm_a, by=by, category=Report.Category.NO_CONSENT, status=Report.Status.FORWARDED)
    report(  # founded, but closed more than 12 months ago
        firm_a,
        by=by,
        category=Report.Category.AGGRESSIVE,
        status=closed,
        outcome="fondata",
        closed_at=now - datetime.timedelta(days=400),
    )

    found = page_tables(client)[REPORTS]
    assert found["Chiamata fuori dagli orari consentiti"] == ["2", "1", "0", "3"]
    assert found["Numero iscritto al Registro Pubblico delle Opposizioni"] == ["0", "0", "1", "1"]
    assert found["Chiamata senza consenso"] == ["0", "0", "1", "1"]
    assert found["Condotta aggressiva o ingannevole"] == ["1", "0", "0", "1"]
    assert found["Altro"] == ["0", "0", "0", "0"]
    assert found["Totale"] == ["3", "1", "2", "6"]
    assert statistics_compute().founded_last_year == 2


def test_seals_and_reports_are_counted_per_month_for_24_months(
    client, committee, auditor, association_member
):
    now = timezone.now()
    today = timezone.localdate(now)

    def month_start(back: int) -> datetime.datetime:
        day = add_months(today.replace(day=1), -back)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 30)))

    decided(firm=firm_in("MI", "Milano"), committee=committee, lead=auditor)
    decided(firm=firm_in("MI", "Lodi"), committee=committee, lead=auditor, at=month_start(3))
    decided(firm=firm_in("NA", "Napoli"), committee=committee, lead=auditor, at=month_start(23))
    decided(firm=firm_in("RM", "Roma"), committee=committee, lead=auditor, at=month_start(24))
    firm = Seal.objects.first().organization
    report(firm, by=association_member)
    report(firm, by=association_member, created_at=month_start(3))
    report(firm, by=association_member, created_at=month_start(3) + datetime.timedelta(days=2))
    report(firm, by=association_member, created_at=month_start(30))

    figures = statistics_compute()
    assert len(figures.months) == 24
    assert figures.months[-1] == today.replace(day=1)
    assert figures.seals_per_month[-1] == 1
    assert figures.seals_per_month[-4] == 1
    assert figures.seals_per_month[0] == 1  # 23 months back: the oldest month shown
    assert sum(figures.seals_per_month) == 3  # 24 months back is out of the window
    assert figures.reports_per_month[-1] == 1
    assert figures.reports_per_month[-4] == 2
    assert sum(figures.reports_per_month) == 3

    monthly = page_tables(client)[MONTHLY]
    italian = ["Gennaio", "Febbraio", "Marzo", "Aprile", "Maggio", "Giugno", "Luglio", "Agosto",
               "Settembre", "Ottobre", "Novembre", "Dicembre"]  # fmt: skip
    assert monthly[f"{italian[today.month - 1]} {today.year}"] == ["1", "1"]
    assert sum(int(cells[0]) for cells in monthly.values()) == 3


def test_a_warm_page_runs_no_query(
    client, django_assert_num_queries, firm_a, applicant, committee, auditor
):
    approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    client.get(URL)
    with django_assert_num_queries(0):
        response = client.get(URL)
    assert tables(response.text)[REGIONS]["Lombardia"] == ["1", "0", "1"]


def test_figures_are_kept_until_the_cache_expires(client, firm_a, applicant, committee, auditor):
    client.get(URL)
    approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    assert page_tables(client)[REGIONS]["Lombardia"] == ["0", "0", "0"]
    cache.clear()
    assert page_tables(client)[REGIONS]["Lombardia"] == ["1", "0", "1"]


def test_with_no_cache_time_the_figures_are_computed_every_time(
    client, settings, firm_a, applicant, committee, auditor
):
    settings.STATISTICS_CACHE_SECONDS = 0
    client.get(URL)
    approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    assert page_tables(client)[REGIONS]["Lombardia"] == ["1", "0", "1"]


def _grow(start: int, stop: int, *, committee, auditor, association_member) -> None:
    """Firms start..stop-1: each with a decided application (every fifth rejected), a draft
    application of another firm, an open report and a founded one."""
    provinces = [("MI", "Milano"), ("NA", "Napoli"), ("RM", "Roma"), ("TO", "Torino")]
    for i in range(start, stop):
        sigla, comune = provinces[i % len(provinces)]
        application = decided(
            firm=firm_in(sigla, comune),
            committee=committee,
            lead=auditor,
            outcome="respinta" if i % 5 == 4 else "approvata",
        )
        ApplicationFactory()
        report(application.organization, by=association_member)
        report(
            application.organization,
            by=association_member,
            status=Report.Status.CLOSED,
            outcome="fondata",
        )


def _cold_queries(client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_page_does_not_grow_in_queries_with_the_data(
    client, committee, auditor, association_member
):
    _grow(0, 2, committee=committee, auditor=auditor, association_member=association_member)
    small = _cold_queries(client)
    _grow(2, 20, committee=committee, auditor=auditor, association_member=association_member)
    large = _cold_queries(client)
    assert small == large
    assert large <= 11
    found = page_tables(client)
    assert found[REGIONS]["Italia"] == ["16", "0", "16"]
    assert found[APPLICATIONS]["Totale"] == ["40"]
    assert found[REPORTS]["Totale"] == ["20", "0", "20", "40"]


def test_the_page_answers_only_reads(client):
    assert client.post(URL).status_code == 405
    assert client.head(URL).status_code == 200


def test_the_charts_are_drawn_once_for_the_same_figures_in_each_language(client, monkeypatch):
    from certification.views import statistics as statistics_view

    drawn = []
    draw = statistics_view.statistics_charts
    monkeypatch.setattr(
        statistics_view, "statistics_charts", lambda figures: drawn.append(1) or draw(figures)
    )
    italian = client.get(URL).text
    assert tables(client.get(URL).text) == tables(italian)
    assert len(drawn) == 1
    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").text
    assert len(drawn) == 2
    assert "Il Bollino Blu in numeri" in italian
    assert "Il Bollino Blu in numeri" not in english
    cache.clear()  # new figures: drawn again
    client.get(URL)
    assert len(drawn) == 3
