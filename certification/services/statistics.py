"""The scheme's figures for /statistiche/ (PRODUCT §7), and the geometry of their SVG charts.

`statistics_compute()` reads the database in a fixed number of queries, whatever the amount of
data; `statistics_figures()` keeps its result in the cache for STATISTICS_CACHE_SECONDS, so a
warm page costs no query. The cached figures hold codes and numbers only: labels are put on at
render time, in the visitor's language, by `statistics_charts()`.
"""

from __future__ import annotations

import datetime
import decimal
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, DecimalField, F, Max, Sum
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from certification.models import (
    Application,
    Audit,
    AuditScore,
    ChecklistSection,
    Regione,
    Report,
    ScaleLevel,
    Seal,
)
from certification.scoring import HUNDRED, TWO_PLACES, round_half_up
from certification.services.seals import add_months
from codice.models import CodeVersion

# Bump when the shape of StatisticsFigures changes, so that no server reads an older pickle.
FIGURES_VERSION = 1
CACHE_KEY = f"statistics:figures:v{FIGURES_VERSION}"
MONTHS = 24
# Lower bounds of the score buckets (percent). A section's percentage falls in the bucket of its
# whole part: 69,99 counts in 50–69.
SCORE_BUCKETS = (0, 50, 70, 85)


# --- the figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionDistribution:
    code: str
    title: str
    buckets: tuple[int, ...]  # how many audits fall in each of SCORE_BUCKETS

    @property
    def audits(self) -> int:
        return sum(self.buckets)


@dataclass(frozen=True)
class StatisticsFigures:
    computed_at: datetime.datetime
    # regione code -> (active seals, suspended seals), all 20 regions
    regions: dict[str, tuple[int, int]]
    # application status -> count, every status
    applications: dict[str, int]
    # the checklist of the code version in force
    version_number: str
    sections: tuple[SectionDistribution, ...]
    decided_audits: int
    # report category -> (founded, unfounded, open), every category
    reports: dict[str, tuple[int, int, int]]
    # the first day of each of the last MONTHS months, oldest first, and the counts of each
    months: tuple[datetime.date, ...]
    seals_per_month: tuple[int, ...]
    reports_per_month: tuple[int, ...]
    seals_issued: int
    founded_last_year: int

    @property
    def certified_active(self) -> int:
        return sum(active for active, _suspended in self.regions.values())

    @property
    def certified_suspended(self) -> int:
        return sum(suspended for _active, suspended in self.regions.values())

    @property
    def certified(self) -> int:
        return self.certified_active + self.certified_suspended


def statistics_figures() -> StatisticsFigures:
    """The figures, from the cache when they are there."""
    figures = cache.get(CACHE_KEY)
    if figures is None:
        figures = statistics_compute()
        if settings.STATISTICS_CACHE_SECONDS > 0:
            cache.set(CACHE_KEY, figures, settings.STATISTICS_CACHE_SECONDS)
    return figures


def statistics_compute(now: datetime.datetime | None = None) -> StatisticsFigures:
    """Every figure, from the database: eleven queries at most, however much data there is."""
    now = now or timezone.now()
    version = CodeVersion.objects.current()
    sections, decided = section_distributions(version) if version else ((), 0)
    today = timezone.localdate(now)
    months = _last_months(today)
    since = timezone.make_aware(datetime.datetime.combine(months[0], datetime.time.min))
    year_ago = now - (today - add_months(today, -12))
    return StatisticsFigures(
        computed_at=now,
        regions=_seals_by_region(),
        applications=_applications_by_status(),
        version_number=version.number if version else "",
        sections=sections,
        decided_audits=decided,
        reports=_reports_by_category(),
        months=months,
        seals_per_month=_per_month(Seal.objects.all(), "issued_at", since, months),
        reports_per_month=_per_month(Report.objects.all(), "created_at", since, months),
        seals_issued=Seal.objects.count(),
        founded_last_year=Report.objects.founded().filter(closed_at__gte=year_ago).count(),
    )


