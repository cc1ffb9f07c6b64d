"""Reference data that every database needs: the provinces with their regions, the sectors.

Loaded by migration 0004 and again after every migrate or flush (a flush, as between
transactional tests, empties these tables too), so it is always there.
"""

PROVINCES = {
    "abruzzo": [("AQ", "L'Aquila"), ("CH", "Chieti"), ("PE", "Pescara"), ("TE", "Teramo")],
    "basilicata": [("MT", "Matera"), ("PZ", "Potenza")],
    "calabria": [
        ("CS", "Cosenza"),
        ("CZ", "Catanzaro"),
        ("KR", "Crotone"),
        ("RC", "Reggio Calabria"),
        ("VV", "Vibo Valentia"),
    ],
    "campania": [
        ("AV", "Avellino"),
        ("BN", "Benevento"),
        ("CE", "Caserta"),
        ("NA", "Napoli"),
        ("SA", "Salerno"),
    ],
    "emilia-romagna": [
        ("BO", "Bologna"),
        ("FC", "Forlì-Cesena"),
        ("FE", "Ferrara"),
        ("MO", "Modena"),
        ("PC", "Piacenza"),
        ("PR", "Parma"),
        ("RA", "Ravenna"),
        ("RE", "Reggio Emilia"),
        ("RN", "Rimini"),
    ],
    "friuli-venezia-giulia": [
        ("GO", "Gorizia"),
        ("PN", "Pordenone"),
        ("TS", "Trieste"),
        ("UD", "Udine"),
    ],
    "lazio": [
        ("FR", "Frosinone"),
        ("LT", "Latina"),
        ("RI", "Rieti"),
        ("RM", "Roma"),
        ("VT", "Viterbo"),
    ],
    "liguria": [("GE", "Genova"), ("IM", "Imperia"), ("SP", "La Spezia"), ("SV", "Savona")],
    "lombardia": [
        ("BG", "Bergamo"),
        ("BS", "Brescia"),
        ("CO", "Como"),
        ("CR", "Cremona"),
        ("LC", "Lecco"),
        ("LO", "Lodi"),
        ("MB", "Monza e della Brianza"),
        ("MI", "Milano"),
        ("MN", "Mantova"),
        ("PV", "Pavia"),
        ("SO", "Sondrio"),
        ("VA", "Varese"),
    ],
    "marche": [
        ("AN", "Ancona"),
        ("AP", "Ascoli Piceno"),
        ("FM", "Fermo"),
        ("MC", "Macerata"),
        ("PU", "Pesaro e Urbino"),
    ],
    "molise": [("CB", "Campobasso"), ("IS", "Isernia")],
    "piemonte": [
        ("AL", "Alessandria"),
        ("AT", "Asti"),
        ("BI", "Biella"),
        ("CN", "Cuneo"),
        ("NO", "Novara"),
        ("TO", "Torino"),
        ("VB", "Verbano-Cusio-Ossola"),
        ("VC", "Vercelli"),
    ],
    "puglia": [
        ("BA", "Bari"),
        ("BR", "Brindisi"),
        ("BT", "Barletta-Andria-Trani"),
        ("FG", "Foggia"),
        ("LE", "Lecce"),
        ("TA", "Taranto"),
    ],
    "sardegna": [
        ("CA", "Cagliari"),
        ("NU", "Nuoro"),
        ("OR", "Oristano"),
        ("SS", "Sassari"),
        ("SU", "Sud Sardegna"),
    ],
    "sicilia": [
        ("AG", "Agrigento"),
        ("CL", "Caltanissetta"),
        ("CT", "Catania"),
        ("EN", "Enna"),
        ("ME", "Messina"),
        ("PA", "Palermo"),
        ("RG", "Ragusa"),
        ("SR", "Siracusa"),
        ("TP", "Trapani"),
    ],
    "toscana": [
        ("AR", "Arezzo"),
        ("FI", "Firenze"),
        ("GR", "Grosseto"),
        ("LI", "Livorno"),
        ("LU", "Lucca"),
        ("MS", "Massa-Carrara"),
        ("PI", "Pisa"),
        ("PO", "Prato"),
        ("PT", "Pistoia"),
        ("SI", "Siena"),
    ],
    "trentino-alto-adige": [("BZ", "Bolzano/Bozen"), ("TN", "Trento")],
    "umbria": [("PG", "Perugia"), ("TR", "Terni")],
    "valle-d-aosta": [("AO", "Aosta")],
    "veneto": [
        ("BL", "Belluno"),
        ("PD", "Padova"),
        ("RO", "Rovigo"),
        ("TV", "Treviso"),
        ("VE", "Venezia"),
        ("VI", "Vicenza"),
        ("VR", "Verona"),
    ],
}

SECTORS = [
    ("energia", "Energia e gas"),
    ("telecomunicazioni", "Telecomunicazioni"),
    ("banche-assicurazioni", "Banche e assicurazioni"),
    ("utility", "Servizi di pubblica utilità"),
    ("editoria", "Editoria"),
    ("altro", "Altro"),
]


def load_reference_data(provincia_model, sector_model) -> None:
    """Create what is missing; rows already there are left as they are."""
    provincia_model.objects.bulk_create(
        [
            provincia_model(sigla=sigla, name=name, regione=regione)
            for regione, provinces in PROVINCES.items()
            for sigla, name in provinces
        ],
        ignore_conflicts=True,
    )
    sector_model.objects.bulk_create(
        [sector_model(slug=slug, name=name, order=i) for i, (slug, name) in enumerate(SECTORS)],
        ignore_conflicts=True,
    )


def ensure_reference_data(**kwargs) -> None:
    """post_migrate receiver (also runs after a test flush)."""
    from certification.models import Provincia, Sector

    if not Provincia.objects.exists() or not Sector.objects.exists():
        load_reference_data(Provincia, Sector)
