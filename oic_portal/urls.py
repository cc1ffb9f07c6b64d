from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from certification.api import api
from oic_portal import health, two_factor, views
from oic_portal.forms import LoginForm
from oic_portal.ratelimit import rate_limit

LOGIN = settings.LOGIN_RATE_LIMIT
RESET = settings.PASSWORD_RESET_RATE_LIMIT

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("area-riservata/", views.dashboard, name="dashboard"),
    path("privacy/", views.privacy, name="privacy"),
    path("cookie/", views.cookies, name="cookies"),
    path("area-riservata/i-miei-dati/", views.my_data, name="my_data"),
    path(
        "accesso/",
        rate_limit("login", limit=LOGIN[0], window=LOGIN[1], methods=("POST",))(
            auth_views.LoginView.as_view(
                redirect_authenticated_user=True, authentication_form=LoginForm
            )
        ),
        name="login",
    ),
    path("accesso/due-fattori/", two_factor.verify, name="two_factor_verify"),
    path("accesso/due-fattori/attiva/", two_factor.setup, name="two_factor_setup"),
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
        rate_limit("password_reset", limit=RESET[0], window=RESET[1], methods=("POST",))(
            auth_views.PasswordResetView.as_view()
        ),
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
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
