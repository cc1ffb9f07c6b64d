from django.core.management.base import BaseCommand, CommandError

from certification.models import Organization
from certification.services.registry import refresh_all_search_texts


class Command(BaseCommand):
    help = (
        "Recomputes the registry's search text of every firm (name, partita IVA, comuni), in "
        "batches: after loading firms in bulk, or to repair rows written around the services."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        changed = refresh_all_search_texts(batch_size=batch_size)
        if options["verbosity"] > 0:
            total = Organization.objects.count()
            self.stdout.write(f"Testo di ricerca aggiornato per {changed} aziende su {total}.")
