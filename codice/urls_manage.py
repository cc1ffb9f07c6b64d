"""Committee pages, mounted at /gestione/codice/."""

from django.urls import path

from codice.views import manage

app_name = "codice_manage"

urlpatterns = [
    path("", manage.versions, name="versions"),
    path("nuova-bozza/", manage.draft_create, name="draft_create"),
    path("<int:pk>/", manage.version_detail, name="version"),
    path("<int:pk>/modifica/", manage.version_edit, name="version_edit"),
    path("<int:pk>/pubblica/", manage.version_publish, name="version_publish"),
    path("<int:pk>/capitoli/nuovo/", manage.chapter_create, name="chapter_create"),
    path(
        "<int:pk>/capitoli/<int:chapter_pk>/modifica/",
        manage.chapter_edit,
        name="chapter_edit",
    ),
    path(
        "<int:pk>/capitoli/<int:chapter_pk>/elimina/",
        manage.chapter_delete,
        name="chapter_delete",
    ),
    path("<int:pk>/articoli/nuovo/", manage.article_create, name="article_create"),
    path(
        "<int:pk>/articoli/<int:article_pk>/modifica/",
        manage.article_edit,
        name="article_edit",
    ),
    path(
        "<int:pk>/articoli/<int:article_pk>/elimina/",
        manage.article_delete,
        name="article_delete",
    ),
    path("<int:pk>/decalogo/nuova/", manage.decalogo_create, name="decalogo_create"),
    path(
        "<int:pk>/decalogo/<int:entry_pk>/modifica/",
        manage.decalogo_edit,
        name="decalogo_edit",
    ),
    path(
        "<int:pk>/decalogo/<int:entry_pk>/elimina/",
        manage.decalogo_delete,
        name="decalogo_delete",
    ),
    path("<int:pk>/proposte/", manage.amendments, name="amendments"),
    path("<int:pk>/proposte/nuova/", manage.amendment_create, name="amendment_create"),
    path(
        "<int:pk>/proposte/<int:amendment_pk>/",
        manage.amendment_detail,
        name="amendment",
    ),
    path("tavolo/", manage.meetings, name="meetings"),
    path("tavolo/nuova/", manage.meeting_create, name="meeting_create"),
    path("tavolo/<int:pk>/", manage.meeting_detail, name="meeting"),
    path("tavolo/<int:pk>/modifica/", manage.meeting_edit, name="meeting_edit"),
]
