"""Demo reports (segnalazioni) in every state, on demo firms with a current seal.

Called by `manage.py load_demo` after the firms and their seals exist. Each report goes through
the real services, with the clock set back for each step so that its dates, its deadline and
its history tell one coherent story (one is overdue, as a committee sees every day).
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from unittest import mock

from django.db import transaction
from django.utils import timezone

from certification.models import CallingNumber, Organization, Report, Seal, User
from certification.services.reports import (
    ReportData,
    report_answer,
    report_close,
    report_file,
    report_forward,
)

C = Report.Category
F, U = Report.Outcome.FOUNDED, Report.Outcome.UNFOUNDED

# (category, days ago of the call, hour, filed by the association?, steps, description, answer,
# closing note). Steps: days after filing of forward / answer / close, None to stop there.
REPORTS = [
    (
        C.OUTSIDE_HOURS,
        3,
        (21, 10),
        True,
        (None, None, None),
        "Il consumatore è stato chiamato alle 21:10 di un giorno feriale per un'offerta di "
        "fornitura di energia elettrica, nonostante il codice limiti le chiamate alle 20.",
        "",
        "",
    ),
    (
        C.HIDDEN_CALLER_ID,
        2,
        (11, 30),
        False,
        (None, None, None),
        "Mi hanno chiamato con numero anonimo proponendo un cambio di gestore telefonico. "
        "Alla mia domanda su chi chiamasse, l'operatore ha riattaccato.",
        "",
        "",
    ),
    (
        C.OPPOSITION_REGISTER,
        1,
        (10, 5),
        False,
        (None, None, None),
        "Il mio numero è iscritto al Registro Pubblico delle Opposizioni dal 2022, ma ricevo "
        "chiamate per offerte luce e gas quasi ogni settimana.",
        "",
        "",
    ),
    (
        C.NO_CONSENT,
        9,
        (15, 45),
        True,
        (1, None, None),
        "La consumatrice non ha mai dato il consenso a essere contattata: l'operatore ha detto "
        "di aver avuto il numero da una lista acquistata, senza saper dire da chi.",
        "",
        "",
    ),
    (
        C.AGGRESSIVE,
        24,
        (18, 20),
        False,
        (2, None, None),
        "L'operatore ha insistito più volte perché accettassi il contratto, dicendo che altrimenti "
        "la bolletta sarebbe aumentata del 40% dal mese successivo.",
        "",
        "",
    ),
    (
        C.OUTSIDE_HOURS,
        8,
        (9, 15),
        True,
        (1, None, None),
        "Chiamata di domenica mattina per un'offerta di assicurazione auto; il consumatore "
        "chiede che l'azienda verifichi le fasce orarie della campagna.",
        "",
        "",
    ),
    (
        C.NO_CONSENT,
        20,
        (16, 0),
        True,
        (1, 6, None),
        "Il consumatore aveva revocato il consenso via PEC a gennaio, ma è stato richiamato "
        "per la stessa offerta di telefonia mobile.",
        "Dai nostri registri la revoca è arrivata al committente ma non alla nostra lista di "
        "esclusione. Abbiamo inserito il numero nella blacklist della campagna e segnalato il "
        "disallineamento al committente; la procedura di aggiornamento ora è quotidiana.",
        "",
    ),
    (
        C.HIDDEN_CALLER_ID,
        16,
        (12, 40),
        False,
        (1, 8, None),
        "Chiamata con un numero che, richiamato, risulta inesistente. L'operatore parlava di "
        "una promozione della pay-tv.",
        "Il numero indicato non è tra quelli dichiarati al ROC per le nostre campagne e non "
        "compare nei log del centralino del giorno indicato. Restiamo disponibili a verifiche.",
        "",
    ),
    (
        C.OUTSIDE_HOURS,
        38,
        (20, 35),
        True,
        (2, 9, 14),
        "Tre chiamate in una settimana tra le 20:30 e le 21, sempre per la stessa offerta di "
        "fibra ottica; il consumatore ha annotato giorni e orari.",
        "Confermiamo: un errore di configurazione del dialer ha esteso la fascia serale di una "
        "campagna per sei giorni. Il dialer è stato corretto e gli operatori informati.",
        "Violazione delle fasce orarie ammessa dall'azienda e documentata dal consumatore.",
    ),
    (
        C.OPPOSITION_REGISTER,
        45,
        (14, 10),
        False,
        (1, None, 22),
        "Numero iscritto al Registro delle Opposizioni chiamato due volte per offerte di gas.",
        "",
        "Nessuna risposta entro il termine; il numero risultava iscritto al RPO prima della "
        "campagna (verifica dell'ufficio).",
    ),
    (
        C.AGGRESSIVE,
        30,
        (11, 0),
        True,
        (1, 5, 10),
        "Il consumatore riferisce toni sgarbati dell'operatore dopo aver rifiutato l'offerta.",
        "La registrazione della chiamata, ascoltata dal nostro responsabile qualità, mostra un "
        "tono cortese e la chiusura della chiamata al primo rifiuto. Possiamo fornirla a OIC.",
        "La registrazione non conferma quanto segnalato.",
    ),
    (
        C.OTHER,
        12,
        (10, 20),
        False,
        (None, None, 1),
        "Segnalazione di prova, ci scusiamo.",
        "",
        "Il segnalante ha chiarito che non si trattava di una chiamata ricevuta: archiviata.",
    ),
]

OUTCOMES = {8: F, 9: F, 10: U, 11: U}

VISITORS = [
    ("Lucia Bianchi", "lucia.bianchi@example.it", "+393471234567"),
    ("Giovanni Esposito", "g.esposito@example.it", ""),
    ("Francesca Romano", "francesca.romano@example.it", "+393298765432"),
    ("Alessandro Ricci", "a.ricci@example.it", ""),
    ("Martina Colombo", "martina.colombo@example.it", "+393351112233"),
    ("Stefano Greco", "stefano.greco@example.it", ""),
]
CONSUMERS = [
    ("Anna Moretti", "", "+393401234987"),
    ("Paolo Fontana", "paolo.fontana@example.it", ""),
    ("Rosa Gallo", "", ""),
    ("Mario Conti", "mario.conti@example.it", "+393387654321"),
    ("Elisa Marino", "", "+393489876543"),
    ("Giuseppe Lombardo", "g.lombardo@example.it", ""),
]


@contextmanager
def _clock(moment: datetime.datetime):
    """Run the services as if at `moment`: their timestamps, deadlines and history agree."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


