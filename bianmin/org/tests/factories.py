"""Test data for the org app. Units go through the service (it builds the tree paths); users get a
password hash computed once per run, because Argon2 on every test user would dominate the suite."""

from __future__ import annotations

from functools import cache

import factory
from django.contrib.auth.hashers import make_password

from bianmin.org import services
from bianmin.org.choices import EmploymentType, UnitKind
from bianmin.org.models import Membership, Unit, User

PASSWORD = "Correct-Horse-42"


@cache
def password_hash() -> str:
    return make_password(PASSWORD)


class UnitFactory(factory.Factory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"单位{n}")
    kind = UnitKind.DEPARTMENT
    parent = None

    @classmethod
    def _create(cls, model_class: type[Unit], **kwargs: object) -> Unit:
        return services.create_unit(actor=None, **kwargs)  # type: ignore[arg-type]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    employment_type = EmploymentType.FORMAL
    password = factory.LazyFunction(password_hash)


def member(unit: Unit, role: str, **kwargs: object) -> User:
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user
