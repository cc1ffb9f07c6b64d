"""Contenuti dimostrativi del codice di autoregolamentazione del Bollino Blu Qualità.

Solo dati, nessuna logica: tre versioni del codice (1.0 superata, 2.0 pubblicata e in
vigore, 3.0 bozza in discussione), i rispettivi decaloghi, le riunioni del tavolo di
lavoro OIC–Assocontact e le proposte di emendamento alla bozza.

I testi sono in Markdown: ogni paragrafo o voce di elenco è una sola riga del testo,
spezzata nel sorgente solo per concatenazione implicita. Gli articoli che non cambiano
tra una versione e l'altra riusano la stessa costante, così il confronto tra versioni
mostra solo le modifiche reali; gli emendamenti accolti condividono il testo con
l'articolo della bozza 3.0 a cui sono stati applicati.
"""

# ---------------------------------------------------------------------------
# Capo I — Principi generali
# ---------------------------------------------------------------------------

_AMBITO_V1 = (
    "Il presente codice disciplina le attività di contatto telefonico con finalità "
    "promozionali, commerciali e di vendita (telemarketing e teleselling) svolte dai contact "
    "center che richiedono o detengono il Bollino Blu Qualità rilasciato da OIC – Osservatorio "
    "Imprese e Consumatori e da Assocontact.\n\n"
    "Il codice si applica alle chiamate effettuate con operatore verso consumatori e utenti "
    "finali che si trovano in Italia, sia per conto proprio sia per conto di aziende "
    "committenti.\n\n"
    "L'adesione al codice è volontaria. Con la domanda di certificazione il contact center si "
    "impegna a rispettarlo in tutte le campagne, e non soltanto in quelle svolte per i "
    "committenti che ne fanno richiesta.\n\n"
    "Le disposizioni del codice si aggiungono, senza sostituirli, agli obblighi previsti dal "
    "Regolamento (UE) 2016/679 (GDPR), dal Codice in materia di protezione dei dati personali "
    "(D.Lgs. 196/2003), dalla legge 5/2018 sul Registro Pubblico delle Opposizioni e dal "
    "Codice del consumo."
)

_AMBITO_V2 = (
    "Il presente codice disciplina le attività di contatto telefonico con finalità "
    "promozionali, commerciali e di vendita (telemarketing e teleselling) svolte dai contact "
    "center che richiedono o detengono il Bollino Blu Qualità rilasciato da OIC – Osservatorio "
    "Imprese e Consumatori e da Assocontact.\n\n"
    "Il codice si applica alle chiamate effettuate con operatore verso consumatori e utenti "
    "finali che si trovano in Italia, sia per conto proprio sia per conto di aziende "
    "committenti, comprese le attività che il contact center affida a terzi in subappalto e "
    "quelle svolte da sedi operative situate all'estero.\n\n"
    "L'adesione al codice è volontaria. Con la domanda di certificazione il contact center si "
    "impegna a rispettarlo in tutte le campagne, e non soltanto in quelle svolte per i "
    "committenti che ne fanno richiesta.\n\n"
    "Le disposizioni del codice si aggiungono, senza sostituirli, agli obblighi previsti dal "
    "Regolamento (UE) 2016/679 (GDPR), dal Codice in materia di protezione dei dati personali "
    "(D.Lgs. 196/2003), dalla legge 5/2018 sul Registro Pubblico delle Opposizioni, dal Codice "
    "del consumo e dal codice di condotta per le attività di telemarketing approvato dal "
    "Garante per la protezione dei dati personali."
)

_DEFINIZIONI_V1 = (
    "Ai fini del presente codice si intende per:\n\n"
    "- **contact center**: l'impresa che svolge attività di contatto telefonico per conto "
    "proprio o di terzi;\n"
    "- **committente**: l'impresa che affida al contact center una campagna per promuovere i "
    "propri prodotti o servizi;\n"
    "- **campagna**: l'insieme delle chiamate effettuate per un committente, con un'unica "
    "finalità, un unico script e una lista di contatti definita;\n"
    "- **interessato**: la persona fisica contattata, titolare dell'utenza telefonica o suo "
    "utilizzatore abituale;\n"
    "- **RPO**: il Registro Pubblico delle Opposizioni disciplinato dalla legge 11 gennaio "
    "2018, n. 5;\n"
    "- **ROC**: il Registro degli Operatori di Comunicazione tenuto dall'Autorità per le "
    "Garanzie nelle Comunicazioni (AGCOM);\n"
    "- **CLI** (Calling Line Identification): il numero telefonico che viene mostrato "
    "all'interessato come numero del chiamante."
)

_DEFINIZIONI_V2 = (
    "Ai fini del presente codice si intende per:\n\n"
    "- **contact center**: l'impresa che svolge attività di contatto telefonico per conto "
    "proprio o di terzi;\n"
    "- **committente**: l'impresa che affida al contact center una campagna per promuovere i "
    "propri prodotti o servizi;\n"
    "- **campagna**: l'insieme delle chiamate effettuate per un committente, con un'unica "
    "finalità, un unico script e una lista di contatti definita;\n"
    "- **interessato**: la persona fisica contattata, titolare dell'utenza telefonica o suo "
    "utilizzatore abituale;\n"
    "- **subappaltatore**: il soggetto terzo al quale il contact center affida, in tutto o in "
    "parte, l'esecuzione di una campagna;\n"
    "- **filiera del contatto**: la sequenza documentata dei soggetti e dei passaggi "
    "attraverso i quali un dato di contatto è stato raccolto, ceduto e utilizzato, fino alla "
    "chiamata e all'eventuale contratto;\n"
    "- **RPO**: il Registro Pubblico delle Opposizioni disciplinato dalla legge 11 gennaio "
    "2018, n. 5;\n"
    "- **ROC**: il Registro degli Operatori di Comunicazione tenuto dall'Autorità per le "
    "Garanzie nelle Comunicazioni (AGCOM);\n"
    "- **CLI** (Calling Line Identification): il numero telefonico che viene mostrato "
    "all'interessato come numero del chiamante."
)

_PRINCIPI = (
    "Il contact center svolge le proprie attività secondo principi di correttezza, trasparenza "
    "e rispetto della persona contattata, tenendo presente che la chiamata raggiunge "
    "l'interessato nella sua vita privata e senza che l'abbia richiesta.\n\n"
    "In particolare il contact center:\n\n"
    "1. contatta soltanto persone per le quali dispone di una base giuridica valida;\n"
    "2. rende riconoscibile fin dal primo istante chi chiama e per quale ragione;\n"
    "3. rispetta la volontà dell'interessato di non proseguire la conversazione o di non "
    "essere più contattato;\n"
    "4. non approfitta dell'età, della fragilità, della scarsa familiarità con la lingua "
    "italiana o dello stato di bisogno dell'interessato;\n"
    "5. collabora con OIC, con le associazioni dei consumatori e con le autorità competenti "
    "nella soluzione dei problemi segnalati."
)

# ---------------------------------------------------------------------------
# Capo II — Requisiti del contact center
# ---------------------------------------------------------------------------

_ROC_V1 = (
    "Il contact center è iscritto al Registro degli Operatori di Comunicazione (ROC) tenuto "
    "dall'AGCOM e mantiene aggiornati i dati dell'iscrizione.\n\n"
    "Con la domanda di certificazione il contact center comunica a OIC l'elenco delle "
    "numerazioni utilizzate per le chiamate in uscita e ne segnala ogni successiva variazione."
)

_ROC_V2 = (
    "Il contact center è iscritto al Registro degli Operatori di Comunicazione (ROC) tenuto "
    "dall'AGCOM e mantiene aggiornati i dati dell'iscrizione, compresi quelli relativi alle "
    "numerazioni utilizzate.\n\n"
    "Tutte le numerazioni utilizzate per le chiamate in uscita sono dichiarate nel ROC e "
    "comunicate a OIC con la domanda di certificazione. Ogni nuova numerazione è dichiarata "
    "prima del suo utilizzo; la dismissione di una numerazione è comunicata entro 15 giorni.\n\n"
    "Non è consentito effettuare chiamate promozionali da numerazioni non dichiarate, neppure "
    "per periodi di prova o per campagne di breve durata."
)