def _seals_by_region() -> dict[str, tuple[int, int]]:
    counts = {code: [0, 0] for code in Regione.values}
    rows = (
        Seal.objects.current()
        .values_list("organization__provincia__regione", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for regione, status, n in rows:
        counts[regione][0 if status == Seal.Status.ACTIVE else 1] += n
    return {code: (active, suspended) for code, (active, suspended) in counts.items()}


def _applications_by_status() -> dict[str, int]:
    counts = dict.fromkeys(Application.Status.values, 0)
    rows = Application.objects.values_list("status").annotate(n=Count("id")).order_by()
    for status, n in rows:
        counts[status] = n
    return counts


def _reports_by_category() -> dict[str, tuple[int, int, int]]:
    counts = {category: [0, 0, 0] for category in Report.Category.values}
    rows = Report.objects.values_list("category", "outcome").annotate(n=Count("id")).order_by()
    column = {Report.Outcome.FOUNDED: 0, Report.Outcome.UNFOUNDED: 1, "": 2}
    for category, outcome, n in rows:
        counts[category][column[outcome]] += n
    return {category: tuple(values) for category, values in counts.items()}


def _last_months(today: datetime.date) -> tuple[datetime.date, ...]:
    first = today.replace(day=1)
    return tuple(add_months(first, -back) for back in range(MONTHS - 1, -1, -1))


def _per_month(
    queryset, field: str, since: datetime.datetime, months: tuple[datetime.date, ...]
) -> tuple[int, ...]:
    # TruncMonth works in the current time zone (Europe/Rome): a seal issued at 00:30 on the
    # 1st, Rome time, counts in that month.
    rows = (
        queryset.filter(**{f"{field}__gte": since})
        .annotate(month=TruncMonth(field))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {timezone.localtime(month).date(): n for month, n in rows}
    return tuple(counts.get(month, 0) for month in months)


def lead_section_scores(version: CodeVersion) -> dict[int, dict[int, Decimal]]:
    """{audit id: {section id: percentage}} for the lead auditor's audit of every decided
    application on `version`'s checklist. Points are summed in SQL, one row per audit and
    section; the percentage follows the scoring engine (certification/scoring.py): weighted
    points over the weights of the items not marked N/A, divided by the scale's top, rounded
    half-up to two places. A section whose items are all N/A has no percentage."""
    max_points = ScaleLevel.objects.filter(version=version).aggregate(top=Max("points"))["top"]
    if not max_points:
        return {}
    rows = (
        AuditScore.objects.filter(
            audit__role=Audit.Role.LEAD,
            audit__application__code_version=version,
            audit__application__decision__isnull=False,
            not_applicable=False,
            item__version=version,
        )
        .values_list("audit_id", "item__section_id")
        .annotate(
            weighted=Sum(F("item__weight") * F("points"), output_field=DecimalField()),
            weights=Sum("item__weight"),
        )
        .order_by()
    )
    result: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for audit_id, section_id, weighted, weights in rows:
        if not weights:
            continue
        # Weights have two places and points are whole: both sums are exact to two places
        # (quantizing only undoes SQLite's float arithmetic; PostgreSQL sums in numeric).
        weighted, weights = (Decimal(str(v)).quantize(TWO_PLACES) for v in (weighted, weights))
        with decimal.localcontext() as ctx:
            ctx.prec = 60
            result[audit_id][section_id] = round_half_up(
                HUNDRED * weighted / (max_points * weights)
            )
    return dict(result)


def bucket_of(percentage: Decimal) -> int:
    """The index in SCORE_BUCKETS of the bucket a percentage falls in."""
    whole = int(percentage)
    return max(i for i, low in enumerate(SCORE_BUCKETS) if whole >= low)


def section_distributions(version: CodeVersion) -> tuple[tuple[SectionDistribution, ...], int]:
    """Per section of `version`'s checklist, how many decided applications' lead audits fall in
    each score bucket; and how many such audits there are."""
    sections = list(
        ChecklistSection.objects.filter(version=version)
        .order_by("order", "id")
        .values_list("id", "code", "title")
    )
    scores = lead_section_scores(version)
    counts = {pk: [0] * len(SCORE_BUCKETS) for pk, _code, _title in sections}
    for by_section in scores.values():
        for section_id, percentage in by_section.items():
            counts[section_id][bucket_of(percentage)] += 1
    return (
        tuple(
            SectionDistribution(code=code, title=title, buckets=tuple(counts[pk]))
            for pk, code, title in sections
        ),
        len(scores),
    )


# --- the charts ----------------------------------------------------------------------------------
# Geometry in SVG user units: the charts scale with the page (viewBox), and every number they
# show is also in the table beneath each one.

WIDTH = 720
ROW = 28
BAR = 18


@dataclass(frozen=True)
class Series:
    label: str
    css: str


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    css: str


@dataclass(frozen=True)
class HRow:
    label: str
    text_y: float
    bar_y: float
    segments: tuple[Segment, ...]
    total: int
    value_x: float
    value_y: float
    values: tuple[int, ...]


@dataclass(frozen=True)
class HBarChart:
    """Horizontal bars, one per row, stacked when there are several series."""

    slug: str
    title: str
    desc: str
    series: tuple[Series, ...]
    rows: tuple[HRow, ...]
    width: int
    height: int
    label_x: float
    bar_left: float
    bar_height: int
    labels_above: bool
    column_totals: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.column_totals)


@dataclass(frozen=True)
class Column:
    label: str
    sublabel: str
    x: float
    center: float
    y: float
    height: float
    value: int
    value_y: float


@dataclass(frozen=True)
class VBarChart:
    """Vertical bars with their value above and their label below."""

    slug: str
    title: str
    desc: str
    css: str
    columns: tuple[Column, ...]
    width: int
    height: int
    bar_width: float
    baseline: float
    label_y: float
    sublabel_y: float


def hbar_chart(
    *,
    slug: str,
    title: str,
    desc: str,
    series: tuple[Series, ...],
    rows: list[tuple[str, tuple[int, ...]]],
    label_width: int = 240,
    labels_above: bool = False,
) -> HBarChart:
    value_room = 56
    left = 0 if labels_above else label_width
    area = WIDTH - left - value_room
    top = max((sum(values) for _label, values in rows), default=0) or 1
    row_height = ROW + (20 if labels_above else 0)
    built = []
    for index, (label, values) in enumerate(rows):
        y = index * row_height + 4
        bar_y = y + (20 if labels_above else 0)
        x = float(left)
        segments = []
        for value, serie in zip(values, series, strict=True):
            width = round(area * value / top, 1)
            if value:
                segments.append(Segment(x=round(x, 1), width=max(width, 2.0), css=serie.css))
            x += width
        built.append(
            HRow(
                label=label,
                text_y=(y + 14) if labels_above else bar_y + BAR / 2 + 5,
                bar_y=bar_y,
                segments=tuple(segments),
                total=sum(values),
                value_x=round(x + 6, 1),
                value_y=bar_y + BAR / 2 + 5,
                values=values,
            )
        )
    totals = tuple(sum(values[i] for _label, values in rows) for i in range(len(series)))
    return HBarChart(
        slug=slug,
        title=title,
        desc=desc,
        series=series,
        rows=tuple(built),
        width=WIDTH,
        height=len(rows) * row_height + 8,
        label_x=0 if labels_above else label_width - 8,
        bar_left=left,
        bar_height=BAR,
        labels_above=labels_above,
        column_totals=totals,
    )


def vbar_chart(
    *,
    slug: str,
    title: str,
    desc: str,
    css: str,
    columns: list[tuple[str, str, int]],
    width: int = WIDTH,
    plot_height: int = 150,
) -> VBarChart:
    top_room, label_room = 22, 44
    baseline = top_room + plot_height
    slot = width / max(len(columns), 1)
    bar_width = round(slot * 0.7, 1)
    top = max((value for _l, _s, value in columns), default=0) or 1
    built = []
    for index, (label, sublabel, value) in enumerate(columns):
        height = round(plot_height * value / top, 1)
        if value:
            height = max(height, 2.0)
        x = round(index * slot + (slot - bar_width) / 2, 1)
        built.append(
            Column(
                label=label,
                sublabel=sublabel,
                x=x,
                center=round(index * slot + slot / 2, 1),
                y=round(baseline - height, 1),
                height=height,
                value=value,
                value_y=round(baseline - height - 6, 1),
            )
        )
    return VBarChart(
        slug=slug,
        title=title,
        desc=desc,
        css=css,
        columns=tuple(built),
        width=width,
        height=baseline + label_room,
        bar_width=bar_width,
        baseline=baseline,
        label_y=baseline + 18,
        sublabel_y=baseline + 36,
    )


def bucket_labels() -> list[str]:
    bounds = [*SCORE_BUCKETS, 101]
    labels = []
    for low, high in zip(bounds, bounds[1:], strict=False):
        if low == 0:
            labels.append(_("meno di %(high)d%%") % {"high": high})
        elif high > 100:
            labels.append(_("%(low)d–100%%") % {"low": low})
        else:
            labels.append(_("%(low)d–%(high)d%%") % {"low": low, "high": high - 1})
    return labels


def statistics_charts(figures: StatisticsFigures) -> dict:
    """The charts and tables of the page, labelled in the active language."""
    regions = hbar_chart(
        slug="regioni",
        title=_("Aziende certificate per regione"),
        desc=_(
            "Barre orizzontali, una per ciascuna delle 20 regioni: in blu le aziende con "
            "bollino attivo, in arancione quelle con bollino sospeso. I numeri sono nella "
            "tabella che segue."
        ),
        series=(
            Series(_("Bollino attivo"), "bb-c-active"),
            Series(_("Bollino sospeso"), "bb-c-suspended"),
        ),
        rows=[(Regione(code).label, figures.regions[code]) for code in Regione.values],
    )
    applications = hbar_chart(
        slug="domande",
        title=_("Domande di certificazione per stato"),
        desc=_(
            "Barre orizzontali, una per ciascuno stato delle domande, lunghe quanto il numero "
            "di domande in quello stato. I numeri sono nella tabella che segue."
        ),
        series=(Series(_("Domande"), "bb-c-primary"),),
        rows=[
            (str(status.label), (figures.applications[status.value],))
            for status in Application.Status
        ],
        label_width=220,
    )
    labels = bucket_labels()
    sections = [
        vbar_chart(
            slug=f"sezione-{index}",
            title=_("Sezione %(code)s – %(title)s") % {"code": s.code, "title": s.title},
            desc=_(
                "Colonne, una per fascia di punteggio della sezione: quante verifiche "
                "rientrano in ciascuna fascia."
            ),
            css="bb-c-primary",
            columns=[(label, "", count) for label, count in zip(labels, s.buckets, strict=True)],
            width=360,
            plot_height=110,
        )
        for index, s in enumerate(figures.sections, start=1)
    ]
    outcome_series = (
        Series(pgettext("segnalazioni", "Fondate"), "bb-c-founded"),
        Series(pgettext("segnalazioni", "Infondate"), "bb-c-unfounded"),
        Series(pgettext("segnalazioni", "In corso"), "bb-c-open"),
    )
    reports = hbar_chart(
        slug="segnalazioni",
        title=_("Segnalazioni per categoria ed esito"),
        desc=_(
            "Barre orizzontali, una per categoria di segnalazione, divise per esito: in rosso "
            "le fondate, in grigio le infondate, in blu quelle ancora in corso. I numeri sono "
            "nella tabella che segue."
        ),
        series=outcome_series,
        rows=[
            (str(category.label), figures.reports[category.value]) for category in Report.Category
        ],
        labels_above=True,
    )
    # The year goes under each January, and under the first month unless a January follows it.
    months = figures.months
    month_columns = [
        (
            formats.date_format(month, "b"),
            str(month.year)
            if month.month == 1 or (index == 0 and (len(months) < 2 or months[1].month != 1))
            else "",
        )
        for index, month in enumerate(months)
    ]
    seals_monthly = vbar_chart(
        slug="bollini-mese",
        title=_("Bollini rilasciati per mese, ultimi 24 mesi"),
        desc=_("Colonne, una per mese: quanti bollini sono stati rilasciati in quel mese."),
        css="bb-c-primary",
        columns=[
            (label, sub, count)
            for (label, sub), count in zip(month_columns, figures.seals_per_month, strict=True)
        ],
    )
    reports_monthly = vbar_chart(
        slug="segnalazioni-mese",
        title=_("Segnalazioni ricevute per mese, ultimi 24 mesi"),
        desc=_("Colonne, una per mese: quante segnalazioni sono arrivate in quel mese."),
        css="bb-c-open",
        columns=[
            (label, sub, count)
            for (label, sub), count in zip(month_columns, figures.reports_per_month, strict=True)
        ],
    )
    monthly_rows = [
        (formats.date_format(month, "F Y"), seals, received)
        for month, seals, received in zip(
            figures.months, figures.seals_per_month, figures.reports_per_month, strict=True
        )
    ]
    return {
        "figures": figures,
        "regions": regions,
        "applications": applications,
        "bucket_labels": labels,
        "section_charts": list(zip(figures.sections, sections, strict=True)),
        "reports": reports,
        "seals_monthly": seals_monthly,
        "reports_monthly": reports_monthly,
        "monthly_rows": monthly_rows,
        "cache_minutes": max(settings.STATISTICS_CACHE_SECONDS // 60, 1),
    }
