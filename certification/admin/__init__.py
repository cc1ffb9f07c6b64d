"""Admin registrations, one module per area."""

from . import (
    applications,  # noqa: F401
    audits,  # noqa: F401
    checklists,  # noqa: F401
    organizations,  # noqa: F401
    reports,  # noqa: F401
    seals,  # noqa: F401
    users,  # noqa: F401
)
