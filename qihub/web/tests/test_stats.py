"""qihub.accounts.stats, the aggregates behind the home page (tested here, where they are used)."""

from __future__ import annotations

import pytest

from qihub.accounts.models import Organisation
from qihub.accounts.stats import key_figures, organisations_by_city, organisations_by_kind
from qihub.accounts.tests.factories import OrganisationFactory, uscc_for
from qihub.reference.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(reference: None) -> None:
    tieling = Region.objects.get(code="211200")
    kinds = Organisation.Kind
    OrganisationFactory(uscc=uscc_for(1), kind=kinds.TESTING_LAB)
    OrganisationFactory(uscc=uscc_for(2), kind=kinds.CALIBRATION_LAB, city=tieling)
    OrganisationFactory(uscc=uscc_for(3), kind=kinds.ENTERPRISE, city=tieling)
    OrganisationFactory(uscc=uscc_for(4), kind=kinds.REGULATOR)
    OrganisationFactory(uscc=uscc_for(5), kind=kinds.TESTING_LAB, is_active=False)


def test_key_figures(register: None) -> None:
    figures = key_figures()

    assert figures.organisations == 4
    assert figures.institutions == 2
    assert figures.testing_labs == 1
    assert figures.certification_bodies == 0
    assert figures.metrology_institutes == 0
    assert figures.enterprises == 1
    assert figures.cities_covered == 2
    assert figures.cities_total == 14


def test_organisations_by_kind(register: None) -> None:
    counts = organisations_by_kind()

    assert counts["testing_lab"] == 1
    assert counts["calibration_lab"] == 1
    assert counts["regulator"] == 1
    assert counts["certification_body"] == 0
    assert set(counts) == set(Organisation.Kind.values)


def test_organisations_by_city_lists_every_city(register: None) -> None:
    cities = organisations_by_city()

    assert [city.code for city in cities][:2] == ["210100", "210200"]
    assert len(cities) == 14
    tieling = next(city for city in cities if city.code == "211200")
    assert (tieling.name, tieling.organisations, tieling.institutions) == ("铁岭市", 2, 1)
    shenyang = cities[0]
    assert (shenyang.organisations, shenyang.institutions) == (2, 1)
    assert shenyang.longitude is not None


def test_aggregates_take_a_fixed_number_of_queries(
    register: None, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(2):
        key_figures()
    with django_assert_max_num_queries(2):
        organisations_by_city()
