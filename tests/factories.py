import factory
from factory.django import DjangoModelFactory

from certification.models import Association, User

PASSWORD = "password-di-prova-123"


class AssociationFactory(DjangoModelFactory):
    class Meta:
        model = Association
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Associazione Consumatori {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persona{n}@example.it")
    first_name = "Mario"
    last_name = "Rossi"
    role = User.Role.APPLICANT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
