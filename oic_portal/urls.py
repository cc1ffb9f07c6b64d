from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from oic_portal import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("area-riservata/", views.dashboard, name="dashboard"),
    path("privacy/", views.privacy, name="privacy"),
    path(
        "accesso/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("esci/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accesso/password/cambia/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accesso/password/cambiata/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accesso/password/recupera/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accesso/password/recupera/inviata/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accesso/password/nuova/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accesso/password/aggiornata/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("codice.urls_public")),
    path("", include("certification.urls")),
    path("gestione/codice/", include("codice.urls_manage")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
