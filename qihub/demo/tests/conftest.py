import pytest


@pytest.fixture(autouse=True)
def _evaluation_database(settings):
    # pytest-django runs with DEBUG off, where `qihub demo` refuses without --not-production.
    settings.DEBUG = True
