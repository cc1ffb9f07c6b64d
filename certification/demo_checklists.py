"""Liste di controllo dimostrative per le versioni del codice in codice/demo_content.py.

Dati e un caricatore. Ogni voce verifica articoli che esistono nella sua versione (per chiave
stabile): la 1.0 non ha voci su subappalto, formazione e filiera del contatto, che il codice
ha introdotto con la 2.0; la 3.0 aggiunge le due voci sui sistemi automatizzati e aggiorna
quelle su numero richiamabile e reclami, cambiate dagli emendamenti accolti.

Le voci comuni a più versioni riusano la stessa costante; i codici (A.1, A.2, …) sono
assegnati in ordine dentro ogni sezione al momento del caricamento.

Le righe di una lista di controllo si scrivono solo finché la versione è una bozza: il
caricatore va chiamato su ciascuna bozza dopo averne riempito il contenuto e prima di
pubblicarla.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from certification.models import ChecklistItem, ChecklistSection, ChecklistTemplate, ScaleLevel
from certification.models.checklists import DEFAULT_LEVELS
from codice.models import CodeVersion, VersionLocked


def _item(
    question: str,
    *,
    articles: list[str],
    weight: int,
    guidance: str,
    evidence: str = "",
    blocking: bool = False,
    allows_na: bool = False,
) -> dict:
    return {
        "question": question,
        "guidance": guidance,
        "articles": articles,
        "weight": weight,
        "blocking": blocking,
        "allows_na": allows_na,
        "evidence": evidence,
    }


# ---------------------------------------------------------------------------
# A — Requisiti dell'impresa
# ---------------------------------------------------------------------------

_ROC_ISCRIZIONE = _item(
    "Il contact center è iscritto al ROC e i dati dell'iscrizione sono aggiornati?",
    articles=["roc"],
    weight=3,
    blocking=True,
    guidance=(
        "Consultare il ROC sul sito dell'AGCOM e confrontare ragione sociale, sede e legale "
        "rappresentante con la visura camerale. Un'iscrizione assente o cessata vale 0."
    ),
    evidence="Attestazione di iscrizione al ROC e visura camerale aggiornata",
)

_ROC_NUMERAZIONI_V1 = _item(
    "L'elenco delle numerazioni usate per le chiamate in uscita è stato comunicato a OIC ed "
    "è aggiornato?",
    articles=["roc"],
    weight=2,
    guidance=(
        "Confrontare l'elenco dichiarato con le numerazioni configurate nel sistema di chiamata "
        "e con un estratto dei tabulati dell'ultimo mese."
    ),
    evidence="Elenco delle numerazioni in uscita e configurazione del sistema di chiamata",
)

_ROC_NUMERAZIONI = _item(
    "Tutte le numerazioni usate per le chiamate in uscita sono dichiarate nel ROC e "
    "comunicate a OIC?",
    articles=["roc"],
    weight=3,
    blocking=True,
    guidance=(
        "Estrarre dai tabulati dell'ultimo trimestre le numerazioni effettivamente usate e "
        "verificare che ciascuna compaia nella dichiarazione al ROC e nell'elenco inviato a "
        "OIC. Anche una sola numerazione non dichiarata usata per chiamate promozionali vale 0."
    ),
    evidence="Estratto ROC delle numerazioni e tabulati delle chiamate in uscita",
)

_ROC_VARIAZIONI = _item(
    "Le nuove numerazioni sono dichiarate prima dell'uso e le dismissioni comunicate entro "
    "15 giorni?",
    articles=["roc"],
    weight=2,
    guidance=(
        "Per le numerazioni attivate o dismesse negli ultimi 12 mesi confrontare la data della "
        "dichiarazione con quella della prima chiamata o della dismissione."
    ),
    evidence="Comunicazioni di variazione inviate al ROC e a OIC",
)

_SANZIONI_V1 = _item(
    "Negli ultimi due anni l'impresa non ha ricevuto sanzioni definitive del Garante privacy "
    "per attività di telemarketing?",
    articles=["sanzioni"],
    weight=3,
    blocking=True,
    guidance=(
        "Verificare la dichiarazione del legale rappresentante e consultare i provvedimenti "
        "pubblicati dal Garante. Una sanzione definitiva nel biennio vale 0."
    ),
    evidence="Dichiarazione sostitutiva del legale rappresentante (DPR 445/2000)",
)

_SANZIONI = _item(
    "Negli ultimi due anni l'impresa non ha ricevuto sanzioni definitive del Garante privacy "
    "o dell'AGCOM per attività di contatto con la clientela?",
    articles=["sanzioni"],
    weight=3,
    blocking=True,
    guidance=(
        "Verificare la dichiarazione del legale rappresentante e consultare i provvedimenti "
        "pubblicati dal Garante e dall'AGCOM. Una sanzione definitiva nel biennio vale 0."
    ),
    evidence="Dichiarazione sostitutiva del legale rappresentante (DPR 445/2000)",
)

_SANZIONI_PROCEDIMENTI = _item(
    "I procedimenti avviati nei confronti dell'impresa sono stati comunicati a OIC entro 15 "
    "giorni?",
    articles=["sanzioni"],
    weight=1,
    allows_na=True,
    guidance=(
        "Chiedere se sono in corso procedimenti del Garante o dell'AGCOM e controllare la data "
        "della comunicazione a OIC. Non applicabile se non ci sono procedimenti."
    ),
    evidence="Comunicazioni inviate a OIC",
)

# ---------------------------------------------------------------------------
# B — Consenso, Registro delle Opposizioni e filiera del contatto
# ---------------------------------------------------------------------------

_CONSENSO_BASE = _item(
    "Ogni campagna si svolge solo verso persone che hanno dato il consenso o verso numerazioni "
    "non iscritte al RPO?",
    articles=["consenso"],
    weight=3,
    blocking=True,
    guidance=(
        "Scegliere a campione tre campagne recenti e, per ciascuna, 20 numerazioni chiamate: "
        "per ognuna deve risultare il consenso o l'esito negativo della verifica sul RPO."
    ),
    evidence="Elenco delle campagne attive con la base giuridica di ciascuna",
)

_CONSENSO_PROVA = _item(
    "Per i contatti basati sul consenso, il contact center ha (o ottiene dal committente) la "
    "prova del consenso con data, ora, canale e testo dell'informativa?",
    articles=["consenso"],
    weight=2,
    guidance=(
        "Sulle numerazioni del campione chiedere la prova del consenso; valutare se arriva "
        "completa e in tempi ragionevoli."
    ),
    evidence="Prove del consenso per un campione di contatti",
)

_CONSENSO_COMMITTENTE = _item(
    "Il consenso raccolto per un committente non è usato per campagne di altri committenti?",
    articles=["consenso"],
    weight=2,
    guidance=(
        "Confrontare il committente indicato nel testo del consenso con quello della campagna "
        "in cui il contatto è stato chiamato."
    ),
)

_RPO_VERIFICA = _item(
    "Le liste sono verificate sul Registro Pubblico delle Opposizioni prima dell'avvio di "
    "ogni campagna?",
    articles=["rpo"],
    weight=3,
    blocking=True,
    guidance=(
        "Per le campagne del campione confrontare la data dell'esito RPO con la data della "
        "prima chiamata. Una campagna avviata senza verifica vale 0."
    ),
    evidence="Esiti delle interrogazioni al RPO con data e identificativo della lista",
)

_RPO_MENSILE = _item(
    "Durante la campagna le liste sono verificate di nuovo almeno una volta al mese?",
    articles=["rpo"],
    weight=2,
    guidance=(
        "Controllare le date delle verifiche successive per le campagne più lunghe di un mese."
    ),
    evidence="Esiti delle verifiche periodiche sul RPO",
)

_RPO_15_GIORNI = _item(
    "Nessuna lista è usata con un esito RPO di oltre 15 giorni e le verifiche sono ripetute "
    "almeno ogni 15 giorni?",
    articles=["rpo"],
    weight=2,
    guidance=(
        "Per ogni campagna del campione ricostruire il calendario delle verifiche e segnalare "
        "ogni giornata di chiamate con un esito più vecchio di 15 giorni."
    ),
    evidence="Calendario delle verifiche RPO per campagna",
)

_RPO_CONSERVAZIONE = _item(
    "Gli esiti delle verifiche sul RPO sono conservati per almeno due anni?",
    articles=["rpo"],
    weight=1,
    guidance="Chiedere gli esiti di una campagna conclusa da più di un anno.",
)

_ELENCHI_PUBBLICI = _item(
    "Le numerazioni non presenti negli elenchi pubblici sono chiamate solo con un consenso "
    "specifico, senza numerazioni generate automaticamente o raccolte dal web?",
    articles=["elenchi-pubblici"],
    weight=2,
    guidance=(
        "Chiedere come sono state costruite le liste del campione e se contengono numerazioni "
        "mobili; escludere generazione sequenziale e raccolta da siti o social network."
    ),
    evidence="Descrizione delle fonti delle liste di contatto",
)

_FILIERA_ORIGINE = _item(
    "Per ogni lista è documentata l'origine: chi ha raccolto i dati, quando, con quale "
    "canale e informativa, e i passaggi successivi?",
    articles=["filiera"],
    weight=3,
    guidance=(
        "Per due liste del campione ricostruire la filiera dal soggetto che ha raccolto i dati "
        "fino alla campagna. Liste acquistate senza documentazione valgono 0."
    ),
    evidence="Contratti con i fornitori di liste e schede di provenienza",
)

_FILIERA_CONTRATTI = _item(
    "Per ogni contratto concluso il contact center sa indicare lista, campagna, operatore e "
    "data della chiamata?",
    articles=["filiera"],
    weight=2,
    guidance=(
        "Scegliere cinque contratti recenti e chiedere, per ciascuno, la ricostruzione "
        "completa; valutare tempi e completezza della risposta."
    ),
    evidence="Ricostruzione della filiera per cinque contratti scelti dall'auditor",
)

# ---------------------------------------------------------------------------
# C — Svolgimento delle chiamate
# ---------------------------------------------------------------------------

_ORARI_V1 = _item(
    "Le chiamate promozionali si fanno nei giorni feriali, di norma tra le 9 e le 20, mai la "
    "domenica e nei festivi?",
    articles=["orari"],
    weight=3,
    blocking=True,
    guidance=(
        "Estrarre dal sistema di chiamata i tentativi di due settimane, festivi compresi. "
        "Chiamate sistematiche fuori fascia valgono 0."
    ),
    evidence="Log del sistema di chiamata su un campione di giornate",
)

_ORARI = _item(
    "Le chiamate promozionali si fanno solo dal lunedì al venerdì 9–20 e il sabato e i "
    "prefestivi 10–19, mai la domenica e nei festivi, anche dalle sedi all'estero?",
    articles=["orari"],
    weight=3,
    blocking=True,
    guidance=(
        "Estrarre dal sistema di chiamata i tentativi di due settimane, compresi un sabato e un "
        "festivo, per tutte le sedi; gli orari sono in ora italiana. Chiamate sistematiche "
        "fuori fascia valgono 0."
    ),
    evidence="Log del sistema di chiamata su un campione di giornate, per sede",
)

_CLI_VISIBILE = _item(
    "Ogni chiamata mostra il numero chiamante, senza nasconderlo o alterarlo?",
    articles=["cli"],
    weight=3,
    blocking=True,
    guidance=(
        "Controllare la configurazione dei trunk e fare chiamate di prova verso un numero "
        "dell'auditor. Un CLI nascosto o non assegnato all'impresa vale 0."
    ),
    evidence="Configurazione dei trunk e chiamate di prova",
)

_CLI_DICHIARATO = _item(
    "Il numero mostrato è una delle numerazioni dichiarate e permette di richiamare?",
    articles=["cli", "roc"],
    weight=2,
    guidance="Richiamare i numeri visti nelle chiamate di prova e annotare cosa si ascolta.",
)

_CLI_RICHIAMABILE = _item(
    "Chi richiama il numero mostrato ascolta, senza costi aggiuntivi, il nome del contact "
    "center e del committente e può opporsi subito a ulteriori contatti?",
    articles=["cli"],
    weight=2,
    guidance=(
        "Richiamare tre numerazioni dichiarate in orari diversi; verificare il messaggio, la "
        "tariffa e la possibilità di registrare l'opposizione. Segnalare la rotazione di "
        "numerazioni usata per eludere i filtri anti-spam."
    ),
    evidence="Testo del messaggio di richiamata e tariffa delle numerazioni",
)

_APERTURA = _item(
    "All'inizio della chiamata l'operatore si presenta, indica contact center, committente e "
    "finalità commerciale e chiede se proseguire?",
    articles=["apertura", "script"],
    weight=2,
    guidance=(
        "Ascoltare almeno 20 registrazioni di campagne diverse e verificare la formula di "
        "apertura prima di qualsiasi proposta."
    ),
    evidence="Registrazioni di un campione di chiamate",
)

_SCORRETTEZZE = _item(
    "Le chiamate non sono presentate come sondaggi, verifiche tecniche o obblighi di legge e "
    "non contengono pratiche ingannevoli o aggressive?",
    articles=["apertura", "pratiche-scorrette"],
    weight=3,
    guidance=(
        "Sulle registrazioni ascoltate cercare false presentazioni, pressioni, scadenze "
        "inventate, insistenza dopo un rifiuto; verificare l'informazione sul diritto di "
        "recesso nei contratti a distanza."
    ),
    evidence="Registrazioni di un campione di chiamate e reclami ricevuti",
)

_OPPOSIZIONE = _item(
    "L'opposizione espressa in chiamata è confermata, registrata e trasmessa al committente "
    "entro due giorni lavorativi, e il numero non è più chiamato?",
    articles=["opposizione"],
    weight=3,
    guidance=(
        "Scegliere dieci opposizioni registrate e verificare data di trasmissione al committente "
        "e assenza di chiamate successive per lo stesso committente."
    ),
    evidence="Estratto del registro delle opposizioni e ricevute di trasmissione",
)

_SISTEMI_INFORMAZIONE = _item(
    "Se si usano sistemi automatizzati o voci sintetiche, l'interessato lo sa dall'inizio e "
    "può sempre parlare con un operatore o opporsi?",
    articles=["sistemi-automatizzati"],
    weight=2,
    allows_na=True,
    guidance=(
        "Farsi descrivere i sistemi usati e ascoltare alcune interazioni. Non applicabile se il "
        "contact center non usa sistemi automatizzati né assistenti vocali."
    ),
    evidence="Descrizione dei sistemi automatizzati e delle loro impostazioni",
)

_SISTEMI_ABBANDONATE = _item(
    "Il tasso di chiamate abbandonate dei sistemi predittivi resta entro il 3% per campagna, "
    "con al più una chiamata abbandonata al giorno per numerazione?",
    articles=["sistemi-automatizzati"],
    weight=2,
    allows_na=True,
    guidance=(
        "Chiedere i rapporti del sistema predittivo per le campagne del campione. Non "
        "applicabile se non si usano sistemi di chiamata predittiva."
    ),
    evidence="Rapporti sulle chiamate abbandonate per campagna",
)

# ---------------------------------------------------------------------------
# D — Script, informativa e controlli di qualità
# ---------------------------------------------------------------------------

_SCRIPT_V1 = _item(
    "Per ogni campagna esistono uno script con presentazione, finalità, risposte frequenti e "
    "formula di opposizione, e un'informativa privacy?",
    articles=["script"],
    weight=2,
    guidance=(
        "Chiedere script e informativa delle campagne del campione e confrontarli con le "
        "registrazioni."
    ),
    evidence="Script e informative delle campagne attive",
)

_SCRIPT = _item(
    "Per ogni campagna esistono uno script e un'informativa approvati per iscritto dal "
    "committente prima dell'avvio, con le revisioni datate?",
    articles=["script"],
    weight=2,
    guidance=(
        "Chiedere script e informativa delle campagne del campione con l'approvazione del "
        "committente; confrontare la data di approvazione con l'avvio della campagna."
    ),
    evidence="Script, informative e approvazioni scritte dei committenti",
)

_INFORMATIVA = _item(
    "L'informativa è resa in forma sintetica in chiamata e inviata completa a chi la chiede?",
    articles=["script"],
    weight=2,
    guidance=(
        "Verificare sulle registrazioni l'informativa sintetica; fare una richiesta di prova "
        "dell'informativa completa e misurare i tempi di invio."
    ),
)

_QUALITA_V1 = _item(
    "Il contact center fa controlli di qualità a campione sulle chiamate per verificare il "
    "rispetto dello script e del codice?",
    articles=["registrazioni"],
    weight=2,
    guidance="Chiedere le schede dei controlli degli ultimi tre mesi.",
    evidence="Schede dei controlli di qualità",
)

_QUALITA = _item(
    "I controlli di qualità coprono almeno l'1% delle chiamate di ogni campagna e le non "
    "conformità danno luogo ad azioni correttive?",
    articles=["registrazioni"],
    weight=2,
    guidance=(
        "Confrontare il numero di chiamate controllate con i volumi di ciascuna campagna; "
        "seguire due non conformità fino all'azione correttiva (anche formazione integrativa)."
    ),
    evidence="Schede dei controlli di qualità e registro delle azioni correttive",
)

_REGISTRAZIONI = _item(
    "Le chiamate concluse con un'adesione sono registrate, con informativa, almeno nella "
    "conferma delle condizioni, e conservate solo per il tempo indicato?",
    articles=["registrazioni"],
    weight=2,
    guidance=(
        "Scegliere cinque contratti e chiedere le registrazioni di conferma; verificare la "
        "politica di conservazione e la cancellazione alla scadenza."
    ),
    evidence="Registrazioni di conferma e politica di conservazione",
)

# ---------------------------------------------------------------------------
# E — Subappalto e formazione
# ---------------------------------------------------------------------------

_SUBAPPALTO_AUTORIZZAZIONE = _item(
    "Ogni affidamento a terzi ha l'autorizzazione scritta del committente e un "
    "subappaltatore iscritto al ROC vincolato per contratto al codice?",
    articles=["subappalto"],
    weight=2,
    allows_na=True,
    guidance=(
        "Chiedere i contratti di subappalto e le autorizzazioni dei committenti. Non "
        "applicabile se il contact center non affida campagne a terzi."
    ),
    evidence="Contratti di subappalto e autorizzazioni dei committenti",
)

_SUBAPPALTO_ELENCO = _item(
    "L'elenco dei subappaltatori, con campagne affidate e numerazioni usate, è aggiornato?",
    articles=["subappalto", "roc"],
    weight=2,
    allows_na=True,
    guidance=(
        "Confrontare l'elenco con le campagne attive e con le numerazioni viste nei tabulati. "
        "Non applicabile se non ci sono subappaltatori."
    ),
    evidence="Elenco dei subappaltatori",
)

_SUBAPPALTO_CONTROLLI = _item(
    "Il contact center verifica almeno una volta all'anno il rispetto del codice da parte "
    "di ogni subappaltatore e interrompe gli affidamenti in caso di violazioni gravi?",
    articles=["subappalto"],
    weight=2,
    allows_na=True,
    guidance=(
        "Chiedere i verbali delle verifiche sui subappaltatori, con i controlli a campione su "
        "registrazioni e liste. Non applicabile se non ci sono subappaltatori."
    ),
    evidence="Verbali delle verifiche sui subappaltatori",
)

_FORMAZIONE = _item(
    "Operatori e supervisori sono formati, prima di essere assegnati a una campagna, su "
    "privacy, codice, pratiche scorrette e sicurezza sul lavoro, con aggiornamento annuale?",
    articles=["formazione"],
    weight=2,
    guidance=(
        "Scegliere dieci operatori in servizio e verificare, per ciascuno, la data della "
        "formazione iniziale rispetto alla prima campagna e l'ultimo aggiornamento."
    ),
    evidence="Registro della formazione con nominativi, date e durata",
)

_FORMAZIONE_DOCUMENTI = _item(
    "La documentazione dei corsi (partecipanti, durata, verifiche di apprendimento) è "
    "conservata per almeno tre anni?",
    articles=["formazione"],
    weight=1,
    guidance="Chiedere la documentazione di un corso di almeno due anni fa.",
    evidence="Attestati e test di apprendimento",
)

# ---------------------------------------------------------------------------
# F — Reclami
# ---------------------------------------------------------------------------

_RECLAMI_PROCEDURA = _item(
    "Esiste una procedura scritta per i reclami, con indirizzo e-mail e numero telefonico "
    "indicati sul sito?",
    articles=["reclami"],
    weight=2,
    guidance="Leggere la procedura e verificare i canali sul sito del contact center.",
    evidence="Procedura di gestione dei reclami",
)

_RECLAMI_PROCEDURA_V3 = _item(
    "Esiste una procedura scritta per i reclami, con indirizzo e-mail, numero telefonico e "
    "modulo online ben visibili sul sito?",
    articles=["reclami"],
    weight=2,
    guidance="Leggere la procedura e verificare i tre canali sul sito del contact center.",
    evidence="Procedura di gestione dei reclami",
)

_RECLAMI_TEMPI_V1 = _item(
    "I reclami ricevono risposta scritta entro 45 giorni?",
    articles=["reclami"],
    weight=2,
    guidance="Calcolare i tempi di risposta sui reclami degli ultimi 12 mesi.",
    evidence="Registro dei reclami",
)

_RECLAMI_TEMPI = _item(
    "I reclami ricevono risposta scritta entro 30 giorni, e quelli trasmessi da OIC o dalle "
    "associazioni dei consumatori entro 15?",
    articles=["reclami"],
    weight=2,
    guidance=(
        "Calcolare i tempi di risposta sui reclami degli ultimi 12 mesi, distinguendo quelli "
        "arrivati tramite OIC o le associazioni."
    ),
    evidence="Registro dei reclami con date di ricevimento e di risposta",
)

_RECLAMI_TEMPI_V3 = _item(
    "La ricezione dei reclami è confermata entro 2 giorni lavorativi e la risposta scritta "
    "arriva entro 20 giorni (10 per quelli trasmessi da OIC o dalle associazioni)?",
    articles=["reclami"],
    weight=2,
    guidance=(
        "Calcolare tempi di conferma e di risposta sui reclami degli ultimi 12 mesi, "
        "distinguendo quelli arrivati tramite OIC o le associazioni."
    ),
    evidence="Registro dei reclami con date di ricevimento, conferma e risposta",
)

_RECLAMI_REGISTRO = _item(
    "Il registro dei reclami (data, oggetto, esito, tempi) è tenuto e conservato per almeno "
    "due anni?",
    articles=["reclami"],
    weight=1,
    guidance="Controllare che il registro sia completo e copra almeno gli ultimi due anni.",
    evidence="Registro dei reclami",
)

# ---------------------------------------------------------------------------
# Liste per versione
# ---------------------------------------------------------------------------

_A = ("A", "Requisiti dell'impresa")
_B = ("B", "Consenso, Registro delle Opposizioni e filiera del contatto")
_C = ("C", "Svolgimento delle chiamate")
_D = ("D", "Script, informativa e controlli di qualità")
_E = ("E", "Subappalto e formazione")
_F = ("F", "Gestione dei reclami")


def _section(code_title: tuple[str, str], items: list[dict], minimum: str | None = None) -> dict:
    code, title = code_title
    return {"code": code, "title": title, "minimum": minimum, "items": items}


CHECKLISTS: dict[str, dict] = {
    "1.0": {
        "threshold": "65",
        "sections": [
            _section(_A, [_ROC_ISCRIZIONE, _ROC_NUMERAZIONI_V1, _SANZIONI_V1]),
            _section(
                (_B[0], "Consenso e Registro delle Opposizioni"),
                [
                    _CONSENSO_BASE,
                    _CONSENSO_PROVA,
                    _CONSENSO_COMMITTENTE,
                    _RPO_VERIFICA,
                    _RPO_MENSILE,
                    _ELENCHI_PUBBLICI,
                ],
                minimum="60",
            ),
            _section(
                _C,
                [_ORARI_V1, _CLI_VISIBILE, _CLI_DICHIARATO, _APERTURA, _SCORRETTEZZE, _OPPOSIZIONE],
                minimum="60",
            ),
            _section(_D, [_SCRIPT_V1, _INFORMATIVA, _QUALITA_V1, _REGISTRAZIONI]),
            _section((_E[0], _F[1]), [_RECLAMI_PROCEDURA, _RECLAMI_TEMPI_V1]),
        ],
    },
    "2.0": {
        "threshold": "70",
        "sections": [
            _section(
                _A,
                [
                    _ROC_ISCRIZIONE,
                    _ROC_NUMERAZIONI,
                    _ROC_VARIAZIONI,
                    _SANZIONI,
                    _SANZIONI_PROCEDIMENTI,
                ],
            ),
            _section(
                _B,
                [
                    _CONSENSO_BASE,
                    _CONSENSO_PROVA,
                    _CONSENSO_COMMITTENTE,
                    _RPO_VERIFICA,
                    _RPO_15_GIORNI,
                    _RPO_CONSERVAZIONE,
                    _FILIERA_ORIGINE,
                    _FILIERA_CONTRATTI,
                ],
                minimum="70",
            ),
            _section(
                _C,
                [_ORARI, _CLI_VISIBILE, _CLI_DICHIARATO, _APERTURA, _SCORRETTEZZE, _OPPOSIZIONE],
                minimum="70",
            ),
            _section(_D, [_SCRIPT, _INFORMATIVA, _QUALITA, _REGISTRAZIONI]),
            _section(
                _E,
                [
                    _SUBAPPALTO_AUTORIZZAZIONE,
                    _SUBAPPALTO_ELENCO,
                    _SUBAPPALTO_CONTROLLI,
                    _FORMAZIONE,
                    _FORMAZIONE_DOCUMENTI,
                ],
                minimum="50",
            ),
            _section(_F, [_RECLAMI_PROCEDURA, _RECLAMI_TEMPI, _RECLAMI_REGISTRO], minimum="50"),
        ],
    },
    "3.0": {
        "threshold": "70",
        "sections": [
            _section(
                _A,
                [
                    _ROC_ISCRIZIONE,
                    _ROC_NUMERAZIONI,
                    _ROC_VARIAZIONI,
                    _SANZIONI,
                    _SANZIONI_PROCEDIMENTI,
                ],
            ),
            _section(
                _B,
                [
                    _CONSENSO_BASE,
                    _CONSENSO_PROVA,
                    _CONSENSO_COMMITTENTE,
                    _RPO_VERIFICA,
                    _RPO_15_GIORNI,
                    _RPO_CONSERVAZIONE,
                    _FILIERA_ORIGINE,
                    _FILIERA_CONTRATTI,
                ],
                minimum="70",
            ),
            _section(
                _C,
                [
                    _ORARI,
                    _CLI_VISIBILE,
                    _CLI_RICHIAMABILE,
                    _APERTURA,
                    _SCORRETTEZZE,
                    _OPPOSIZIONE,
                    _SISTEMI_INFORMAZIONE,
                    _SISTEMI_ABBANDONATE,
                ],
                minimum="70",
            ),
            _section(_D, [_SCRIPT, _INFORMATIVA, _QUALITA, _REGISTRAZIONI]),
            _section(
                _E,
                [
                    _SUBAPPALTO_AUTORIZZAZIONE,
                    _SUBAPPALTO_ELENCO,
                    _SUBAPPALTO_CONTROLLI,
                    _FORMAZIONE,
                    _FORMAZIONE_DOCUMENTI,
                ],
                minimum="50",
            ),
            _section(
                _F,
                [
                    _RECLAMI_PROCEDURA_V3,
                    _RECLAMI_TEMPI_V3,
                    _RECLAMI_REGISTRO,
                ],
                minimum="50",
            ),
        ],
    },
}


# ---------------------------------------------------------------------------
# Caricatore
# ---------------------------------------------------------------------------


@transaction.atomic
def load_demo_checklist(version: CodeVersion) -> ChecklistTemplate | None:
    """Give the draft `version` the demo checklist of its number (None if there is none).

    A draft created from the previous version already holds a copy of that checklist: it is
    replaced. Each item is validated like a form would (its articles must exist in the
    version), so a mistake in the data stops the demo instead of loading a broken checklist.
    """
    data = CHECKLISTS.get(version.number)
    if data is None:
        return None
    if not version.is_draft:
        raise VersionLocked(version)
    ChecklistItem.objects.filter(version=version).delete()
    ChecklistSection.objects.filter(version=version).delete()
    ScaleLevel.objects.filter(version=version).delete()
    ChecklistTemplate.objects.filter(version=version).delete()

    template = ChecklistTemplate.objects.create(
        version=version, pass_threshold=Decimal(data["threshold"])
    )
    ScaleLevel.objects.bulk_create(
        [
            ScaleLevel(version=version, points=points, label=str(label))
            for points, label in DEFAULT_LEVELS
        ]
    )
    for section_order, section_data in enumerate(data["sections"], start=1):
        minimum = section_data["minimum"]
        section = ChecklistSection.objects.create(
            version=version,
            code=section_data["code"],
            title=section_data["title"],
            minimum_percent=Decimal(minimum) if minimum is not None else None,
            order=section_order,
        )
        for order, item_data in enumerate(section_data["items"], start=1):
            item = ChecklistItem(
                version=version,
                section=section,
                code=f"{section.code}.{order}",
                question=item_data["question"],
                guidance=item_data["guidance"],
                article_keys=list(item_data["articles"]),
                weight=Decimal(item_data["weight"]),
                blocking=item_data["blocking"],
                allows_na=item_data["allows_na"],
                evidence_hint=item_data["evidence"],
                order=order,
            )
            item.full_clean()
            item.save()
    return template


def load_demo_checklists(versions_by_number: dict[str, CodeVersion]) -> list[ChecklistTemplate]:
    """Load the demo checklist of every version given; each must still be a draft."""
    loaded = []
    for version in versions_by_number.values():
        template = load_demo_checklist(version)
        if template is not None:
            loaded.append(template)
    return loaded