@transaction.atomic
def load_demo_reports() -> bool:
    """Create the demo reports; False if there are reports already or nobody to file them."""
    if Report.objects.exists():
        return False
    member = User.objects.filter(role=User.Role.ASSOCIATION, is_active=True).order_by("pk").first()
    committee = User.objects.filter(role=User.Role.COMMITTEE, is_active=True).order_by("pk").first()
    firms = list(
        Organization.objects.filter(
            seals__status=Seal.Status.ACTIVE, members__role=User.Role.APPLICANT
        )
        .distinct()
        .order_by("legal_name")
    )
    if member is None or committee is None or not firms:
        return False
    numbers = {}
    for number in CallingNumber.objects.filter(organization__in=firms).order_by("pk"):
        numbers.setdefault(number.organization_id, number.number)
    now = timezone.now().replace(second=0, microsecond=0)
    visitors, consumers = iter(VISITORS), iter(CONSUMERS)
    for index, (category, days, (hour, minute), by_member, steps, text, answer, note) in enumerate(
        REPORTS
    ):
        firm = firms[index % len(firms)]
        call_at = timezone.localtime(now - datetime.timedelta(days=days)).replace(
            hour=hour, minute=minute
        )
        filed = call_at + datetime.timedelta(hours=20)
        forward, answered, closed = steps
        # Late in the evening "today + 20 hours" is tomorrow: move the whole story back so that
        # its last step has already happened.
        last = filed + max(
            (datetime.timedelta(days=d, hours=5) for d in steps if d is not None),
            default=datetime.timedelta(),
        )
        if last > now:
            shift = last - now + datetime.timedelta(minutes=1)
            call_at, filed = call_at - shift, filed - shift
        name, email, phone = next(consumers) if by_member else next(visitors)
        hidden = category == C.HIDDEN_CALLER_ID
        data = ReportData(
            organization=firm,
            category=category,
            call_at=call_at,
            calling_number="" if hidden else numbers.get(firm.pk, ""),
            description=text,
            reporter_name=name,
            reporter_email=email,
            reporter_phone=phone,
        )
        with _clock(filed):
            report = report_file(
                data=data,
                by=member if by_member else None,
                visitor_email="" if by_member else email,
            )
        if forward is not None:
            with _clock(filed + datetime.timedelta(days=forward)):
                report_forward(report=report, by=committee)
        if answered is not None:
            firm_user = firm.members.filter(role=User.Role.APPLICANT).order_by("pk").first()
            with _clock(filed + datetime.timedelta(days=answered, hours=3)):
                report_answer(report=report, by=firm_user, answer=answer)
        if closed is not None:
            with _clock(filed + datetime.timedelta(days=closed, hours=5)):
                report_close(report=report, by=committee, outcome=OUTCOMES.get(index, U), note=note)
    return True