_SANZIONI_V1 = (
    "Può ottenere e mantenere il Bollino Blu il contact center che, negli ultimi due anni, non "
    "sia stato destinatario di provvedimenti sanzionatori definitivi del Garante per la "
    "protezione dei dati personali relativi ad attività di telemarketing.\n\n"
    "Il legale rappresentante dichiara l'assenza di tali provvedimenti con la domanda di "
    "certificazione e comunica a OIC, entro 30 giorni, ogni procedimento avviato nei confronti "
    "dell'impresa."
)

_SANZIONI_V2 = (
    "Può ottenere e mantenere il Bollino Blu il contact center che, negli ultimi due anni, non "
    "sia stato destinatario di provvedimenti sanzionatori definitivi del Garante per la "
    "protezione dei dati personali o dell'Autorità per le Garanzie nelle Comunicazioni (AGCOM) "
    "relativi ad attività di contatto con la clientela.\n\n"
    "Il legale rappresentante dichiara l'assenza di tali provvedimenti con la domanda di "
    "certificazione e comunica a OIC, entro 15 giorni, ogni procedimento avviato nei confronti "
    "dell'impresa. Il comitato di certificazione valuta se l'avvio del procedimento "
    "giustifichi la sospensione cautelativa del Bollino."
)

_SUBAPPALTO = (
    "Il contact center può affidare a terzi l'esecuzione di una campagna solo con "
    "l'autorizzazione scritta del committente e solo a soggetti iscritti al ROC che si "
    "impegnano per contratto a rispettare il presente codice.\n\n"
    "Il contact center:\n\n"
    "1. tiene un elenco aggiornato dei subappaltatori, con le campagne affidate e le "
    "numerazioni da essi utilizzate;\n"
    "2. verifica, prima dell'affidamento e almeno una volta all'anno, il rispetto del codice "
    "da parte di ciascun subappaltatore, anche con controlli a campione sulle registrazioni e "
    "sulle liste di contatto;\n"
    "3. interrompe l'affidamento quando accerta violazioni gravi o ripetute e ne informa il "
    "committente e OIC.\n\n"
    "Il contact center risponde del rispetto del codice anche per le chiamate effettuate dai "
    "propri subappaltatori."
)

_FORMAZIONE = (
    "Gli operatori e i loro supervisori partecipano, prima di essere assegnati a una campagna, "
    "a un percorso di formazione che comprende almeno:\n\n"
    "- la protezione dei dati personali secondo il GDPR e il Codice privacy, con particolare "
    "riguardo al consenso, al diritto di opposizione e al RPO;\n"
    "- i contenuti del presente codice e del decalogo;\n"
    "- le pratiche commerciali scorrette vietate dal Codice del consumo;\n"
    "- la salute e la sicurezza nei luoghi di lavoro, secondo la normativa vigente.\n\n"
    "La formazione è aggiornata almeno una volta all'anno e ogni volta che il codice cambia.\n\n"
    "Il contact center conserva per almeno tre anni la documentazione dei corsi svolti, con i "
    "nominativi dei partecipanti, la durata e l'esito delle verifiche di apprendimento."
)

# ---------------------------------------------------------------------------
# Capo III — Consenso, Registro delle Opposizioni e filiera del contatto
# ---------------------------------------------------------------------------

_CONSENSO = (
    "Il contact center effettua chiamate promozionali soltanto:\n\n"
    "1. verso interessati che hanno prestato un consenso libero, specifico, informato e "
    "documentabile al trattamento dei propri dati per finalità di marketing telefonico da "
    "parte del committente; oppure\n"
    "2. verso numerazioni che, al momento della chiamata, risultano non iscritte al Registro "
    "Pubblico delle Opposizioni, nei casi in cui la legge lo consente.\n\n"
    "Il consenso prestato a favore di un committente non vale per altri committenti e non può "
    "essere ceduto a terzi senza una specifica manifestazione di volontà dell'interessato.\n\n"
    "Il contact center conserva, oppure ottiene dal committente su richiesta, la prova del "
    "consenso: data, ora, canale di raccolta e testo dell'informativa accettata."
)

_RPO_V1 = (
    "Prima dell'avvio di ogni campagna il contact center verifica che le numerazioni da "
    "contattare non siano iscritte al RPO, salvo quelle per le quali dispone di un consenso "
    "specifico prestato dopo l'iscrizione.\n\n"
    "Le liste sono verificate nuovamente almeno una volta al mese per tutta la durata della "
    "campagna. Le numerazioni risultate iscritte sono escluse dalla lista e non sono "
    "contattate."
)

_RPO_V2 = (
    "Prima dell'avvio di ogni campagna il contact center verifica che le numerazioni da "
    "contattare non siano iscritte al RPO, salvo quelle per le quali dispone di un consenso "
    "specifico prestato dopo l'iscrizione.\n\n"
    "Non è consentito utilizzare liste il cui esito di verifica sul RPO risalga a più di 15 "
    "giorni prima: per le campagne di durata superiore la verifica è ripetuta almeno ogni 15 "
    "giorni. Le numerazioni risultate iscritte sono escluse dalla lista e non sono contattate.\n\n"
    "Il contact center conserva per almeno due anni gli esiti di ciascuna verifica, con la "
    "data dell'interrogazione e l'identificativo della lista, e li esibisce su richiesta degli "
    "auditor di OIC."
)

_ELENCHI_PUBBLICI = (
    "Le numerazioni tratte dagli elenchi telefonici pubblici possono essere contattate per "
    "finalità promozionali solo dopo la verifica sul RPO prevista dal presente codice.\n\n"
    "Le numerazioni non presenti negli elenchi pubblici, comprese le numerazioni mobili, "
    "possono essere contattate esclusivamente sulla base di un consenso specifico "
    "dell'interessato.\n\n"
    "Non è consentito utilizzare numerazioni generate automaticamente o in sequenza, né "
    "numerazioni raccolte da siti web, social network o altre fonti accessibili al pubblico "
    "senza il consenso dell'interessato."
)

_FILIERA = (
    "Il contact center utilizza esclusivamente liste di contatto di cui è in grado di "
    "documentare l'origine. Per ogni lista conserva:\n\n"
    "- il soggetto che ha raccolto i dati e la data della raccolta;\n"
    "- il canale di raccolta e il testo dell'informativa e del consenso accettati "
    "dall'interessato;\n"
    "- gli eventuali passaggi successivi tra fornitori di liste, committenti e subappaltatori;\n"
    "- gli esiti delle verifiche sul RPO.\n\n"
    "Per ogni contratto concluso a seguito di una chiamata il contact center è in grado di "
    "indicare, su richiesta del committente, dell'interessato o degli auditor di OIC, la lista "
    "da cui proviene il contatto, la campagna, l'operatore e la data della chiamata.\n\n"
    "Non è consentito utilizzare liste acquistate da soggetti che non forniscono questa "
    "documentazione, né liste la cui provenienza non sia verificabile."
)

# ---------------------------------------------------------------------------
# Capo IV — Svolgimento delle chiamate
# ---------------------------------------------------------------------------

_ORARI_V1 = (
    "Le chiamate promozionali sono effettuate nei giorni feriali, in fasce orarie compatibili "
    "con la vita privata e familiare dell'interessato, di norma tra le 9:00 e le 20:00.\n\n"
    "Non sono effettuate chiamate la domenica e nei giorni festivi.\n\n"
    "Quando l'interessato chiede di essere richiamato in un giorno o in un orario determinato, "
    "il contact center rispetta la sua indicazione."
)

_ORARI_V2 = (
    "Le chiamate promozionali sono effettuate esclusivamente nelle seguenti fasce orarie:\n\n"
    "- dal lunedì al venerdì, dalle 9:00 alle 20:00;\n"
    "- il sabato e nei giorni prefestivi, dalle 10:00 alle 19:00.\n\n"
    "Non sono effettuate chiamate la domenica e nei giorni festivi nazionali. Gli orari si "
    "riferiscono all'ora italiana e valgono anche per le chiamate effettuate da sedi situate "
    "all'estero.\n\n"
    "Quando l'interessato chiede di essere richiamato in un giorno o in un orario determinato, "
    "il contact center rispetta la sua indicazione, purché compresa nelle fasce orarie "
    "indicate."
)

_CLI = (
    "Ogni chiamata è effettuata con l'identificativo della linea chiamante (CLI) sempre "
    "visibile. Non è consentito nascondere il numero, né alterarlo o sostituirlo con "
    "numerazioni non assegnate al contact center o al committente.\n\n"
    "Il numero mostrato è una delle numerazioni dichiarate ai sensi del presente codice e "
    "consente all'interessato di richiamare per sapere chi lo ha contattato e per esercitare i "
    "propri diritti."
)

_SCRIPT_V1 = (
    "Per ogni campagna il contact center predispone, d'intesa con il committente, uno script "
    "della conversazione e un'informativa sul trattamento dei dati personali.\n\n"
    "Lo script indica:\n\n"
    "1. la formula di presentazione del contact center e del committente;\n"
    "2. la finalità della chiamata e le caratteristiche essenziali dell'offerta;\n"
    "3. le risposte alle domande più frequenti, comprese quelle sull'origine dei dati;\n"
    "4. la formula con cui l'operatore raccoglie l'eventuale opposizione.\n\n"
    "L'informativa è resa in forma sintetica durante la chiamata e in forma completa su "
    "richiesta dell'interessato, anche con invio per posta elettronica o SMS. Script e "
    "informativa sono conservati per tutta la durata della campagna e per i due anni "
    "successivi."
)

_SCRIPT_V2 = (
    "Per ogni campagna il contact center predispone, d'intesa con il committente, uno script "
    "della conversazione e un'informativa sul trattamento dei dati personali.\n\n"
    "Lo script indica:\n\n"
    "1. la formula di presentazione del contact center e del committente;\n"
    "2. la finalità della chiamata e le caratteristiche essenziali dell'offerta;\n"
    "3. le risposte alle domande più frequenti, comprese quelle sull'origine dei dati;\n"
    "4. la formula con cui l'operatore raccoglie l'eventuale opposizione.\n\n"
    "L'informativa è resa in forma sintetica durante la chiamata e in forma completa su "
    "richiesta dell'interessato, anche con invio per posta elettronica o SMS. Script e "
    "informativa sono approvati per iscritto dal committente prima dell'avvio della campagna e "
    "conservati, con ogni loro revisione datata, per tutta la durata della campagna e per i "
    "due anni successivi."
)

_APERTURA = (
    "All'inizio di ogni chiamata l'operatore, prima di qualsiasi proposta:\n\n"
    "- si presenta con il proprio nome o con un codice identificativo personale;\n"
    "- indica la denominazione del contact center e del committente per conto del quale "
    "chiama;\n"
    "- dichiara in modo chiaro la finalità commerciale della chiamata;\n"
    "- chiede all'interessato se desidera proseguire la conversazione.\n\n"
    "Su richiesta, l'operatore indica l'origine dei dati utilizzati per il contatto. Non è "
    "consentito presentare la chiamata come un sondaggio, una verifica tecnica, un controllo "
    "delle bollette o un adempimento obbligatorio quando la sua finalità è commerciale."
)

_OPPOSIZIONE = (
    "L'interessato può opporsi in qualsiasi momento della chiamata al trattamento dei propri "
    "dati per finalità promozionali, con qualsiasi espressione che manifesti in modo "
    "inequivocabile la sua volontà.\n\n"
    "Ricevuta l'opposizione, l'operatore:\n\n"
    "1. conferma all'interessato che la richiesta è stata registrata;\n"
    "2. interrompe la proposta commerciale senza insistere e senza chiedere giustificazioni;\n"
    "3. registra l'opposizione nei sistemi del contact center, che la trasmettono al "
    "committente entro due giorni lavorativi.\n\n"
    "La numerazione per la quale è stata espressa opposizione non è più contattata per conto "
    "dello stesso committente, neppure attraverso altri contact center."
)

_PRATICHE_SCORRETTE = (
    "Sono vietate le pratiche commerciali ingannevoli e aggressive ai sensi del Codice del "
    "consumo. In particolare l'operatore non:\n\n"
    "- fornisce informazioni false o incomplete sul prezzo, sulla durata o sulle condizioni "
    "dell'offerta;\n"
    "- si presenta come incaricato del fornitore attuale dell'interessato, di un'autorità "
    "pubblica o di un'associazione dei consumatori;\n"
    "- prospetta scadenze, penali, interruzioni del servizio o obblighi di legge inesistenti;\n"
    "- insiste dopo un rifiuto chiaro o richiama ripetutamente lo stesso interessato nella "
    "stessa giornata;\n"
    "- considera concluso un contratto senza il consenso espresso e consapevole "
    "dell'interessato.\n\n"
    "Quando l'offerta comporta la conclusione di un contratto a distanza, l'operatore informa "
    "l'interessato del diritto di recesso e delle modalità con cui riceverà la conferma "
    "scritta delle condizioni."
)

_REGISTRAZIONI_V1 = (
    "Il contact center effettua controlli di qualità sulle chiamate, anche mediante ascolto a "
    "campione, per verificare il rispetto dello script e del presente codice.\n\n"
    "Le chiamate che si concludono con l'adesione a un'offerta sono registrate, previa "
    "informativa all'interessato, almeno nella parte relativa alla conferma delle condizioni "
    "contrattuali. Le registrazioni sono conservate per il tempo strettamente necessario e "
    "comunque nei limiti indicati nell'informativa."
)

_REGISTRAZIONI_V2 = (
    "Il contact center effettua controlli di qualità sulle chiamate, anche mediante ascolto a "
    "campione di almeno l'1% delle chiamate di ciascuna campagna, per verificare il rispetto "
    "dello script e del presente codice.\n\n"
    "Le chiamate che si concludono con l'adesione a un'offerta sono registrate, previa "
    "informativa all'interessato, almeno nella parte relativa alla conferma delle condizioni "
    "contrattuali. Le registrazioni sono conservate per il tempo strettamente necessario e "
    "comunque nei limiti indicati nell'informativa.\n\n"
    "Gli esiti dei controlli sono documentati e messi a disposizione degli auditor di OIC. Le "
    "non conformità rilevate danno luogo ad azioni correttive, compresa la formazione "
    "integrativa dell'operatore interessato."
)

_SISTEMI_AUTOMATIZZATI = (
    "Il contact center che utilizza sistemi automatizzati di chiamata, assistenti vocali o "
    "strumenti di intelligenza artificiale nelle attività disciplinate dal presente codice:\n\n"
    "1. informa l'interessato, all'inizio della conversazione, quando sta interagendo con un "
    "sistema automatizzato o con una voce sintetica;\n"
    "2. garantisce in ogni momento la possibilità di parlare con un operatore e di esprimere "
    "l'opposizione;\n"
    "3. configura i sistemi di chiamata predittiva in modo da evitare chiamate mute o "
    "interrotte: il tasso di chiamate abbandonate non supera il 3% per campagna e la stessa "
    "numerazione non riceve più di una chiamata abbandonata nella stessa giornata;\n"
    "4. non utilizza voci sintetiche che imitano persone reali, né sistemi di riconoscimento "
    "delle emozioni dell'interessato per orientare la proposta commerciale.\n\n"
    "Le chiamate effettuate interamente da sistemi automatizzati, senza l'intervento di un "
    "operatore, richiedono in ogni caso il consenso preventivo dell'interessato.\n\n"
    "Il contact center documenta i sistemi utilizzati, le loro impostazioni e i controlli "
    "svolti, e li descrive agli auditor di OIC in sede di verifica."
)

# ---------------------------------------------------------------------------
# Capo V — Reclami, controlli e Bollino Blu
# ---------------------------------------------------------------------------

_RECLAMI_V1 = (
    "Il contact center adotta una procedura scritta per la gestione dei reclami relativi alle "
    "attività di contatto, accessibile agli interessati almeno tramite un indirizzo di posta "
    "elettronica e un numero telefonico indicati sul proprio sito.\n\n"
    "Il contact center risponde per iscritto a ogni reclamo entro 45 giorni dal ricevimento, "
    "indicando l'esito delle verifiche svolte e le eventuali misure adottate. I reclami "
    "trasmessi da OIC o da un'associazione dei consumatori aderente sono esaminati con "
    "priorità.\n\n"
    "Il registro dei reclami, con data, oggetto, esito e tempi di risposta, è messo a "
    "disposizione degli auditor di OIC."
)

_RECLAMI_V2 = (
    "Il contact center adotta una procedura scritta per la gestione dei reclami relativi alle "
    "attività di contatto, accessibile agli interessati almeno tramite un indirizzo di posta "
    "elettronica e un numero telefonico indicati sul proprio sito.\n\n"
    "Il contact center risponde per iscritto a ogni reclamo entro 30 giorni dal ricevimento, "
    "indicando l'esito delle verifiche svolte e le eventuali misure adottate. I reclami "
    "trasmessi da OIC o da un'associazione dei consumatori aderente sono esaminati con "
    "priorità e ricevono risposta entro 15 giorni.\n\n"
    "Il registro dei reclami, con data, oggetto, esito e tempi di risposta, è conservato per "
    "almeno due anni e messo a disposizione degli auditor di OIC."
)

_BOLLINO_V1 = (
    "Il contact center certificato può utilizzare il marchio Bollino Blu Qualità nella propria "
    "comunicazione e nei rapporti con i committenti, indicando il numero del certificato e la "
    "data di scadenza.\n\n"
    "OIC pubblica il registro dei contact center certificati, con la ragione sociale, il "
    "numero del certificato e lo stato del Bollino, perché consumatori e associazioni possano "
    "verificarlo.\n\n"
    "Il mancato rispetto del codice, accertato dagli auditor o a seguito di segnalazioni, "
    "comporta la richiesta di azioni correttive e, nei casi gravi o ripetuti, la sospensione o "
    "la revoca del Bollino decisa dal comitato di certificazione."
)

_BOLLINO_V2 = (
    "Il contact center certificato può utilizzare il marchio Bollino Blu Qualità nella propria "
    "comunicazione e nei rapporti con i committenti, indicando il numero del certificato e la "
    "data di scadenza. Non è consentito utilizzare il marchio dopo la scadenza, la sospensione "
    "o la revoca del certificato.\n\n"
    "OIC pubblica il registro dei contact center certificati, con la ragione sociale, il "
    "numero del certificato e lo stato del Bollino (attivo, sospeso, revocato o scaduto), "
    "perché consumatori e associazioni possano verificarlo. Ogni certificato riporta un codice "
    "QR che rimanda alla relativa pagina del registro.\n\n"
    "Le associazioni dei consumatori aderenti a OIC possono inviare segnalazioni sul "
    "comportamento dei contact center certificati. Il mancato rispetto del codice, accertato "
    "dagli auditor o a seguito di segnalazioni, comporta la richiesta di azioni correttive e, "
    "nei casi gravi o ripetuti, la sospensione o la revoca del Bollino decisa dal comitato di "
    "certificazione."
)

# ---------------------------------------------------------------------------
# Testi proposti negli emendamenti alla bozza 3.0
# ---------------------------------------------------------------------------

# Accolto nella riunione del 22 settembre 2026 e applicato alla bozza.
_CLI_V3 = (
    "Ogni chiamata è effettuata con l'identificativo della linea chiamante (CLI) sempre "
    "visibile. Non è consentito nascondere il numero, né alterarlo o sostituirlo con "
    "numerazioni non assegnate al contact center o al committente.\n\n"
    "Il numero mostrato è una delle numerazioni dichiarate ai sensi del presente codice ed è "
    "attivo e richiamabile. Chi richiama il numero ascolta, senza costi aggiuntivi rispetto "
    "alla normale tariffa, un messaggio che indica il nome del contact center e del "
    "committente e che consente di esprimere subito l'opposizione a ulteriori contatti.\n\n"
    "Non è consentito alternare o ruotare le numerazioni allo scopo di eludere i filtri "
    "anti-spam degli operatori telefonici, le applicazioni di identificazione delle chiamate o "
    "le segnalazioni degli utenti."
)

# Accolto nella riunione del 29 settembre 2026 e applicato alla bozza.
_RECLAMI_V3 = (
    "Il contact center adotta una procedura scritta per la gestione dei reclami relativi alle "
    "attività di contatto, accessibile agli interessati almeno tramite un indirizzo di posta "
    "elettronica, un numero telefonico e un modulo online indicati in modo ben visibile sul "
    "proprio sito.\n\n"
    "Il contact center conferma la ricezione del reclamo entro 2 giorni lavorativi e risponde "
    "per iscritto entro 20 giorni dal ricevimento, indicando l'esito delle verifiche svolte e "
    "le eventuali misure adottate. I reclami trasmessi da OIC o da un'associazione dei "
    "consumatori aderente sono esaminati con priorità e ricevono risposta entro 10 giorni.\n\n"
    "Quando il reclamo riguarda una chiamata effettuata da un subappaltatore, il contact "
    "center ne resta responsabile e non può rinviare l'interessato al subappaltatore.\n\n"
    "Il registro dei reclami, con data, oggetto, esito e tempi di risposta, è conservato per "
    "almeno due anni e messo a disposizione degli auditor di OIC."
)

# Respinto nella riunione del 22 settembre 2026: non applicato.
_ORARI_PROPOSTA = (
    "Le chiamate promozionali sono effettuate esclusivamente dal lunedì al venerdì, dalle 9:00 "
    "alle 20:00.\n\n"
    "Non sono effettuate chiamate il sabato, la domenica, nei giorni prefestivi e nei giorni "
    "festivi nazionali. Gli orari si riferiscono all'ora italiana e valgono anche per le "
    "chiamate effettuate da sedi situate all'estero.\n\n"
    "Quando l'interessato chiede di essere richiamato in un giorno o in un orario determinato, "
    "il contact center rispetta la sua indicazione, purché compresa nelle fasce orarie "
    "indicate."
)

# In discussione: non applicato.
_SUBAPPALTO_PROPOSTA = (
    "Il contact center può affidare a terzi l'esecuzione di una campagna solo con "
    "l'autorizzazione scritta del committente e solo a soggetti iscritti al ROC che si "
    "impegnano per contratto a rispettare il presente codice. Il subappaltatore non può a sua "
    "volta affidare ad altri, in tutto o in parte, la campagna ricevuta.\n\n"
    "Il contact center:\n\n"
    "1. tiene un elenco aggiornato dei subappaltatori, con le campagne affidate, le sedi "
    "operative e le numerazioni da essi utilizzate;\n"
    "2. verifica, prima dell'affidamento e almeno ogni sei mesi, il rispetto del codice da "
    "parte di ciascun subappaltatore, anche con controlli a campione sulle registrazioni e "
    "sulle liste di contatto;\n"
    "3. interrompe l'affidamento quando accerta violazioni gravi o ripetute e ne informa il "
    "committente e OIC entro 10 giorni.\n\n"
    "Il contact center risponde del rispetto del codice anche per le chiamate effettuate dai "
    "propri subappaltatori, ovunque essi abbiano sede."
)

# In discussione: non applicato.
_FORMAZIONE_PROPOSTA = (
    "Gli operatori e i loro supervisori partecipano, prima di essere assegnati a una campagna, "
    "a un percorso di formazione di almeno 12 ore che comprende:\n\n"
    "- la protezione dei dati personali secondo il GDPR e il Codice privacy, con particolare "
    "riguardo al consenso, al diritto di opposizione e al RPO;\n"
    "- i contenuti del presente codice e del decalogo;\n"
    "- le pratiche commerciali scorrette vietate dal Codice del consumo;\n"
    "- la salute e la sicurezza nei luoghi di lavoro, secondo la normativa vigente.\n\n"
    "La formazione è aggiornata con almeno 4 ore all'anno e ogni volta che il codice cambia. "
    "Prima dell'avvio di ogni campagna, gli operatori ricevono inoltre un briefing "
    "specifico sull'offerta, sullo script e sull'informativa.\n\n"
    "Il contact center conserva per almeno tre anni la documentazione dei corsi svolti, con i "
    "nominativi dei partecipanti, la durata e l'esito delle verifiche di apprendimento."
)

# ---------------------------------------------------------------------------
# Decalogo dei diritti e dei doveri
# ---------------------------------------------------------------------------

_DECALOGO_V1 = [
    {
        "audience": "consumatori",
        "title": "Sapere chi ti chiama",
        "body": "Hai diritto di sapere fin dall'inizio della telefonata il nome dell'azienda "
        "che ti contatta, per conto di chi chiama e per quale motivo.",
    },
    {
        "audience": "consumatori",
        "title": "Vedere sempre il numero",
        "body": "Il numero del chiamante deve comparire sul tuo telefono e deve poter essere "
        "richiamato per sapere chi ti ha cercato.",
    },
    {
        "audience": "consumatori",
        "title": "Dire di no in qualsiasi momento",
        "body": "Puoi interrompere la telefonata e chiedere di non essere più contattato: "
        "la tua richiesta deve essere registrata e rispettata.",
    },
    {
        "audience": "consumatori",
        "title": "Essere chiamato solo in orari rispettosi",
        "body": "Nessuna chiamata promozionale la domenica e nei giorni festivi; nei giorni "
        "feriali le chiamate avvengono di norma tra le 9 e le 20.",
    },
    {
        "audience": "consumatori",
        "title": "Iscriverti al Registro delle Opposizioni",
        "body": "Se il tuo numero compare negli elenchi telefonici, puoi iscriverlo "
        "gratuitamente al Registro Pubblico delle Opposizioni per non ricevere più "
        "chiamate promozionali.",
    },
    {
        "audience": "consumatori",
        "title": "Reclamare e segnalare",
        "body": "Puoi presentare reclamo al contact center e segnalare a OIC, anche tramite "
        "la tua associazione dei consumatori, il comportamento scorretto di un'azienda "
        "con il Bollino Blu.",
    },
    {
        "audience": "aziende",
        "title": "Chiamare solo chi può essere chiamato",
        "body": "Le aziende contattano solo chi ha dato il consenso o numeri non iscritti al "
        "Registro delle Opposizioni, verificati prima di ogni campagna.",
    },
    {
        "audience": "aziende",
        "title": "Farsi riconoscere",
        "body": "Le aziende mostrano sempre il numero chiamante e l'operatore si presenta "
        "con il proprio nome, quello del contact center e quello del committente.",
    },
    {
        "audience": "aziende",
        "title": "Rispettare il rifiuto",
        "body": "Le aziende non insistono dopo un no, registrano l'opposizione e la "
        "comunicano al committente perché il numero non sia più chiamato.",
    },
    {
        "audience": "aziende",
        "title": "Rispondere ai reclami",
        "body": "Le aziende rispondono per iscritto ai reclami nei tempi fissati dal codice e "
        "collaborano con OIC e con le associazioni dei consumatori.",
    },
]

_DECALOGO_V2 = [
    {
        "audience": "consumatori",
        "title": "Sapere chi ti chiama",
        "body": "Hai diritto di sapere fin dall'inizio della telefonata il nome dell'azienda "
        "che ti contatta, per conto di chi chiama e per quale motivo.",
    },
    {
        "audience": "consumatori",
        "title": "Vedere sempre il numero",
        "body": "Il numero del chiamante deve comparire sul tuo telefono e deve poter essere "
        "richiamato per sapere chi ti ha cercato.",
    },
    {
        "audience": "consumatori",
        "title": "Dire di no in qualsiasi momento",
        "body": "Puoi interrompere la telefonata e chiedere di non essere più contattato: "
        "la tua richiesta deve essere registrata e rispettata.",
    },
    {
        "audience": "consumatori",
        "title": "Essere chiamato solo in orari rispettosi",
        "body": "Le chiamate promozionali sono ammesse dal lunedì al venerdì dalle 9 alle 20 "
        "e il sabato e i prefestivi dalle 10 alle 19; mai la domenica e nei festivi.",
    },
    {
        "audience": "consumatori",
        "title": "Iscriverti al Registro delle Opposizioni",
        "body": "Puoi iscrivere gratuitamente tutti i tuoi numeri, fissi e mobili, al "
        "Registro Pubblico delle Opposizioni: l'iscrizione revoca i consensi al "
        "telemarketing che avevi dato in precedenza.",
    },
    {
        "audience": "consumatori",
        "title": "Sapere da dove vengono i tuoi dati",
        "body": "Puoi chiedere all'operatore da dove provengono i dati usati per chiamarti e "
        "come esercitare i tuoi diritti sulla protezione dei dati personali.",
    },
    {
        "audience": "consumatori",
        "title": "Proteggere i tuoi dati",
        "body": "Non comunicare al telefono codici, PIN, password o dati bancari: un "
        "operatore corretto non te li chiede mai per presentarti un'offerta.",
    },
    {
        "audience": "consumatori",
        "title": "Reclamare e segnalare",
        "body": "Puoi presentare reclamo al contact center e segnalare a OIC, anche tramite "
        "la tua associazione dei consumatori, il comportamento scorretto di un'azienda "
        "con il Bollino Blu.",
    },
    {
        "audience": "aziende",
        "title": "Chiamare solo chi può essere chiamato",
        "body": "Le aziende contattano solo chi ha dato il consenso o numeri non iscritti al "
        "Registro delle Opposizioni, con verifiche ripetute prima di ogni campagna e "
        "mai più vecchie di 15 giorni.",
    },
    {
        "audience": "aziende",
        "title": "Farsi riconoscere",
        "body": "Le aziende chiamano solo da numeri dichiarati nel ROC e sempre visibili; "
        "l'operatore si presenta con il proprio nome, quello del contact center e quello "
        "del committente.",
    },
    {
        "audience": "aziende",
        "title": "Rispondere di tutta la filiera",
        "body": "Le aziende documentano l'origine di ogni contatto e di ogni contratto e "
        "rispondono anche delle chiamate fatte dai propri subappaltatori.",
    },
    {
        "audience": "aziende",
        "title": "Rispettare il rifiuto e rispondere ai reclami",
        "body": "Le aziende non insistono dopo un no, registrano l'opposizione e rispondono "
        "per iscritto ai reclami nei tempi fissati dal codice.",
    },
]

_DECALOGO_V3 = [
    *_DECALOGO_V2[:7],
    {
        "audience": "consumatori",
        "title": "Sapere se parli con una macchina",
        "body": "Hai diritto di sapere se dall'altra parte c'è un sistema automatico o una "
        "voce sintetica e di chiedere in ogni momento di parlare con una persona.",
    },
    *_DECALOGO_V2[7:],
]

# ---------------------------------------------------------------------------
# Versioni del codice
# ---------------------------------------------------------------------------

_TITLE = "Codice di autoregolamentazione per le attività di telemarketing"

VERSIONS = [
    {
        "number": "1.0",
        "title": _TITLE,
        "change_summary": (
            "Prima versione del codice adottato da OIC e Assocontact per il rilascio del "
            "Bollino Blu Qualità. Fissa l'iscrizione al ROC, le fasce orarie delle chiamate, "
            "l'obbligo di mostrare il numero chiamante e la verifica del Registro Pubblico "
            "delle Opposizioni prima di ogni campagna."
        ),
        "effective_date": "2022-03-01",
        "chapters": [
            {
                "number": "I",
                "title": "Principi generali",
                "articles": [
                    {
                        "key": "ambito",
                        "number": "1",
                        "title": "Ambito di applicazione",
                        "body": _AMBITO_V1,
                    },
                    {
                        "key": "definizioni",
                        "number": "2",
                        "title": "Definizioni",
                        "body": _DEFINIZIONI_V1,
                    },
                    {
                        "key": "principi",
                        "number": "3",
                        "title": "Principi di correttezza e trasparenza",
                        "body": _PRINCIPI,
                    },
                ],
            },
            {
                "number": "II",
                "title": "Requisiti del contact center",
                "articles": [
                    {
                        "key": "roc",
                        "number": "4",
                        "title": "Iscrizione al ROC e numerazioni utilizzate",
                        "body": _ROC_V1,
                    },
                    {
                        "key": "sanzioni",
                        "number": "5",
                        "title": "Assenza di provvedimenti sanzionatori",
                        "body": _SANZIONI_V1,
                    },
                ],
            },
            {
                "number": "III",
                "title": "Consenso e liste di contatto",
                "articles": [
                    {
                        "key": "consenso",
                        "number": "6",
                        "title": "Base giuridica e consenso",
                        "body": _CONSENSO,
                    },
                    {
                        "key": "rpo",
                        "number": "7",
                        "title": "Verifica del Registro Pubblico delle Opposizioni",
                        "body": _RPO_V1,
                    },
                    {
                        "key": "elenchi-pubblici",
                        "number": "8",
                        "title": "Elenchi telefonici pubblici e altre numerazioni",
                        "body": _ELENCHI_PUBBLICI,
                    },
                ],
            },
            {
                "number": "IV",
                "title": "Svolgimento delle chiamate",
                "articles": [
                    {
                        "key": "orari",
                        "number": "9",
                        "title": "Fasce orarie",
                        "body": _ORARI_V1,
                    },
                    {
                        "key": "cli",
                        "number": "10",
                        "title": "Identificazione della linea chiamante",
                        "body": _CLI,
                    },
                    {
                        "key": "script",
                        "number": "11",
                        "title": "Script e informativa per ogni campagna",
                        "body": _SCRIPT_V1,
                    },
                    {
                        "key": "apertura",
                        "number": "12",
                        "title": "Presentazione e finalità della chiamata",
                        "body": _APERTURA,
                    },
                    {
                        "key": "opposizione",
                        "number": "13",
                        "title": "Diritto di opposizione durante la chiamata",
                        "body": _OPPOSIZIONE,
                    },
                    {
                        "key": "pratiche-scorrette",
                        "number": "14",
                        "title": "Divieto di pratiche aggressive o ingannevoli",
                        "body": _PRATICHE_SCORRETTE,
                    },
                    {
                        "key": "registrazioni",
                        "number": "15",
                        "title": "Registrazione delle chiamate e controlli di qualità",
                        "body": _REGISTRAZIONI_V1,
                    },
                ],
            },
            {
                "number": "V",
                "title": "Reclami, controlli e Bollino Blu",
                "articles": [
                    {
                        "key": "reclami",
                        "number": "16",
                        "title": "Gestione dei reclami",
                        "body": _RECLAMI_V1,
                    },
                    {
                        "key": "bollino",
                        "number": "17",
                        "title": "Uso del Bollino Blu e registro degli operatori certificati",
                        "body": _BOLLINO_V1,
                    },
                ],
            },
        ],
        "decalogo": _DECALOGO_V1,
    },
    {
        "number": "2.0",
        "title": _TITLE,
        "change_summary": (
            "Recepisce l'estensione del Registro Pubblico delle Opposizioni a tutte le "
            "numerazioni, fisse e mobili, e il codice di condotta sul telemarketing approvato "
            "dal Garante nel 2024. Introduce il controllo dei subappaltatori, la prova della "
            "filiera del contatto e la formazione obbligatoria degli operatori; precisa le "
            "fasce orarie, porta a 15 giorni la validità massima delle verifiche sul RPO ed "
            "elimina l'articolo sugli elenchi telefonici pubblici."
        ),
        "effective_date": "2024-10-01",
        "chapters": [
            {
                "number": "I",
                "title": "Principi generali",
                "articles": [
                    {
                        "key": "ambito",
                        "number": "1",
                        "title": "Ambito di applicazione",
                        "body": _AMBITO_V2,
                    },
                    {
                        "key": "definizioni",
                        "number": "2",
                        "title": "Definizioni",
                        "body": _DEFINIZIONI_V2,
                    },
                    {
                        "key": "principi",
                        "number": "3",
                        "title": "Principi di correttezza e trasparenza",
                        "body": _PRINCIPI,
                    },
                ],
            },
            {
                "number": "II",
                "title": "Requisiti del contact center",
                "articles": [
                    {
                        "key": "roc",
                        "number": "4",
                        "title": "Iscrizione al ROC e dichiarazione delle numerazioni",
                        "body": _ROC_V2,
                    },
                    {
                        "key": "sanzioni",
                        "number": "5",
                        "title": "Assenza di provvedimenti sanzionatori",
                        "body": _SANZIONI_V2,
                    },
                    {
                        "key": "subappalto",
                        "number": "6",
                        "title": "Affidamento a terzi e controllo dei subappaltatori",
                        "body": _SUBAPPALTO,
                    },
                    {
                        "key": "formazione",
                        "number": "7",
                        "title": "Formazione degli operatori",
                        "body": _FORMAZIONE,
                    },
                ],
            },
            {
                "number": "III",
                "title": "Consenso e filiera del contatto",
                "articles": [
                    {
                        "key": "consenso",
                        "number": "8",
                        "title": "Base giuridica e consenso",
                        "body": _CONSENSO,
                    },
                    {
                        "key": "rpo",
                        "number": "9",
                        "title": "Verifica del Registro Pubblico delle Opposizioni",
                        "body": _RPO_V2,
                    },
                    {
                        "key": "filiera",
                        "number": "10",
                        "title": "Origine dei contatti e filiera del contatto",
                        "body": _FILIERA,
                    },
                ],
            },
            {
                "number": "IV",
                "title": "Svolgimento delle chiamate",
                "articles": [
                    {
                        "key": "orari",
                        "number": "11",
                        "title": "Fasce orarie",
                        "body": _ORARI_V2,
                    },
                    {
                        "key": "cli",
                        "number": "12",
                        "title": "Identificazione della linea chiamante",
                        "body": _CLI,
                    },
                    {
                        "key": "script",
                        "number": "13",
                        "title": "Script e informativa per ogni campagna",
                        "body": _SCRIPT_V2,
                    },
                    {
                        "key": "apertura",
                        "number": "14",
                        "title": "Presentazione e finalità della chiamata",
                        "body": _APERTURA,
                    },
                    {
                        "key": "opposizione",
                        "number": "15",
                        "title": "Diritto di opposizione durante la chiamata",
                        "body": _OPPOSIZIONE,
                    },
                    {
                        "key": "pratiche-scorrette",
                        "number": "16",
                        "title": "Divieto di pratiche aggressive o ingannevoli",
                        "body": _PRATICHE_SCORRETTE,
                    },
                    {
                        "key": "registrazioni",
                        "number": "17",
                        "title": "Registrazione delle chiamate e controlli di qualità",
                        "body": _REGISTRAZIONI_V2,
                    },
                ],
            },
            {
                "number": "V",
                "title": "Reclami, controlli e Bollino Blu",
                "articles": [
                    {
                        "key": "reclami",
                        "number": "18",
                        "title": "Gestione dei reclami",
                        "body": _RECLAMI_V2,
                    },
                    {
                        "key": "bollino",
                        "number": "19",
                        "title": "Uso del Bollino Blu e registro degli operatori certificati",
                        "body": _BOLLINO_V2,
                    },
                ],
            },
        ],
        "decalogo": _DECALOGO_V2,
    },
    {
        "number": "3.0",
        "title": _TITLE,
        "change_summary": (
            "Bozza in discussione al tavolo di lavoro. Introduce un articolo sull'uso di "
            "sistemi automatizzati e di intelligenza artificiale nelle chiamate, rafforza "
            "l'obbligo di numerazioni richiamabili e riduce i tempi di risposta ai reclami."
        ),
        "effective_date": None,
        "chapters": [
            {
                "number": "I",
                "title": "Principi generali",
                "articles": [
                    {
                        "key": "ambito",
                        "number": "1",
                        "title": "Ambito di applicazione",
                        "body": _AMBITO_V2,
                    },
                    {
                        "key": "definizioni",
                        "number": "2",
                        "title": "Definizioni",
                        "body": _DEFINIZIONI_V2,
                    },
                    {
                        "key": "principi",
                        "number": "3",
                        "title": "Principi di correttezza e trasparenza",
                        "body": _PRINCIPI,
                    },
                ],
            },
            {
                "number": "II",
                "title": "Requisiti del contact center",
                "articles": [
                    {
                        "key": "roc",
                        "number": "4",
                        "title": "Iscrizione al ROC e dichiarazione delle numerazioni",
                        "body": _ROC_V2,
                    },
                    {
                        "key": "sanzioni",
                        "number": "5",
                        "title": "Assenza di provvedimenti sanzionatori",
                        "body": _SANZIONI_V2,
                    },
                    {
                        "key": "subappalto",
                        "number": "6",
                        "title": "Affidamento a terzi e controllo dei subappaltatori",
                        "body": _SUBAPPALTO,
                    },
                    {
                        "key": "formazione",
                        "number": "7",
                        "title": "Formazione degli operatori",
                        "body": _FORMAZIONE,
                    },
                ],
            },
            {
                "number": "III",
                "title": "Consenso e filiera del contatto",
                "articles": [
                    {
                        "key": "consenso",
                        "number": "8",
                        "title": "Base giuridica e consenso",
                        "body": _CONSENSO,
                    },
                    {
                        "key": "rpo",
                        "number": "9",
                        "title": "Verifica del Registro Pubblico delle Opposizioni",
                        "body": _RPO_V2,
                    },
                    {
                        "key": "filiera",
                        "number": "10",
                        "title": "Origine dei contatti e filiera del contatto",
                        "body": _FILIERA,
                    },
                ],
            },
            {
                "number": "IV",
                "title": "Svolgimento delle chiamate",
                "articles": [
                    {
                        "key": "orari",
                        "number": "11",
                        "title": "Fasce orarie",
                        "body": _ORARI_V2,
                    },
                    {
                        "key": "cli",
                        "number": "12",
                        "title": "Identificazione della linea chiamante",
                        "body": _CLI_V3,
                    },
                    {
                        "key": "script",
                        "number": "13",
                        "title": "Script e informativa per ogni campagna",
                        "body": _SCRIPT_V2,
                    },
                    {
                        "key": "apertura",
                        "number": "14",
                        "title": "Presentazione e finalità della chiamata",
                        "body": _APERTURA,
                    },
                    {
                        "key": "opposizione",
                        "number": "15",
                        "title": "Diritto di opposizione durante la chiamata",
                        "body": _OPPOSIZIONE,
                    },
                    {
                        "key": "pratiche-scorrette",
                        "number": "16",
                        "title": "Divieto di pratiche aggressive o ingannevoli",
                        "body": _PRATICHE_SCORRETTE,
                    },
                    {
                        "key": "registrazioni",
                        "number": "17",
                        "title": "Registrazione delle chiamate e controlli di qualità",
                        "body": _REGISTRAZIONI_V2,
                    },
                    {
                        "key": "sistemi-automatizzati",
                        "number": "18",
                        "title": "Sistemi automatizzati e intelligenza artificiale",
                        "body": _SISTEMI_AUTOMATIZZATI,
                    },
                ],
            },
            {
                "number": "V",
                "title": "Reclami, controlli e Bollino Blu",
                "articles": [
                    {
                        "key": "reclami",
                        "number": "19",
                        "title": "Gestione dei reclami",
                        "body": _RECLAMI_V3,
                    },
                    {
                        "key": "bollino",
                        "number": "20",
                        "title": "Uso del Bollino Blu e registro degli operatori certificati",
                        "body": _BOLLINO_V2,
                    },
                ],
            },
        ],
        "decalogo": _DECALOGO_V3,
    },
]

