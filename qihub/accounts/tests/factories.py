"""Factories for accounts models with realistic Liaoning data."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from qihub.accounts.identifiers import make_uscc
from qihub.accounts.models import Membership, Organisation, User
from qihub.core.text import pinyin_full, pinyin_initials
from qihub.reference.models import Region

TEST_PASSWORD = "Qi-Hub-2026-test!"


def uscc_for(serial: int, region_code: str = "210100") -> str:
    """A valid USCC: 9 1 (enterprise, company) + region + a 9-character organisation code."""
    return make_uscc(f"91{region_code}{serial:09d}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    display_name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.django.Password(TEST_PASSWORD)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("uscc",)

    uscc = factory.Sequence(lambda n: uscc_for(n + 1))
    name = factory.Sequence(lambda n: f"沈阳市第{n + 1}检验检测有限公司")
    kind = Organisation.Kind.TESTING_LAB
    city = factory.LazyFunction(lambda: Region.objects.get(code="210100"))
    address = "沈阳市和平区南京北街1号"
    name_pinyin = factory.LazyAttribute(lambda o: pinyin_full(o.name))
    name_initials = factory.LazyAttribute(lambda o: pinyin_initials(o.name))


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER
