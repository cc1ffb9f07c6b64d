"""Demo contact centers and applications in every state (loaded by `manage.py load_demo`)."""

from __future__ import annotations

import datetime
import random

import phonenumbers
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from certification.files import evidence_store
from certification.models import (
    Application,
    Audit,
    CallingNumber,
    Declaration,
    EvidenceFile,
    OperationalSite,
    Organization,
    Provincia,
    Sector,
    SelfAssessmentAnswer,
    User,
)
from certification.services.applications import application_create, application_transition
from certification.services.audits import audit_assign, audit_complete, audit_save_scores
from certification.services.decisions import decision_record
from certification.services.nonconformities import (
    nonconformity_answer,
    nonconformity_raise,
    nonconformity_review,
)
from codice.models import CodeVersion

S = Application.Status

# legal name, comune, sigla provincia, CAP, operators, inbound, outbound, sectors, assocontact
FIRMS = [
    (
        "Contact Center Demo S.r.l.",
        "Milano",
        "MI",
        "20124",
        240,
        True,
        True,
        ["energia", "telecomunicazioni"],
        True,
    ),
    ("Teleservizi Adriatica S.r.l.", "Pescara", "PE", "65121", 180, True, True, ["energia"], True),
    (
        "Voce Amica Servizi S.p.A.",
        "Roma",
        "RM",
        "00185",
        620,
        True,
        True,
        ["telecomunicazioni", "utility"],
        True,
    ),
    (
        "Partenope Contact S.r.l.",
        "Napoli",
        "NA",
        "80133",
        410,
        True,
        True,
        ["energia", "utility"],
        False,
    ),
    (
        "Levante Customer Care S.r.l.",
        "Bari",
        "BA",
        "70122",
        350,
        True,
        False,
        ["banche-assicurazioni"],
        True,
    ),
    (
        "Conca d'Oro Servizi Telefonici S.r.l.",
        "Palermo",
        "PA",
        "90133",
        290,
        True,
        True,
        ["telecomunicazioni"],
        False,
    ),
    ("Etna Call S.r.l.", "Catania", "CT", "95131", 200, False, True, ["energia"], False),
    (
        "Sardegna Contact Hub S.r.l.",
        "Cagliari",
        "CA",
        "09124",
        150,
        True,
        True,
        ["utility", "editoria"],
        True,
    ),
    ("Arno Teleselling S.r.l.", "Firenze", "FI", "50123", 130, False, True, ["editoria"], False),
    (
        "Felsina Customer Experience S.p.A.",
        "Bologna",
        "BO",
        "40121",
        520,
        True,
        True,
        ["banche-assicurazioni", "telecomunicazioni"],
        True,
    ),
    (
        "Scaligera Servizi Clienti S.r.l.",
        "Verona",
        "VR",
        "37121",
        170,
        True,
        False,
        ["utility"],
        True,
    ),
    ("Euganea Contact S.r.l.", "Padova", "PD", "35122", 110, True, True, ["energia"], False),
    (
        "Lanterna Call Center S.r.l.",
        "Genova",
        "GE",
        "16121",
        160,
        True,
        True,
        ["telecomunicazioni", "altro"],
        True,
    ),
    (
        "Conero Telemarketing S.r.l.",
        "Ancona",
        "AN",
        "60121",
        90,
        False,
        True,
        ["editoria", "altro"],
        False,
    ),
    (
        "Umbria Contact Services S.r.l.",
        "Perugia",
        "PG",
        "06121",
        140,
        True,
        True,
        ["banche-assicurazioni"],
        True,
    ),
    ("Dolomiti Customer Care S.r.l.", "Trento", "TN", "38122", 80, True, False, ["utility"], False),
    (
        "Südtirol Callcenter S.r.l.",
        "Bolzano",
        "BZ",
        "39100",
        60,
        True,
        True,
        ["energia"],
        False,
    ),
    ("Mont Blanc Services S.r.l.", "Aosta", "AO", "11100", 45, True, False, ["utility"], False),
    (
        "Giuliana Teleservizi S.r.l.",
        "Trieste",
        "TS",
        "34121",
        120,
        True,
        True,
        ["telecomunicazioni"],
        True,
    ),
    ("Lucania Contact S.r.l.", "Potenza", "PZ", "85100", 75, True, True, ["energia"], False),
    (
        "Molise Servizi Telefonici S.r.l.",
        "Campobasso",
        "CB",
        "86100",
        55,
        True,
        True,
        ["utility"],
        False,
    ),
    (
        "Bruzia Call S.r.l.",
        "Cosenza",
        "CS",
        "87100",
        190,
        False,
        True,
        ["energia", "telecomunicazioni"],
        False,
    ),
    (
        "Salento Customer Line S.r.l.",
        "Lecce",
        "LE",
        "73100",
        260,
        True,
        True,
        ["telecomunicazioni"],
        True,
    ),
    (
        "Jonica Contact S.r.l.",
        "Taranto",
        "TA",
        "74123",
        140,
        True,
        True,
        ["banche-assicurazioni"],
        False,
    ),
    (
        "Costiera Servizi Clienti S.r.l.",
        "Salerno",
        "SA",
        "84121",
        210,
        True,
        True,
        ["energia", "utility"],
        True,
    ),
    ("Reggia Contact S.r.l.", "Caserta", "CE", "81100", 130, False, True, ["energia"], False),
    ("Stretto Teleservizi S.r.l.", "Messina", "ME", "98122", 95, True, True, ["editoria"], False),
    (
        "Turritana Call Center S.r.l.",
        "Sassari",
        "SS",
        "07100",
        85,
        True,
        True,
        ["telecomunicazioni"],
        False,
    ),
    (
        "Leonessa Contact S.p.A.",
        "Brescia",
        "BS",
        "25121",
        330,
        True,
        True,
        ["banche-assicurazioni", "energia"],
        True,
    ),
    ("Orobica Customer Care S.r.l.", "Bergamo", "BG", "24121", 150, True, False, ["utility"], True),
    (
        "Mole Contact Center S.p.A.",
        "Torino",
        "TO",
        "10121",
        470,
        True,
        True,
        ["telecomunicazioni", "energia"],
        True,
    ),
    (
        "Aspromonte Servizi S.r.l.",
        "Reggio Calabria",
        "RC",
        "89127",
        70,
        True,
        True,
        ["altro"],
        False,
    ),
]

