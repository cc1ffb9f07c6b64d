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
