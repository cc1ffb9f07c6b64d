from django.core.management.base import BaseCommand
from django.db import transaction

from certification.models import Association, User
from codice.demo import load_codice

DEMO_PASSWORD = "bollinoblu-demo"

DEMO_USERS = [
    # email, first name, last name, role
    ("admin@oic.demo", "Elena", "Galli", User.Role.ADMIN),
    ("comitato@oic.demo", "Roberto", "De Santis", User.Role.COMMITTEE),
    ("auditor@oic.demo", "Chiara", "Lombardi", User.Role.AUDITOR),
    ("auditor2@oic.demo", "Davide", "Ferrara", User.Role.AUDITOR),
    ("richiedente@contactcenter.demo", "Simona", "Russo", User.Role.APPLICANT),
    ("associazione@consumatori.demo", "Giorgio", "Marchetti", User.Role.ASSOCIATION),
]


class Command(BaseCommand):
    help = "Loads the demo data (kept as it is if already loaded) and prints the demo logins."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            association, _ = Association.objects.get_or_create(
                name="Associazione Consumatori Italia (demo)",
                defaults={"website": "https://consumatori.example"},
            )
            for email, first, last, role in DEMO_USERS:
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User(
                        email=email,
                        first_name=first,
                        last_name=last,
                        role=role,
                        association=association if role == User.Role.ASSOCIATION else None,
                        is_staff=role == User.Role.ADMIN,
                        is_superuser=role == User.Role.ADMIN,
                    )
                    user.set_password(DEMO_PASSWORD)
                    user.save()
            committee = User.objects.get(email="comitato@oic.demo")
            self.stdout.write("  codice, decalogo e tavolo di lavoro…")
            if load_codice(committee=committee):
                self.stdout.write(self.style.SUCCESS("  dati dimostrativi caricati"))
            else:
                self.stdout.write("  dati dimostrativi già presenti: nessuna modifica")

        self.stdout.write("")
        self.stdout.write(f"Accessi dimostrativi (password per tutti: {DEMO_PASSWORD}):")
        for email, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {User.Role(role).label:<40} {email}")
