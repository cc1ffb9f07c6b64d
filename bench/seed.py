"""Fills a PostgreSQL database with a national-scale data set for the benchmarks (issue 7).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/oic_bench .venv/bin/python bench/seed.py
It DROPS and recreates the database named in DATABASE_URL, migrates it, loads the demo
(`load_demo`), turns the demo's draft 3.0 into a published version with a 100-item checklist
(open amendments rejected, 67 items added while it is a draft, then `codeversion_publish`), and
bulk-inserts (COPY and INSERT … SELECT generate_series):
  100,000 organizations (all 107 provinces, unique 11-digit partite IVA with a valid check digit,
  search_text filled as services.registry.normalize does), 1–3 sites, 0–3 calling numbers and
  1–2 sectors each; 100,000 seals (80% active, 8% suspended, 6% revoked, 6% expired) each with
  its approved application; 20,000 applications with a lead audit and 100 scores each
  (2,000,000 AuditScore rows): the first SEED_IN_EVALUATION (200) still in evaluation with the
  audit in progress (the auditor's scoring page, bench/web.py), the rest evaluated with the audit
  completed; 50,000 reports in every state. Then VACUUM ANALYZE: the state autovacuum brings a
  live database to, where index-only scans need not visit the table.
Every CHECK constraint and trigger stays on. Prints the time of each step and the total.
"""

import io
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oic_portal.settings")

N_ORGS = int(os.environ.get("SEED_ORGS", "100000"))
N_SEALS = int(os.environ.get("SEED_SEALS", "100000"))  # one per organization, so <= N_ORGS
N_AUDITED = int(os.environ.get("SEED_AUDITED", "20000"))
N_REPORTS = int(os.environ.get("SEED_REPORTS", "50000"))
N_IN_EVALUATION = int(os.environ.get("SEED_IN_EVALUATION", "200"))  # of the N_AUDITED
ITEMS = 100

T0 = time.perf_counter()
_last = [T0]


def step(label: str) -> None:
    now = time.perf_counter()
    print(f"  {label:<58} {now - _last[0]:7.1f} s", flush=True)
    _last[0] = now


def recreate_database() -> None:
    import psycopg2

    url = os.environ.get("DATABASE_URL", "")
    parsed = urlparse(url)
    assert parsed.scheme.startswith("postgres"), "DATABASE_URL must point at PostgreSQL"
    name = parsed.path.lstrip("/")
    assert name and name not in ("postgres", "template0", "template1"), name
    # It drops the database: never let a mistyped variable point it at real data.
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the seed only recreates databases named *bench*")
    admin = psycopg2.connect(
        host=parsed.hostname, port=parsed.port or 5432, user=parsed.username,
        password=parsed.password, dbname="postgres",
    )  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


recreate_database()
step("drop and create the database")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

import codice.services as codice_services  # noqa: E402
from certification.models import Provincia, Sector, User  # noqa: E402
from certification.services.registry import normalize  # noqa: E402
from codice.models import Amendment, CodeVersion, Meeting  # noqa: E402

rng = random.Random(7)


