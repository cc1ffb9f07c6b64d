"""Fixtures shared by the certification tests (the rest are in tests/conftest.py and the
*_helpers modules)."""

import pytest

from tests.certification.scoring_helpers import items_of
from tests.factories import make_current_version_with_checklist


@pytest.fixture
def version(db):
    """The version in force: A.1 (weight 2, blocking), A.2 (weight 1, allows N/A), B.1 (weight
    3)."""
    return make_current_version_with_checklist()


@pytest.fixture
def items(version):
    """The version's checklist items by code."""
    return items_of(version)
