import pytest
from django.test import Client


@pytest.fixture
def client():
    """A browser that asks for English: these tests assert the source strings.

    Dutch, the default, is tested in tests/lef/test_i18n.py and the browser tests.
    """
    return Client(headers={"accept-language": "en"})