# ---------------------------------------------------------------------------
# Tavolo di lavoro: riunioni settimanali sulla bozza 3.0
# ---------------------------------------------------------------------------

MEETINGS = [
    {
        "date": "2026-09-15",
        "place": "Roma, sede OIC / videoconferenza",
        "participants_oic": (
            "Giulia Ferretti (coordinatrice del tavolo)\n"
            "Marco Santoro (segreteria tecnica, Euro Service)\n"
            "Anna Lombardi (rappresentante delle associazioni dei consumatori)\n"
            "Elena Ricci (rappresentante delle associazioni dei consumatori)\n"
            "Paolo De Angelis (comitato di certificazione)"
        ),
        "participants_assocontact": (
            "Stefano Rinaldi (responsabile affari regolamentari)\n"
            "Chiara Mancini (gruppo di lavoro compliance)\n"
            "Luca Bellini (direttore operativo di un'impresa associata)"
        ),
        "agenda": (
            "1. Apertura dei lavori e calendario delle riunioni autunnali\n"
            "2. Presentazione della bozza 3.0 del codice\n"
            "3. Nuovo articolo sui sistemi automatizzati e l'intelligenza artificiale\n"
            "4. Modalità di presentazione delle proposte di emendamento\n"
            "5. Varie ed eventuali"
        ),
        "minutes": (
            "Giulia Ferretti apre i lavori e ricorda che la versione 2.0 del codice è in "
            "vigore dal 1° ottobre 2024. La bozza 3.0 è stata creata come copia integrale "
            "della versione 2.0 e sarà modificata soltanto attraverso gli emendamenti discussi "
            "e decisi dal tavolo. Le riunioni si terranno ogni martedì alle 10:30, in presenza "
            "presso la sede OIC e in videoconferenza.\n\n"
            "Marco Santoro illustra il nuovo articolo sui sistemi automatizzati e "
            "sull'intelligenza artificiale, inserito nel capo IV della bozza. L'articolo nasce "
            "dalle segnalazioni raccolte dalle associazioni su chiamate mute e interrotte e "
            "sull'uso crescente di voci sintetiche. Stefano Rinaldi condivide l'impostazione, "
            "ma chiede di verificare con gli associati la sostenibilità della soglia del 3% di "
            "chiamate abbandonate per campagna; Anna Lombardi sottolinea che l'obbligo di "
            "dichiarare subito l'interazione con un sistema automatico è per le associazioni "
            "un punto irrinunciabile.\n\n"
            "Il tavolo concorda di mantenere l'articolo nella bozza e di tornare sulla soglia "
            "dopo la consultazione degli associati di Assocontact, prevista entro la fine di "
            "settembre.\n\n"
            "Le proposte di emendamento vanno presentate tramite il portale entro il venerdì "
            "che precede la riunione in cui si intende discuterle, con il testo completo "
            "dell'articolo e una breve motivazione. L'obiettivo è chiudere l'esame della bozza "
            "entro la fine di ottobre, per sottoporla al comitato di certificazione in vista "
            "della pubblicazione all'inizio del 2027."
        ),
    },
    {
        "date": "2026-09-22",
        "place": "Videoconferenza",
        "participants_oic": (
            "Giulia Ferretti (coordinatrice del tavolo)\n"
            "Marco Santoro (segreteria tecnica, Euro Service)\n"
            "Anna Lombardi (rappresentante delle associazioni dei consumatori)\n"
            "Roberta Gallo (auditor)"
        ),
        "participants_assocontact": (
            "Stefano Rinaldi (responsabile affari regolamentari)\n"
            "Chiara Mancini (gruppo di lavoro compliance)\n"
            "Davide Marchetti (responsabile della protezione dei dati di un'impresa associata)"
        ),
        "agenda": (
            "1. Approvazione del verbale della riunione del 15 settembre\n"
            "2. Emendamento all'articolo sull'identificazione della linea chiamante\n"
            "3. Emendamento all'articolo sulle fasce orarie\n"
            "4. Dati sulle segnalazioni del primo semestre 2026"
        ),
        "minutes": (
            "Il verbale della riunione del 15 settembre è approvato senza osservazioni.\n\n"
            "**Identificazione della linea chiamante.** Stefano Rinaldi presenta l'emendamento "
            "di Assocontact: il numero mostrato deve essere sempre richiamabile e, a chi "
            "richiama, deve essere riprodotto un messaggio che identifica contact center e "
            "committente e permette di esprimere l'opposizione; viene inoltre vietata la "
            "rotazione delle numerazioni per eludere i filtri anti-spam. Roberta Gallo "
            "conferma che negli audit dell'ultimo anno diverse numerazioni dichiarate "
            "risultavano non raggiungibili. Le associazioni si dichiarano favorevoli. "
            "L'emendamento è **accolto all'unanimità** e applicato alla bozza.\n\n"
            "**Fasce orarie.** Anna Lombardi illustra la proposta di escludere le chiamate il "
            "sabato e nei giorni prefestivi, motivata dal numero di segnalazioni relative al "
            "fine settimana. Assocontact si dichiara contraria: la fascia del sabato è "
            "prevista dal codice di condotta approvato dal Garante e la sua esclusione "
            "penalizzerebbe le sole imprese certificate rispetto al resto del mercato. Il "
            "tavolo ritiene preferibile mantenere fasce orarie identiche a quelle del codice "
            "di condotta, più semplici da comunicare ai consumatori. L'emendamento è "
            "**respinto**; la segreteria tecnica si impegna a pubblicare nel rapporto annuale "
            "i dati sulle segnalazioni relative alle chiamate del sabato.\n\n"
            "**Segnalazioni del primo semestre.** Marco Santoro riferisce che oltre un terzo "
            "delle segnalazioni ricevute riguarda chiamate da numeri non riconoscibili o non "
            "richiamabili, un dato che conferma l'utilità dell'emendamento appena accolto."
        ),
    },
    {
        "date": "2026-09-29",
        "place": "Roma, sede OIC / videoconferenza",
        "participants_oic": (
            "Giulia Ferretti (coordinatrice del tavolo)\n"
            "Marco Santoro (segreteria tecnica, Euro Service)\n"
            "Elena Ricci (rappresentante delle associazioni dei consumatori)\n"
            "Roberta Gallo (auditor)\n"
            "Paolo De Angelis (comitato di certificazione)"
        ),
        "participants_assocontact": (
            "Stefano Rinaldi (responsabile affari regolamentari)\n"
            "Chiara Mancini (gruppo di lavoro compliance)\n"
            "Luca Bellini (direttore operativo di un'impresa associata)"
        ),
        "agenda": (
            "1. Approvazione del verbale della riunione del 22 settembre\n"
            "2. Emendamento all'articolo sulla gestione dei reclami\n"
            "3. Primo esame dell'emendamento sul controllo dei subappaltatori\n"
            "4. Allineamento della checklist di audit alla bozza 3.0"
        ),
        "minutes": (
            "Il verbale della riunione del 22 settembre è approvato senza osservazioni.\n\n"
            "**Gestione dei reclami.** Elena Ricci presenta l'emendamento, che introduce un "
            "modulo online per i reclami, la conferma di ricezione entro 2 giorni lavorativi e "
            "tempi di risposta più brevi. Luca Bellini osserva che il termine di 15 giorni "
            "inizialmente proposto è difficile da rispettare quando la verifica richiede "
            "l'ascolto delle registrazioni di un subappaltatore. Il tavolo concorda su 20 "
            "giorni per i reclami ordinari e 10 giorni per quelli trasmessi da OIC o dalle "
            "associazioni; la proponente aggiorna il testo prima del voto e aggiunge il "
            "principio per cui il contact center non può rinviare l'interessato al "
            "subappaltatore. L'emendamento, nel testo aggiornato, è **accolto** e applicato "
            "alla bozza.\n\n"
            "**Controllo dei subappaltatori.** Roberta Gallo illustra la proposta di vietare "
            "il subappalto a cascata e di rendere semestrali le verifiche sui subappaltatori. "
            "Assocontact chiede tempo per consultare gli associati, in particolare "
            "sull'impatto della cadenza semestrale per le imprese con molti fornitori. L'esame "
            "prosegue nella prossima riunione.\n\n"
            "**Checklist di audit.** Paolo De Angelis ricorda che ogni modifica approvata "
            "dovrà trovare riscontro nella checklist della versione 3.0. La segreteria tecnica "
            "predisporrà le nuove voci sul messaggio di identificazione delle numerazioni e "
            "sui tempi di risposta ai reclami."
        ),
    },
    {
        "date": "2026-10-06",
        "place": "Videoconferenza",
        "participants_oic": (
            "Giulia Ferretti (coordinatrice del tavolo)\n"
            "Marco Santoro (segreteria tecnica, Euro Service)\n"
            "Anna Lombardi (rappresentante delle associazioni dei consumatori)\n"
            "Roberta Gallo (auditor)"
        ),
        "participants_assocontact": (
            "Stefano Rinaldi (responsabile affari regolamentari)\n"
            "Chiara Mancini (gruppo di lavoro compliance)\n"
            "Davide Marchetti (responsabile della protezione dei dati di un'impresa associata)"
        ),
        "agenda": (
            "1. Approvazione del verbale della riunione del 29 settembre\n"
            "2. Emendamento sulla formazione degli operatori\n"
            "3. Seguito dell'esame dell'emendamento sul controllo dei subappaltatori\n"
            "4. Articolo sui sistemi automatizzati: esito della consultazione degli associati\n"
            "5. Calendario delle prossime riunioni"
        ),
        "minutes": (
            "Il verbale della riunione del 29 settembre è approvato senza osservazioni.\n\n"
            "**Formazione degli operatori.** Chiara Mancini presenta l'emendamento di "
            "Assocontact, che fissa una durata minima di 12 ore per la formazione iniziale, un "
            "aggiornamento annuale di almeno 4 ore e un briefing specifico prima di ogni "
            "campagna. Le associazioni apprezzano la proposta e chiedono di aggiungere un "
            "modulo sul contatto con persone anziane o in condizioni di vulnerabilità. La "
            "proponente si riserva di presentare un testo integrato; l'emendamento resta "
            "**aperto**.\n\n"
            "**Controllo dei subappaltatori.** Stefano Rinaldi riferisce l'esito della "
            "consultazione: la maggior parte degli associati vieta già per contratto il "
            "subappalto a cascata, mentre la cadenza semestrale delle verifiche è ritenuta "
            "onerosa per i subappaltatori con volumi ridotti. Roberta Gallo propone di "
            "valutare una cadenza legata al numero di chiamate affidate. La decisione è "
            "rinviata alla riunione del 13 ottobre; l'emendamento resta **aperto**.\n\n"
            "**Sistemi automatizzati.** La consultazione non ha evidenziato obiezioni alla "
            "soglia del 3% di chiamate abbandonate, già rispettata dalla maggior parte delle "
            "imprese che usano sistemi predittivi. L'articolo resta nella bozza nel testo "
            "attuale.\n\n"
            "La prossima riunione si terrà martedì 13 ottobre in videoconferenza."
        ),
    },
]