# The state each firm's application ends in (None: the firm has not applied yet).
PLAN = [
    S.DRAFT, S.APPROVED, S.APPROVED, S.SUBMITTED, S.UNDER_REVIEW, S.INFO_REQUESTED,
    S.IN_EVALUATION, S.EVALUATED, S.REJECTED, S.WITHDRAWN, S.APPROVED, S.APPROVED,
    S.SUBMITTED, S.DRAFT, S.APPROVED, S.UNDER_REVIEW, S.APPROVED, None, S.APPROVED,
    S.IN_EVALUATION, None, S.APPROVED, S.APPROVED, S.SUBMITTED, S.APPROVED, S.REJECTED,
    S.DRAFT, None, S.APPROVED, S.APPROVED, S.APPROVED, S.EVALUATED,
]  # fmt: skip

# The path from draft to each state, through the state machine.
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.UNDER_REVIEW: [S.SUBMITTED, S.UNDER_REVIEW],
    S.INFO_REQUESTED: [S.SUBMITTED, S.UNDER_REVIEW, S.INFO_REQUESTED],
    S.IN_EVALUATION: [S.SUBMITTED, S.UNDER_REVIEW, S.IN_EVALUATION],
    S.EVALUATED: [S.SUBMITTED, S.UNDER_REVIEW, S.IN_EVALUATION, S.EVALUATED],
    S.APPROVED: [S.SUBMITTED, S.UNDER_REVIEW, S.IN_EVALUATION, S.EVALUATED, S.APPROVED],
    S.REJECTED: [S.SUBMITTED, S.UNDER_REVIEW, S.IN_EVALUATION, S.EVALUATED, S.REJECTED],
    S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
}

NOTES = {
    S.UNDER_REVIEW: "Presa in carico dall'ufficio certificazione.",
    S.INFO_REQUESTED: "Inviare il registro della formazione aggiornato e gli script delle campagne "
    "outbound in corso.",
    S.IN_EVALUATION: "Documentazione completa: si procede all'audit.",
    S.EVALUATED: "Audit concluso.",
    S.APPROVED: "Requisiti del codice soddisfatti.",
    S.REJECTED: "Chiamate fuori dalle fasce orarie consentite rilevate a campione: requisito "
    "bloccante non soddisfatto.",
    S.WITHDRAWN: "L'azienda ritira la domanda per riorganizzare le sedi.",
}

STREETS = ["Roma", "Garibaldi", "Mazzini", "Cavour", "Dante Alighieri", "Giuseppe Verdi"]

