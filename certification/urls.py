"""All certification pages; each views module owns its own url list."""

from certification.views import applications, checklists, files, organizations, signup

app_name = "certification"

urlpatterns = [
    *signup.urlpatterns,
    *organizations.urlpatterns,
    *applications.urlpatterns,
    *files.urlpatterns,
    *checklists.urlpatterns,
]
