import pytest
from django.test import Client
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Services and mails speak the source language in these tests (Dutch: test_i18n)."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """A browser that asks for English: these tests assert the source strings."""
    return Client(headers={"accept-language": "en"})
