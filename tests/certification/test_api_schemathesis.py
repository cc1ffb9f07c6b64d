"""The API against its own OpenAPI schema: Schemathesis generates requests for every operation
(valid and invalid parameters) and checks each answer: never a server error, a status code the
schema documents, a body that matches the documented schema, a JSON content type, and invalid
input refused with a 4xx. A few certified firms are in the database during the run, and path
parameters are drawn from real partite IVA and seal numbers as well as random text."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from certification.models import Seal
from tests.certification.registry_api_helpers import certified_firm, certify
from tests.factories import OrganizationFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    # `positive_data_acceptance` is left out on purpose: a well-formed page past the last one,
    # or a sector or code version that does not exist, is valid for the schema but a 400.
    negative_data_rejection,
]


# Loaded once, at collection, through the WSGI application (no server, no database query).
# (schemathesis.pytest.from_fixture would load it per test but does not run on pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
# Path parameter values that exist in the database of the running test.
REAL: dict[str, list[str]] = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Random text, or the address of something that exists (or just misses)."""
    if not isinstance(path_parameters, dict) or not path_parameters:
        return st.just(path_parameters)
    choices = [dict(path_parameters)]
    for name in path_parameters:
        choices += [{**path_parameters, name: value} for value in REAL.get(name, [])]
    return st.sampled_from(choices)


@pytest.fixture
def registry_data(db, settings):
    settings.RATELIMIT_ENABLED = False
    firms = [
        certified_firm(legal_name="Alfa Contact S.r.l.", sectors=("energia", "altro")),
        certified_firm(legal_name="Beta Chiamate S.p.A.", sigla="NA", comune="Napoli"),
        certified_firm(
            legal_name="Gàmma Servìzi S.r.l.",
            sigla="RM",
            comune="Roma",
            status=Seal.Status.SUSPENDED,
            inbound=False,
        ),
    ]
    certify(OrganizationFactory(), status=Seal.Status.REVOKED)
    seals = list(Seal.objects.values_list("number", flat=True))
    REAL["partita_iva"] = [firm.partita_iva for firm in firms] + ["00000000000"]
    REAL["numero"] = [*seals, seals[0].lower(), "BB-1999-00001"]
    # Django's WSGI handler closes the database connection after each request, which would end
    # the test's transaction; its test client unhooks this the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    REAL.clear()


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
def test_every_operation_keeps_to_its_schema(case, registry_data):
    case.call_and_validate(checks=CHECKS)
