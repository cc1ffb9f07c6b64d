"""The Italian provinces (with their regions) and the market sectors, as data."""

from django.db import migrations

PROVINCES = {
    "abruzzo": [("AQ", "L'Aquila"), ("CH", "Chieti"), ("PE", "Pescara"), ("TE", "Teramo")],
    "basilicata": [("MT", "Matera"), ("PZ", "Potenza")],
    "calabria": [
        ("CS", "Cosenza"), ("CZ", "Catanzaro"), ("KR", "Crotone"),
        ("RC", "Reggio Calabria"), ("VV", "Vibo Valentia"),
    ],
    "campania": [
        ("AV", "Avellino"), ("BN", "Benevento"), ("CE", "Caserta"), ("NA", "Napoli"),
        ("SA", "Salerno"),
    ],
    "emilia-romagna": [
        ("BO", "Bologna"), ("FC", "Forlì-Cesena"), ("FE", "Ferrara"), ("MO", "Modena"),
        ("PC", "Piacenza"), ("PR", "Parma"), ("RA", "Ravenna"), ("RE", "Reggio Emilia"),
        ("RN", "Rimini"),
    ],
    "friuli-venezia-giulia": [
        ("GO", "Gorizia"), ("PN", "Pordenone"), ("TS", "Trieste"), ("UD", "Udine"),
    ],
    "lazio": [
        ("FR", "Frosinone"), ("LT", "Latina"), ("RI", "Rieti"), ("RM", "Roma"), ("VT", "Viterbo"),
    ],
    "liguria": [("GE", "Genova"), ("IM", "Imperia"), ("SP", "La Spezia"), ("SV", "Savona")],
    "lombardia": [
        ("BG", "Bergamo"), ("BS", "Brescia"), ("CO", "Como"), ("CR", "Cremona"),
        ("LC", "Lecco"), ("LO", "Lodi"), ("MB", "Monza e della Brianza"), ("MI", "Milano"),
        ("MN", "Mantova"), ("PV", "Pavia"), ("SO", "Sondrio"), ("VA", "Varese"),
    ],
    "marche": [
        ("AN", "Ancona"), ("AP", "Ascoli Piceno"), ("FM", "Fermo"), ("MC", "Macerata"),
        ("PU", "Pesaro e Urbino"),
    ],
    "molise": [("CB", "Campobasso"), ("IS", "Isernia")],
    "piemonte": [
        ("AL", "Alessandria"), ("AT", "Asti"), ("BI", "Biella"), ("CN", "Cuneo"),
        ("NO", "Novara"), ("TO", "Torino"), ("VB", "Verbano-Cusio-Ossola"), ("VC", "Vercelli"),
    ],
    "puglia": [
        ("BA", "Bari"), ("BR", "Brindisi"), ("BT", "Barletta-Andria-Trani"), ("FG", "Foggia"),
        ("LE", "Lecce"), ("TA", "Taranto"),
    ],
    "sardegna": [
        ("CA", "Cagliari"), ("NU", "Nuoro"), ("OR", "Oristano"), ("SS", "Sassari"),
        ("SU", "Sud Sardegna"),
    ],
    "sicilia": [
        ("AG", "Agrigento"), ("CL", "Caltanissetta"), ("CT", "Catania"), ("EN", "Enna"),
        ("ME", "Messina"), ("PA", "Palermo"), ("RG", "Ragusa"), ("SR", "Siracusa"),
        ("TP", "Trapani"),
    ],
    "toscana": [
        ("AR", "Arezzo"), ("FI", "Firenze"), ("GR", "Grosseto"), ("LI", "Livorno"),
        ("LU", "Lucca"), ("MS", "Massa-Carrara"), ("PI", "Pisa"), ("PO", "Prato"),
        ("PT", "Pistoia"), ("SI", "Siena"),
    ],
    "trentino-alto-adige": [("BZ", "Bolzano/Bozen"), ("TN", "Trento")],
    "umbria": [("PG", "Perugia"), ("TR", "Terni")],
    "valle-d-aosta": [("AO", "Aosta")],
    "veneto": [
        ("BL", "Belluno"), ("PD", "Padova"), ("RO", "Rovigo"), ("TV", "Treviso"),
        ("VE", "Venezia"), ("VI", "Vicenza"), ("VR", "Verona"),
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


def load(apps, schema_editor):
    Provincia = apps.get_model("certification", "Provincia")
    Sector = apps.get_model("certification", "Sector")
    Provincia.objects.bulk_create(
        [
            Provincia(sigla=sigla, name=name, regione=regione)
            for regione, provinces in PROVINCES.items()
            for sigla, name in provinces
        ]
    )
    Sector.objects.bulk_create(
        [Sector(slug=slug, name=name, order=i) for i, (slug, name) in enumerate(SECTORS)]
    )


def unload(apps, schema_editor):
    apps.get_model("certification", "Provincia").objects.all().delete()
    apps.get_model("certification", "Sector").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("certification", "0003_organizations_checklists_applications")]

    operations = [migrations.RunPython(load, unload)]
