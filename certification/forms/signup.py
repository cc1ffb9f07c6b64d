"""Forms to open an applicant account: on its own, or from a colleague's invitation."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from certification.models import User


class NewPasswordMixin(forms.Form):
    """Password typed twice and checked by the project's password validators. The person's
    names and address are passed to the validators so a password like one's own name is refused."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        # Evaluated per page, in the language of the request.
        help_text=lazy(password_validation.password_validators_help_text_html, str)(),
    )
    password2 = forms.CharField(
        label=_("Ripeti la password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def person(self) -> User:
        data = self.cleaned_data
        return User(
            email=self.address(),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
        )

    def address(self) -> str:
        return ""

    def clean_password2(self) -> str:
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data.get("password2")
        if first and second and first != second:
            raise ValidationError(_("Le due password non coincidono."), code="password_mismatch")
        return second

    def _post_clean(self) -> None:
        super()._post_clean()
        password = self.cleaned_data.get("password2")
        if password:
            try:
                password_validation.validate_password(password, self.person())
            except ValidationError as exc:
                self.add_error("password1", [_italian(error) for error in exc.error_list])


def _italian(error: ValidationError) -> ValidationError:
    # Django 5.2 rewrote this message and its Italian catalogue has not caught up yet.
    if error.code == "password_too_short":
        return ValidationError(
            _("Questa password è troppo corta: deve contenere almeno %(min_length)d caratteri."),
            code=error.code,
            params=error.params,
        )
    return error


class PersonFieldsMixin(forms.Form):
    first_name = forms.CharField(
        label=_("Nome"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Cognome"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )


class PrivacyMixin(forms.Form):
    privacy = forms.BooleanField(
        label=_("Ho letto l'informativa sul trattamento dei dati personali"),
        error_messages={
            "required": _("Per registrarti devi dichiarare di aver letto l'informativa privacy.")
        },
    )


class SignupForm(PersonFieldsMixin, NewPasswordMixin, PrivacyMixin):
    field_order = ["first_name", "last_name", "email", "password1", "password2", "privacy"]

    email = forms.EmailField(
        label=_("Indirizzo e-mail"),
        max_length=254,
        help_text=_("Ti invieremo un collegamento per confermarlo."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        # Never say here whether the address is registered: the mailbox owner is told by e-mail.
        return self.cleaned_data["email"].strip().lower()

    def address(self) -> str:
        return self.cleaned_data.get("email", "")


class InvitationSignupForm(PersonFieldsMixin, NewPasswordMixin, PrivacyMixin):
    """Sign-up from an invitation: the address is the invited one and is not typed."""

    field_order = ["first_name", "last_name", "password1", "password2", "privacy"]

    def __init__(self, *args, email: str, **kwargs) -> None:
        self.email = email
        super().__init__(*args, **kwargs)

    def address(self) -> str:
        return self.email


class ConfirmForm(forms.Form):
    """Confirming the address is a button: an e-mail scanner that opens the link confirms
    nothing."""


class ConfirmWithPasswordForm(NewPasswordMixin):
    """Confirming an address whose sign-up was started twice: a new password is chosen now."""

    def __init__(self, *args, user: User, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def person(self) -> User:
        return self.user