# A complete PDF (with its cross-reference table): evidence uploads must be readable to be checked.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"trailer<</Size 3/Root 1 0 R>>\nstartxref\n96\n%%EOF\n"
)


def _partita_iva(n: int) -> str:
    base = f"{(n * 104729 + 3000017) % 10**7:07d}" + f"{(n % 99) + 1:03d}"
    return base + luhn.calc_check_digit(base)


def _calling_number(firm_index: int, k: int, prefix: str) -> str:
    raw = f"+39{prefix}{(firm_index * 7907 + k * 131 + 4000000) % 10**7:07d}"
    number = phonenumbers.parse(raw, "IT")
    assert phonenumbers.is_valid_number(number), raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def _complete(application: Application, user: User, rng: random.Random) -> None:
    """Fill in everything a submission needs: answers, evidence, documents, declarations."""
    items = list(application.code_version.checklist_items.all())
    answers = []
    for item in items:
        roll = rng.random()
        if item.allows_na and roll < 0.15:
            answer = SelfAssessmentAnswer.Answer.NOT_APPLICABLE
        elif roll < 0.75:
            answer = SelfAssessmentAnswer.Answer.CONFORM
        else:
            answer = SelfAssessmentAnswer.Answer.PARTIAL
        answers.append(
            SelfAssessmentAnswer(
                application=application,
                item=item,
                answer=answer,
                comment=""
                if roll < 0.5
                else "Procedura formalizzata e verificata dal responsabile qualità.",
                updated_by=user,
            )
        )
    SelfAssessmentAnswer.objects.bulk_create(answers)
    for answer in answers:
        if (
            answer.item.evidence_hint
            and answer.answer != SelfAssessmentAnswer.Answer.NOT_APPLICABLE
        ):
            evidence_store(
                application=application,
                by=user,
                uploaded=_pdf(f"evidenza-{answer.item.code}.pdf"),
                item=answer.item,
            )
    for kind in EvidenceFile.REQUIRED_DOCUMENTS:
        evidence_store(
            application=application, by=user, uploaded=_pdf(f"{kind}.pdf"), document_kind=kind
        )
    Declaration.objects.bulk_create(
        [
            Declaration(application=application, kind=kind, accepted_by=user)
            for kind in Declaration.Kind
        ]
    )


