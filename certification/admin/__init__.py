"""Admin registrations, one module per area."""

from . import users  # noqa: F401
