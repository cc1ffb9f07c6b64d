"""RunSQLOnPostgreSQL: the migrations' triggers and functions go to PostgreSQL only; the demo's
SQLite gets none of them (their SQL would not even parse there)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection

from oic_portal.migration_operations import RunSQLOnPostgreSQL


class RecordingEditor:
    def __init__(self, vendor: str) -> None:
        self.connection = SimpleNamespace(
            vendor=vendor,
            alias="default",
            ops=connection.ops,  # PostgreSQL's: the script goes whole, as the migrations did
        )
        self.executed: list[str] = []

    def execute(self, sql, params=None) -> None:
        self.executed.append(sql)


@pytest.mark.parametrize(("vendor", "runs"), [("postgresql", True), ("sqlite", False)])
def test_the_sql_runs_on_postgresql_only_both_ways(vendor, runs):
    operation = RunSQLOnPostgreSQL(
        "CREATE TABLE t (x int); CREATE INDEX i ON t (x);", "DROP TABLE t;"
    )
    editor = RecordingEditor(vendor)

    operation.database_forwards("certification", editor, None, None)
    operation.database_backwards("certification", editor, None, None)

    expected = ["CREATE TABLE t (x int); CREATE INDEX i ON t (x);", "DROP TABLE t;"]
    assert editor.executed == (expected if runs else [])


@pytest.mark.django_db
def test_the_migrations_put_their_functions_in_the_test_database():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname FROM pg_proc WHERE proname IN "
            "('certification_scoring_page_stamp', 'certification_registry_generation_raise')"
        )
        assert sorted(row[0] for row in cursor.fetchall()) == [
            "certification_registry_generation_raise",
            "certification_scoring_page_stamp",
        ]
