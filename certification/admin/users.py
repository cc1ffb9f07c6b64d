from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from certification.models import Association, User
from certification.roles import assign_role_group
from certification.services.privacy import user_erase


class LowercaseEmailMixin:
    """Store the address as the login compares it, so that the lower-case constraint and the
    uniqueness check see the address that will be saved (no 500 on "Anna@Example.it")."""

    def clean_email(self) -> str:
        return self.cleaned_data["email"].lower()


class UserCreationForm(LowercaseEmailMixin, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role", "association")


class UserChangeForm(LowercaseEmailMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """The e-mail address is the login. A user's groups follow their role (certification.roles),
    so groups are shown, not edited: change the role instead."""

    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Dati personali"), {"fields": ("first_name", "last_name")}),
        (_("Ruolo"), {"fields": ("role", "association", "groups")}),
        (
            _("Accesso e permessi"),
            {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")},
        ),
        (_("Date"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "first_name",
                    "last_name",
                    "role",
                    "association",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("groups", "last_login", "date_joined")
    list_display = ("email", "first_name", "last_name", "role", "association", "is_active")
    list_filter = ("role", "is_active", "is_staff", "is_superuser", "association")
    list_select_related = ("association",)
    search_fields = ("email", "first_name", "last_name", "association__name")
    ordering = ("email",)
    filter_horizontal = ("user_permissions",)
    actions = ["erase_personal_data"]

    @admin.action(description=_("Cancella i dati personali (pseudonimizza)"))
    def erase_personal_data(self, request, queryset) -> None:
        """GDPR erasure: the people selected become «Utente cancellato n. <id>»; what they did
        in the certification record stays."""
        if not request.user.is_superuser:
            self.message_user(request, _("Solo un amministratore può cancellare i dati personali."),
                              level=messages.ERROR)  # fmt: skip
            return
        erased = 0
        for user in queryset.exclude(pk=request.user.pk):
            user_erase(user=user, by=request.user)
            erased += 1
        self.message_user(request, _("Dati personali cancellati: %(n)d utenti.") % {"n": erased})

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Saving the form's many-to-many data must not undo the group that follows the role.
        assign_role_group(form.instance)


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ("name", "website", "member_count")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ("name",)
    ordering = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("membri"), ordering="member_count")
    def member_count(self, obj: Association) -> int:
        return obj.member_count