# ---------------------------------------------------------------------------
# Proposte di emendamento alla bozza 3.0
# ---------------------------------------------------------------------------

AMENDMENTS = [
    {
        "article_key": "cli",
        "proposed_text": _CLI_V3,
        "rationale": (
            "Molti consumatori non riescono a capire chi li ha chiamati perché il numero "
            "mostrato non risponde o non identifica l'azienda. Un messaggio di "
            "identificazione su tutte le numerazioni dichiarate rende effettivo il diritto "
            "di sapere chi chiama e di opporsi; il divieto di ruotare i numeri tutela anche "
            "la reputazione delle imprese corrette, penalizzate dai filtri anti-spam."
        ),
        "proposer": "Stefano Rinaldi (Assocontact)",
        "status": "accepted",
        "meeting_index": 1,
    },
    {
        "article_key": "orari",
        "proposed_text": _ORARI_PROPOSTA,
        "rationale": (
            "Le segnalazioni raccolte dalle associazioni indicano che le chiamate del sabato "
            "sono percepite come particolarmente invasive. Limitare le chiamate ai giorni "
            "dal lunedì al venerdì distinguerebbe in modo chiaro le imprese con il Bollino Blu."
        ),
        "proposer": "Anna Lombardi (OIC)",
        "status": "rejected",
        "meeting_index": 1,
    },
    {
        "article_key": "reclami",
        "proposed_text": _RECLAMI_V3,
        "rationale": (
            "I tempi di risposta attuali sono lunghi rispetto alle aspettative dei "
            "consumatori e non prevedono una conferma di ricezione. Il modulo online "
            "semplifica la presentazione dei reclami e la responsabilità per le chiamate dei "
            "subappaltatori evita che l'interessato venga rinviato da un soggetto all'altro."
        ),
        "proposer": "Elena Ricci (OIC)",
        "status": "accepted",
        "meeting_index": 2,
    },
    {
        "article_key": "subappalto",
        "proposed_text": _SUBAPPALTO_PROPOSTA,
        "rationale": (
            "Negli audit emergono catene di subappalto in cui il contact center certificato "
            "non conosce chi effettua materialmente le chiamate. Vietare il subappalto a "
            "cascata e rendere semestrali le verifiche consente di controllare davvero la "
            "filiera, anche quando le sedi operative si trovano all'estero."
        ),
        "proposer": "Roberta Gallo (OIC)",
        "status": "open",
        "meeting_index": None,
    },
    {
        "article_key": "formazione",
        "proposed_text": _FORMAZIONE_PROPOSTA,
        "rationale": (
            "Il testo in vigore non indica una durata minima della formazione e gli audit "
            "rilevano percorsi molto diversi tra un'impresa e l'altra. Una durata minima "
            "comune e un briefing prima di ogni campagna rendono la formazione verificabile "
            "senza imporre contenuti o fornitori specifici."
        ),
        "proposer": "Chiara Mancini (Assocontact)",
        "status": "open",
        "meeting_index": None,
    },
]
