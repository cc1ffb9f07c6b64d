from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from certification.demo import load_organizations
from certification.demo_reports import load_demo_reports
from certification.demo_seals import load_seals
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
        # The demo's history sends the usual notifications; nobody needs to read them.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._load()
        self._print_logins()

    def _load(self) -> None:
        with transaction.atomic():
            association, _ = Association.objects.get_or_create(
                name="Associazione Consumatori Italia (demo)",
                defaults={"website": "https://consumatori.example"},
            )
            password_hash = make_password(DEMO_PASSWORD)
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
                    user.password = password_hash
                    user.save()
            committee = User.objects.get(email="comitato@oic.demo")
            self.stdout.write("  codice, decalogo e tavolo di lavoro…")
            if load_codice(committee=committee):
                self.stdout.write(self.style.SUCCESS("  codice caricato"))
            else:
                self.stdout.write("  codice già presente: nessuna modifica")
            self.stdout.write("  contact center e domande di certificazione…")
            if load_organizations(
                committee=committee,
                applicant_email="richiedente@contactcenter.demo",
                password=DEMO_PASSWORD,
            ):
                self.stdout.write(self.style.SUCCESS("  contact center e domande caricati"))
            else:
                self.stdout.write("  contact center già presenti: nessuna modifica")
            self.stdout.write("  bollini e certificati…")
            if load_seals(committee=committee, applicant_email="richiedente@contactcenter.demo"):
                self.stdout.write(
                    self.style.SUCCESS("  bollini in ogni stato, certificati generati")
                )
            else:
                self.stdout.write("  bollini già presenti: nessuna modifica")
            self.stdout.write("  segnalazioni…")
            if load_demo_reports():
                self.stdout.write(self.style.SUCCESS("  segnalazioni in ogni stato caricate"))
            else:
                self.stdout.write("  segnalazioni già presenti: nessuna modifica")
            # The registry searches a stored text: fill it for the demo firms.
            call_command("refresh_search_text", verbosity=0)

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Accessi dimostrativi (password per tutti: {DEMO_PASSWORD}):")
        for email, _first, _last, role in DEMO_USERS:
            self.stdout.write(f"  {User.Role(role).label:<40} {email}")
