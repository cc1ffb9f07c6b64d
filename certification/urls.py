"""All certification pages; each views module owns its own url list."""

from certification.views import (
    applications,
    audit_assignments,
    audit_scoring,
    calling_numbers,
    checklists,
    decisions,
    files,
    information_requests,
    manage_applications,
    nonconformities,
    organizations,
    registry,
    reports,
    seals,
    signup,
    statistics,
    verification,
    who_called,
)

app_name = "certification"

urlpatterns = [
    *signup.urlpatterns,
    *organizations.urlpatterns,
    *applications.urlpatterns,
    *manage_applications.urlpatterns,
    *files.urlpatterns,
    *checklists.urlpatterns,
    *audit_assignments.urlpatterns,
    *audit_scoring.urlpatterns,
    *nonconformities.urlpatterns,
    *information_requests.urlpatterns,
    *decisions.urlpatterns,
    *seals.urlpatterns,
    *verification.urlpatterns,
    *registry.urlpatterns,
    *reports.urlpatterns,
    *who_called.urlpatterns,
    *calling_numbers.urlpatterns,
    *statistics.urlpatterns,
]
