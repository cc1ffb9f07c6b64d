import factory
from factory.django import DjangoModelFactory

from certification.models import Association, User

PASSWORD = "password-di-prova-123"


class AssociationFactory(DjangoModelFactory):
    class Meta:
        model = Association
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Associazione Consumatori {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persona{n}@example.it")
    first_name = "Mario"
    last_name = "Rossi"
    role = User.Role.APPLICANT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


# --- codice -------------------------------------------------------------------------------

import datetime  # noqa: E402

from django.utils import timezone  # noqa: E402

from codice.models import (  # noqa: E402
    Amendment,
    Article,
    Chapter,
    CodeVersion,
    DecalogoEntry,
    Meeting,
)


class CodeVersionFactory(DjangoModelFactory):
    """A draft. Use make_version() for a published or superseded version with content."""

    class Meta:
        model = CodeVersion

    number = factory.Sequence(lambda n: f"{n + 1}.0")
    title = "Codice di autoregolamentazione per le attività di telemarketing"
    change_summary = "Prima stesura."


class ChapterFactory(DjangoModelFactory):
    class Meta:
        model = Chapter

    version = factory.SubFactory(CodeVersionFactory)
    number = factory.Sequence(lambda n: f"C{n}")
    title = "Principi generali"
    order = factory.Sequence(int)


class ArticleFactory(DjangoModelFactory):
    class Meta:
        model = Article

    chapter = factory.SubFactory(ChapterFactory)
    version = factory.SelfAttribute("chapter.version")
    key = factory.Sequence(lambda n: f"articolo-{n}")
    number = factory.Sequence(lambda n: str(n + 1))
    title = "Orari delle chiamate"
    body = "Le chiamate sono effettuate dalle 9 alle 20 nei giorni feriali."
    order = factory.Sequence(int)


class DecalogoEntryFactory(DjangoModelFactory):
    class Meta:
        model = DecalogoEntry

    version = factory.SubFactory(CodeVersionFactory)
    audience = DecalogoEntry.Audience.CONSUMERS
    title = "Diritto di opposizione"
    body = "Puoi chiedere in ogni momento di non essere più chiamato."
    order = factory.Sequence(int)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    date = datetime.date(2026, 10, 6)
    place = "Roma, sede OIC"
    participants_oic = "Giulia Ferri (OIC)\nPaolo Conti (Adiconsum)"
    participants_assocontact = "Luca Marini (Assocontact)"
    agenda = "1. Orari delle chiamate\n2. Varie"
    minutes = "Il tavolo ha discusso gli orari."


class AmendmentFactory(DjangoModelFactory):
    class Meta:
        model = Amendment

    version = factory.SubFactory(CodeVersionFactory)
    article_key = "articolo-0"
    proposed_text = "Le chiamate sono effettuate dalle 9 alle 19 nei giorni feriali."
    rationale = "Allineamento al codice di condotta approvato dal Garante."
    proposer = "Luca Marini (Assocontact)"


def make_version(
    number: str,
    status: str = CodeVersion.Status.PUBLISHED,
    articles: list[tuple[str, str, str]] | None = None,
    decalogo: list[tuple[str, str, str]] | None = None,
    by=None,
    effective_date: datetime.date = datetime.date(2025, 1, 1),
) -> CodeVersion:
    """A version with one chapter holding `articles` [(key, title, body)], in the given status.

    Content is written while the version is a draft, then the status is set, as the database
    allows only that order.
    """
    version = CodeVersionFactory(number=number, title=f"Codice versione {number}")
    chapter = ChapterFactory(version=version, number="I", title="Disposizioni generali", order=1)
    for i, (key, title, body) in enumerate(articles or [], start=1):
        ArticleFactory(
            version=version,
            chapter=chapter,
            key=key,
            number=str(i),
            title=title,
            body=body,
            order=i,
        )
    for i, (audience, title, body) in enumerate(decalogo or [], start=1):
        DecalogoEntryFactory(version=version, audience=audience, title=title, body=body, order=i)
    if status != CodeVersion.Status.DRAFT:
        version.status = status
        version.effective_date = effective_date
        version.published_at = timezone.now()
        version.published_by = by or UserFactory(
            email="pubblicatore@oic.example", role=User.Role.COMMITTEE
        )
        version.save()
    return version


# --- certification ------------------------------------------------------------------------

from decimal import Decimal  # noqa: E402

from certification.models import (  # noqa: E402
    Application,
    ApplicationEvent,
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    OperationalSite,
    Organization,
    Provincia,
    ScaleLevel,
    Sector,
)
from certification.models.checklists import DEFAULT_LEVELS  # noqa: E402


def _partita_iva(n: int) -> str:
    """A valid partita IVA: ten digits from n and the Luhn-style check digit."""
    from stdnum import luhn

    base = f"{(n * 7919 + 1000001) % 10**7:07d}001"
    return base + luhn.calc_check_digit(base)


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    legal_name = factory.Sequence(lambda n: f"Contact Center {n} S.r.l.")
    partita_iva = factory.Sequence(_partita_iva)
    codice_fiscale = factory.SelfAttribute("partita_iva")
    pec = factory.Sequence(lambda n: f"contactcenter{n}@pec.example.it")
    street = "Via Roma 1"
    cap = "20121"
    comune = "Milano"
    provincia = factory.LazyFunction(lambda: Provincia.objects.get(sigla="MI"))
    operators_count = 120
    inbound = True
    outbound = True
    assocontact_member = False

    @factory.post_generation
    def sectors(obj, create, extracted, **kwargs):
        if create:
            obj.sectors.set(extracted or [Sector.objects.get(slug="energia")])


class OperationalSiteFactory(DjangoModelFactory):
    class Meta:
        model = OperationalSite

    organization = factory.SubFactory(OrganizationFactory)
    name = "Sede principale"
    street = "Via Roma 1"
    comune = "Milano"
    provincia = factory.LazyFunction(lambda: Provincia.objects.get(sigla="MI"))
    seats = 80


def make_checklist(
    version: CodeVersion,
    sections: list[tuple[str, str, list[tuple]]] | None = None,
    pass_threshold: str = "70",
) -> ChecklistTemplate:
    """A checklist for a DRAFT version: sections [(code, title, [(item code, weight, blocking,
    allows_na, evidence_hint), ...])], default scale 0-3. Freeze the version afterwards."""
    template = ChecklistTemplate.objects.create(
        version=version, pass_threshold=Decimal(pass_threshold)
    )
    for points, label in DEFAULT_LEVELS:
        ScaleLevel.objects.create(version=version, points=points, label=str(label))
    sections = sections or [
        (
            "A",
            "Orari e modalità delle chiamate",
            [
                ("A.1", "2", True, False, "Estratto dei log delle chiamate"),
                ("A.2", "1", False, True, ""),
            ],
        ),
        ("B", "Consenso e RPO", [("B.1", "3", False, False, "Verbale di verifica RPO")]),
    ]
    for s_order, (code, title, items) in enumerate(sections, start=1):
        section = ChecklistSection.objects.create(
            version=version, code=code, title=title, order=s_order
        )
        for i_order, (item_code, weight, blocking, allows_na, hint) in enumerate(items, start=1):
            ChecklistItem.objects.create(
                version=version,
                section=section,
                code=item_code,
                question=f"La voce {item_code} è rispettata?",
                guidance="Verificare a campione.",
                weight=Decimal(weight),
                blocking=blocking,
                allows_na=allows_na,
                evidence_hint=hint,
                order=i_order,
            )
    return template


def make_current_version_with_checklist(number: str = "2.0") -> CodeVersion:
    """The code version in force, with articles and a checklist (the usual test setting)."""
    version = make_version(
        number,
        status=CodeVersion.Status.DRAFT,
        articles=[
            ("orari", "Fasce orarie", "Dalle 9 alle 20 nei giorni feriali."),
            ("rpo", "Registro delle opposizioni", "Verifica prima di ogni campagna."),
        ],
    )
    make_checklist(version)
    version.status = CodeVersion.Status.PUBLISHED
    version.effective_date = datetime.date(2025, 1, 1)
    version.published_at = timezone.now()
    version.published_by = UserFactory(email="pubblicatore@oic.example", role=User.Role.COMMITTEE)
    version.save()
    return version


class ApplicationFactory(DjangoModelFactory):
    """A draft application; build other states with the services."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    code_version = factory.LazyFunction(
        lambda: CodeVersion.objects.current() or make_current_version_with_checklist()
    )
    created_by = factory.LazyAttribute(
        lambda o: (
            o.organization.members.first()
            or UserFactory(role=User.Role.APPLICANT, organization=o.organization)
        )
    )

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        if create:
            ApplicationEvent.objects.create(
                application=obj, actor=obj.created_by, from_status="", to_status=obj.status
            )