def _audit(
    application: Application,
    committee: User,
    auditors: list[User],
    index: int,
    rng: random.Random,
    *,
    finish: bool,
) -> None:
    """Assign auditors and score; when `finish`, complete the audits and settle a
    nonconformity, ready for the lead to declare the evaluation over."""
    lead = auditors[index % len(auditors)]
    second = auditors[(index + 1) % len(auditors)] if index % 2 and len(auditors) > 1 else None
    audit_assign(
        application=application,
        by=committee,
        lead=lead,
        second=second,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    # The lead takes it into evaluation once assigned.
    if application.status == S.UNDER_REVIEW:
        application_transition(
            application=application, to=S.IN_EVALUATION, by=lead, note=NOTES[S.IN_EVALUATION]
        )
    items = list(application.code_version.checklist_items.order_by("section__order", "order"))
    top = max(application.code_version.scale_levels.values_list("points", flat=True))
    failing = PLAN[index] == S.REJECTED
    levels = {}
    for item in items:
        roll = rng.random()
        if failing and item.blocking and not any(v == 0 for v in levels.values()):
            levels[item.pk] = (0, False, "Chiamate fuori fascia oraria rilevate nei log.")
        elif item.allows_na and roll < 0.1:
            levels[item.pk] = (None, True, "")
        else:
            levels[item.pk] = (top if roll < 0.7 else top - 1, False, "")
    audits = {a.role: a for a in application.audits.all()}
    chosen = levels if finish else dict(list(levels.items())[: len(levels) // 2])
    audit_save_scores(audit=audits[Audit.Role.LEAD], by=lead, scores=chosen)
    if Audit.Role.SECOND in audits:
        differing = dict(chosen)
        first = next(iter(differing))
        points, na, comment = differing[first]
        if not na:
            differing[first] = (max(0, points - 1), False, "Evidenza incompleta a campione.")
        audit_save_scores(audit=audits[Audit.Role.SECOND], by=second, scores=differing)
        if finish:
            audit_complete(audit=audits[Audit.Role.SECOND], by=second)
    if not finish:
        return
    below = [i for i in items if levels[i.pk][0] is not None and levels[i.pk][0] < top]
    if below:
        item = below[0]
        severity = "maggiore" if item.blocking or levels[item.pk][0] == 0 else "minore"
        nonconformity = nonconformity_raise(
            application=application,
            by=lead,
            item=item,
            severity=severity,
            description="Procedura presente ma non applicata in modo uniforme in tutte le sedi.",
        )
        member = application.organization.members.first()
        nonconformity_answer(
            nonconformity=nonconformity,
            by=member,
            corrective_action="Formazione di richiamo per i team leader e verifica mensile "
            "a campione delle registrazioni.",
            corrective_due_date=timezone.localdate() + datetime.timedelta(days=60),
        )
        nonconformity_review(
            nonconformity=nonconformity, by=lead, accept=True, note="Azione adeguata."
        )
    audit_complete(audit=audits[Audit.Role.LEAD], by=lead)


@transaction.atomic
def load_organizations(*, committee: User, applicant_email: str, password: str) -> bool:
    """Create the demo firms and their applications; False if they are already there."""
    if Organization.objects.exists():
        return False
    rng = random.Random(2026)
    provinces = {p.sigla: p for p in Provincia.objects.all()}
    sectors = {s.slug: s for s in Sector.objects.all()}
    version = CodeVersion.objects.current()
    # Hashing is deliberately slow; the demo firms all share one password, so hash it once.
    password_hash = make_password(password)
    for index, (
        name,
        comune,
        sigla,
        cap,
        operators,
        inbound,
        outbound,
        firm_sectors,
        member,
    ) in enumerate(FIRMS):
        firm = Organization.objects.create(
            legal_name=name,
            partita_iva=_partita_iva(index + 1),
            codice_fiscale=_partita_iva(index + 1),
            pec=f"certificazione@pec.{_slug(name)}.it",
            street=f"Via {rng.choice(STREETS)} {rng.randint(1, 180)}",
            cap=cap,
            comune=comune,
            provincia=provinces[sigla],
            website=f"https://www.{_slug(name)}.it",
            operators_count=operators,
            inbound=inbound,
            outbound=outbound,
            assocontact_member=member,
        )
        firm.sectors.set([sectors[s] for s in firm_sectors])
        OperationalSite.objects.create(
            organization=firm,
            name="Sede principale",
            street=firm.street,
            comune=comune,
            provincia=provinces[sigla],
            seats=max(10, operators * 2 // 3),
        )
        if operators > 300:
            OperationalSite.objects.create(
                organization=firm,
                name="Sede secondaria",
                comune="Lecce",
                provincia=provinces["LE"],
                seats=operators // 4,
            )
        email = applicant_email if index == 0 else f"qualita@{_slug(name)}.demo"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(
                email=email,
                first_name="Responsabile",
                last_name="Qualità",
                role=User.Role.APPLICANT,
            )
            user.password = password_hash
        user.organization = firm
        user.save()
        if outbound:
            prefix = {"MI": "02", "RM": "06"}.get(sigla, "3")
            for k in range(1 + index % 3):
                number = _calling_number(index, k, prefix if prefix != "3" else f"34{k}")
                CallingNumber.objects.create(organization=firm, number=number, declared_by=user)
        target = PLAN[index] if index < len(PLAN) else None
        if target is None or version is None:
            continue
        application = application_create(organization=firm, by=user)
        if target != S.DRAFT:
            _complete(application, user, rng)
        auditors = list(User.objects.filter(role=User.Role.AUDITOR).order_by("email"))
        for step in PATHS[target]:
            if step == S.IN_EVALUATION:
                # Assignment, the lead's move into evaluation and the scores.
                _audit(application, committee, auditors, index, rng, finish=target != step)
                continue
            if step in (S.APPROVED, S.REJECTED):
                decision_record(
                    application=application,
                    by=committee,
                    outcome=step,
                    reason=NOTES[step],
                )
                continue
            actor = user if step in (S.SUBMITTED, S.WITHDRAWN) else committee
            if step == S.EVALUATED:
                actor = application.audits.get(role=Audit.Role.LEAD).auditor
            application_transition(
                application=application, to=step, by=actor, note=NOTES.get(step, "")
            )
    return True


def _slug(name: str) -> str:
    keep = "".join(c.lower() if c.isalnum() else "-" for c in name.replace("'", ""))
    words = [w for w in keep.split("-") if w and w not in {"s", "r", "l", "p", "a", "gmbh"}]
    return "-".join(words)[:40]
