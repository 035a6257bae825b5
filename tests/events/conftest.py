import pytest
from django.test import Client
from django.utils import translation


@pytest.fixture
def client():
    """A browser that asks for English: these tests assert the source strings."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture(autouse=True)
def _english():
    """Messages outside a request (domain errors) in English, as these tests assert them.

    Mail is rendered in each recipient's own language (Dutch by default) whatever this says.
    """
    with translation.override("en"):
        yield
