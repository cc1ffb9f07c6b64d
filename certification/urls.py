"""All certification pages; each views module owns its own url list."""

from certification.views import (
    applications,
    audit_assignments,
    audit_scoring,
    checklists,
    decisions,
    files,
    information_requests,
    nonconformities,
    organizations,
    seals,
    signup,
    verification,
)

app_name = "certification"

urlpatterns = [
    *signup.urlpatterns,
    *organizations.urlpatterns,
    *applications.urlpatterns,
    *files.urlpatterns,
    *checklists.urlpatterns,
    *audit_assignments.urlpatterns,
    *audit_scoring.urlpatterns,
    *nonconformities.urlpatterns,
    *information_requests.urlpatterns,
    *decisions.urlpatterns,
    *seals.urlpatterns,
    *verification.urlpatterns,
]
