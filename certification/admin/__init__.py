"""Admin registrations, one module per area."""

from . import (
    applications,  # noqa: F401
    audits,  # noqa: F401
    checklists,  # noqa: F401
    organizations,  # noqa: F401
    users,  # noqa: F401
)
