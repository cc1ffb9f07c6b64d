"""The login form."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's form, with the address's length checked on the server too: Django sets it only
    on the widget, so a longer text reached authenticate() and django-axes, whose record of the
    failed attempt holds 255 characters (a 500)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