def sql(statement: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def scalar(statement: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


def copy(table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def piva_check_digit(digits: str) -> int:
    total = 0
    for index, char in enumerate(digits):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def prepare() -> tuple[CodeVersion, CodeVersion]:
    call_command("migrate", verbosity=0)
    step("migrate")
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    step("load_demo (codice versions, demo firms, seals, reports)")

    committee = User.objects.get(email="comitato@oic.demo")
    seal_version = CodeVersion.objects.current()  # 2.0: the seals' version
    draft = CodeVersion.objects.drafts().get()
    # A 100-item checklist: items can be added only while the version is a draft (triggers),
    # so extend the demo's draft, decide its open amendments (reject), publish it.
    meeting = Meeting.objects.order_by("-date").first()
    for amendment in Amendment.objects.filter(version=draft, status=Amendment.Status.OPEN):
        codice_services.amendment_decide(
            amendment=amendment, by=committee, accept=False, meeting=meeting,
            note="Respinta per preparare i dati dei benchmark.",
        )  # fmt: skip
    existing = scalar("SELECT count(*) FROM certification_checklistitem WHERE version_id = %s",
                      [draft.pk])  # fmt: skip
    sql(
        """
        INSERT INTO certification_checklistitem (version_id, section_id, code, question,
            guidance, article_keys, weight, blocking, allows_na, evidence_hint, "order")
        SELECT %(v)s, (%(sections)s::bigint[])[1 + g %% cardinality(%(sections)s::bigint[])],
               'X.' || g, 'Voce aggiuntiva ' || g || ': la procedura è applicata '
               'e documentata?', 'Verificare a campione le registrazioni.', '[]'::jsonb,
               1 + (g %% 3), false, g %% 10 = 0, 'Registro, procedure', 1000 + g
        FROM generate_series(1, %(n)s) g
        """,
        {
            "v": draft.pk,
            "n": ITEMS - existing,
            "sections": list(draft.checklist_sections.values_list("id", flat=True)),
        },
    )
    real_queue = codice_services._queue_pdf
    codice_services._queue_pdf = lambda version_id: None  # no code PDF rendering here
    try:
        audit_version = codice_services.codeversion_publish(
            version=draft, by=committee, effective_date=timezone.localdate(),
            note="Pubblicata per i benchmark.",
        )  # fmt: skip
    finally:
        codice_services._queue_pdf = real_queue
    assert audit_version.checklist_items.count() == ITEMS
    step(f"publish {draft.number} with a {ITEMS}-item checklist")
    return seal_version, audit_version


def seed(seal_version: CodeVersion, audit_version: CodeVersion) -> None:
    committee = User.objects.get(email="comitato@oic.demo")
    auditor = User.objects.get(email="auditor@oic.demo")
    applicant = User.objects.get(email="richiedente@contactcenter.demo")
    association_user = User.objects.get(email="associazione@consumatori.demo")

    provinces = list(Provincia.objects.values_list("sigla", "name"))
    assert len(provinces) == 107, len(provinces)
    sectors = list(Sector.objects.values_list("slug", flat=True))
    org_base = scalar("SELECT coalesce(max(id), 0) FROM certification_organization")
    used_pivas = set(
        scalar("SELECT coalesce(array_agg(partita_iva), '{}') FROM certification_organization")
    )
    kinds = ["Teleservizi", "Contact", "Servizi Clienti", "Call Center", "Customer Care",
             "Telemarketing", "Voce"]  # fmt: skip
    forms = ["S.r.l.", "S.p.A.", "S.r.l.s.", "Soc. Coop."]
    org_rows, site_rows, sector_rows = [], [], []
    now = timezone.now()
    for n in range(1, N_ORGS + 1):
        org_id = org_base + n
        sigla, comune = provinces[n % 107]
        name = f"{kinds[n % len(kinds)]} {comune} {n} {forms[n % len(forms)]}"
        while True:
            body = f"{rng.randrange(10**7):07d}{rng.randrange(1, 101):03d}"
            piva = body + str(piva_check_digit(body))
            if piva not in used_pivas:
                used_pivas.add(piva)
                break
        site_comuni = []
        for s in range(rng.randint(1, 3)):
            site_sigla, site_comune = provinces[rng.randrange(107)] if s else (sigla, comune)
            site_comuni.append(site_comune)
            site_rows.append((org_id, f"Sede {s + 1}", f"Via Roma {s + 1}", site_comune,
                              site_sigla, rng.randint(5, 400)))  # fmt: skip
        search_text = normalize(" ".join([name, piva, *sorted({comune, *site_comuni})]))
        inbound = n % 3 != 0
        outbound = n % 3 != 1
        org_rows.append((
            org_id, name, piva, piva, f"cc{n}@pec.example.it", f"Via Garibaldi {n % 200 + 1}",
            f"{(n * 37) % 100000:05d}", comune, sigla, "", rng.randint(5, 2000),
            inbound, outbound, n % 4 == 0, now.isoformat(), search_text,
        ))  # fmt: skip
        for slug in rng.sample(sectors, rng.randint(1, 2)):
            sector_rows.append((org_id, slug))
    step(f"generate {N_ORGS} organizations in Python")
    copy("certification_organization",
         ["id", "legal_name", "partita_iva", "codice_fiscale", "pec", "street", "cap", "comune",
          "provincia_id", "website", "operators_count", "inbound", "outbound",
          "assocontact_member", "created_at", "search_text"], org_rows)  # fmt: skip
    step(f"COPY {len(org_rows)} organizations (search_vector by trigger)")
    copy(
        "certification_operationalsite",
        ["organization_id", "name", "street", "comune", "provincia_id", "seats"],
        site_rows,
    )
    copy("certification_organization_sectors", ["organization_id", "sector_id"], sector_rows)
    step(f"COPY {len(site_rows)} sites, {len(sector_rows)} sector links")
    count = sql(
        """
        INSERT INTO certification_callingnumber (organization_id, number, declared_at,
            declared_by_id)
        SELECT o, '+393' || lpad((o * 4 + k)::text, 9, '0'), now(), %s
        FROM generate_series(%s, %s) o, generate_series(1, 3) k
        WHERE k <= (o * 7) %% 4
        """,
        [applicant.pk, org_base + 1, org_base + N_ORGS],
    )
    step(f"INSERT {count} calling numbers")

    # Seals: seal i is on organization i, with its approved application (version 2.0).
    app_base = scalar("SELECT coalesce(max(id), 0) FROM certification_application")
    seal_base = scalar("SELECT coalesce(max(id), 0) FROM certification_seal")
    sql("CREATE TEMP TABLE seed_seal AS "
        "SELECT g AS i, CASE WHEN g %% 100 < 80 THEN 'attivo' WHEN g %% 100 < 88 THEN 'sospeso' "
        "WHEN g %% 100 < 94 THEN 'revocato' ELSE 'scaduto' END AS status, "
        "(hashint4(g)::bigint & 2147483647) AS h "
        "FROM generate_series(1, %s) g", [N_SEALS])  # fmt: skip
    sql("""
        ALTER TABLE seed_seal ADD COLUMN issued timestamptz;
        UPDATE seed_seal SET issued = date_trunc('minute', now()) - CASE status
            WHEN 'scaduto' THEN interval '3 years 2 days' + (h % 1000) * interval '1 day'
            WHEN 'revocato' THEN interval '30 days' + (h % 1500) * interval '1 day'
            ELSE interval '1 day' + (h % 1000) * interval '1 day' END
              - (h % 600) * interval '1 minute';
        ALTER TABLE seed_seal ADD COLUMN year int;
        UPDATE seed_seal SET year = extract(year FROM issued AT TIME ZONE 'Europe/Rome');
        """)  # fmt: skip
    sql(
        """
        INSERT INTO certification_application (id, organization_id, kind, code_version_id,
            status, created_at, created_by_id, submitted_at, updated_at)
        SELECT %(app)s + i, %(org)s + i, 'prima', %(v)s, 'approvata', issued - interval '90 days',
               %(u)s, issued - interval '80 days', issued
        FROM seed_seal
        """,
        {"app": app_base, "org": org_base, "v": seal_version.pk, "u": applicant.pk},
    )
    step(f"INSERT {N_SEALS} approved applications for the seals")
    count = sql(
        """
        INSERT INTO certification_seal (id, number, year, sequence, organization_id,
            application_id, code_version_id, score, score_published, issued_at, valid_from,
            valid_until, status, status_changed_at, public_reason, pdf_status, pdf_version,
            pdf_rendered_version, pdf_file, pdf_sha256, pdf_rendered_at, pdf_requested_at,
            pdf_attempts, pdf_error)
        SELECT %(seal)s + i,
               'BB-' || year || '-' || lpad(seq::text, 5, '0'), year, seq,
               %(org)s + i, %(app)s + i, %(v)s, 70 + (h %% 3000) / 100.0, h %% 2 = 0,
               issued, (issued AT TIME ZONE 'Europe/Rome')::date,
               ((issued AT TIME ZONE 'Europe/Rome')::date + interval '3 years')::date,
               status,
               CASE status WHEN 'attivo' THEN issued
                    WHEN 'scaduto' THEN issued + interval '3 years'
                    ELSE issued + (now() - issued) / 2 END,
               CASE status WHEN 'attivo' THEN ''
                    WHEN 'sospeso' THEN (ARRAY['non_conformita', 'segnalazioni',
                                               'verifica_impedita'])[1 + h %% 3]
                    WHEN 'revocato' THEN (ARRAY['segnalazioni', 'richiesta_azienda',
                                                'cessata_attivita'])[1 + h %% 3]
                    ELSE 'scadenza' END,
               pdf.st, 1, CASE pdf.st WHEN 'pronto' THEN 1 ELSE 0 END,
               CASE pdf.st WHEN 'pronto'
                    THEN 'certificati/BB-' || year || '-' || lpad(seq::text, 5, '0') || '-v1.pdf'
                    ELSE '' END,
               CASE pdf.st WHEN 'pronto' THEN md5(i::text) || md5((i + 1)::text) ELSE '' END,
               CASE pdf.st WHEN 'pronto' THEN issued + interval '1 minute' END,
               issued, CASE pdf.st WHEN 'errore' THEN 3 WHEN 'pronto' THEN 1 ELSE 0 END,
               CASE pdf.st WHEN 'errore' THEN 'benchmark: rendering non riuscito' ELSE '' END
        FROM (SELECT s.*, coalesce(c.last_sequence, 0)
                          + row_number() OVER (PARTITION BY s.year ORDER BY s.issued, s.i) AS seq
              FROM seed_seal s LEFT JOIN certification_sealcounter c ON c.year = s.year) x
        CROSS JOIN LATERAL (SELECT CASE WHEN h %% 100 < 95 THEN 'pronto'
                                        WHEN h %% 100 < 98 THEN 'in_attesa'
                                        ELSE 'errore' END AS st) pdf
        """,
        {"seal": seal_base, "org": org_base, "app": app_base, "v": seal_version.pk},
    )
    sql("""
        INSERT INTO certification_sealcounter (year, last_sequence)
        SELECT year, max(sequence) FROM certification_seal GROUP BY year
        ON CONFLICT (year) DO UPDATE SET last_sequence = GREATEST(
            certification_sealcounter.last_sequence, EXCLUDED.last_sequence)
        """)  # fmt: skip
    step(f"INSERT {count} seals, set the seal counters")

    # Evaluated applications with a completed lead audit and 100 scores (version 3.0).
    app2_base = app_base + N_SEALS
    sql(
        """
        INSERT INTO certification_application (id, organization_id, kind, code_version_id,
            status, created_at, created_by_id, submitted_at, updated_at)
        SELECT %(app)s + g, %(org)s + g, 'prima', %(v)s,
               CASE WHEN g <= %(open)s THEN 'in_valutazione' ELSE 'valutata' END,
               now() - interval '60 days', %(u)s, now() - interval '50 days',
               now() - interval '5 days'
        FROM generate_series(1, %(n)s) g
        """,
        {
            "app": app2_base,
            "org": org_base,
            "v": audit_version.pk,
            "u": applicant.pk,
            "n": N_AUDITED,
            "open": N_IN_EVALUATION,
        },  # fmt: skip
    )
    audit_base = scalar("SELECT coalesce(max(id), 0) FROM certification_audit")
    sql(
        """
        INSERT INTO certification_audit (id, application_id, auditor_id, role, status,
            assigned_by_id, assigned_at, due_date, completed_at)
        SELECT %(audit)s + g, %(app)s + g, %(a)s, 'capofila',
               CASE WHEN g <= %(open)s THEN 'in_corso' ELSE 'completato' END, %(c)s,
               now() - interval '45 days', current_date - 10,
               CASE WHEN g <= %(open)s THEN NULL ELSE now() - interval '6 days' END
        FROM generate_series(1, %(n)s) g
        """,
        {
            "audit": audit_base,
            "app": app2_base,
            "a": auditor.pk,
            "c": committee.pk,
            "n": N_AUDITED,
            "open": N_IN_EVALUATION,
        },  # fmt: skip
    )
    step(f"INSERT {N_AUDITED} audited applications ({N_IN_EVALUATION} still in evaluation)")
    count = sql(
        """
        INSERT INTO certification_auditscore (audit_id, item_id, points, not_applicable,
            comment, updated_at)
        SELECT a, it.id,
               CASE WHEN na THEN NULL ELSE (ARRAY[0, 1, 2, 2, 3, 3, 3, 3])[1 + h %% 8] END,
               na, '', now() - interval '6 days'
        FROM generate_series(%(a0)s, %(a1)s) a
        CROSS JOIN (SELECT id, allows_na FROM certification_checklistitem
                    WHERE version_id = %(v)s) it
        CROSS JOIN LATERAL (SELECT hashint8(a * 1000 + it.id) & 2147483647 AS h) hh
        CROSS JOIN LATERAL (SELECT it.allows_na AND h %% 20 = 0 AS na) n
        """,
        {"a0": audit_base + 1, "a1": audit_base + N_AUDITED, "v": audit_version.pk},
    )
    step(f"INSERT {count} audit scores")

    count = sql(
        """
        INSERT INTO certification_report (organization_id, seal_id, category, call_at,
            calling_number, description, filed_by_id, association_id, reporter_name,
            reporter_email, reporter_phone, follow_token, status, outcome, created_at,
            forwarded_at, answer_due, answer, answered_at, answered_by_id, closed_at,
            closing_note)
        SELECT o, CASE WHEN g %% 10 = 0 THEN NULL ELSE %(seal)s + (o - %(org)s) END,
               (ARRAY['fuori_orario', 'senza_consenso', 'numero_nascosto', 'rpo',
                      'condotta_scorretta', 'altro'])[1 + g %% 6],
               created - interval '2 days',
               CASE WHEN g %% 5 = 0 THEN '' ELSE '+393' || lpad((o * 4 + 1)::text, 9, '0') END,
               'Chiamata ricevuta senza consenso, segnalazione di prova n. ' || g,
               CASE WHEN g %% 4 = 0 THEN %(assoc_user)s END,
               CASE WHEN g %% 4 = 0 THEN %(assoc)s END,
               'Consumatore ' || g, 'consumatore' || g || '@example.org', '',
               md5('report' || g) || substr(md5('token' || g), 1, 8),
               st, CASE WHEN st = 'chiusa' THEN
                        CASE WHEN g %% 3 = 0 THEN 'fondata' ELSE 'infondata' END ELSE '' END,
               created,
               CASE WHEN st <> 'ricevuta' THEN created + interval '1 day' END,
               CASE WHEN st <> 'ricevuta' THEN (created + interval '31 days')::date END,
               CASE WHEN st IN ('risposta', 'chiusa') THEN 'Risposta dell''azienda.' ELSE '' END,
               CASE WHEN st IN ('risposta', 'chiusa') THEN created + interval '5 days' END,
               CASE WHEN st IN ('risposta', 'chiusa') THEN %(applicant)s END,
               CASE WHEN st = 'chiusa' THEN created + interval '10 days' END,
               CASE WHEN st = 'chiusa' THEN 'Chiusa dal comitato.' ELSE '' END
        FROM generate_series(1, %(n)s) g
        CROSS JOIN LATERAL (SELECT %(org)s + 1 + (hashint4(g) & 2147483647) %% %(nseals)s AS o,
            date_trunc('second', now()) - (10 + (hashint4(-g) & 2147483647) %% 700)
                * interval '1 day' AS created,
            CASE WHEN g %% 20 < 4 THEN 'ricevuta' WHEN g %% 20 < 9 THEN 'inoltrata'
                 WHEN g %% 20 < 13 THEN 'risposta' ELSE 'chiusa' END AS st) x
        """,
        {
            "n": N_REPORTS,
            "org": org_base,
            "seal": seal_base,
            "nseals": N_SEALS,
            "assoc_user": association_user.pk,
            "assoc": association_user.association_id,
            "applicant": applicant.pk,
        },  # fmt: skip
    )
    step(f"INSERT {count} reports")

    for table in ["certification_organization", "certification_application",
                  "certification_seal", "certification_audit"]:  # fmt: skip
        sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT max(id) FROM {table}))")  # fmt: skip


if __name__ == "__main__":
    print(f"seed: {N_ORGS} firms, {N_SEALS} seals, {N_AUDITED} audits x {ITEMS} scores, "
          f"{N_REPORTS} reports")  # fmt: skip
    versions = prepare()  # migrate, demo, publish: each in its own transaction
    with transaction.atomic():
        seed(*versions)
    step("commit")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    step("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        for table in ["organization", "operationalsite", "callingnumber", "seal",
                      "application", "audit", "auditscore", "report"]:  # fmt: skip
            cursor.execute(f"SELECT count(*) FROM certification_{table}")  # noqa: S608
            print(f"    certification_{table:<18} {cursor.fetchone()[0]:>10,}")
        cursor.execute("SELECT status, count(*) FROM certification_seal GROUP BY 1 ORDER BY 1")
        print("    seals by status:", dict(cursor.fetchall()))
    print(f"total {time.perf_counter() - T0:.1f} s")
