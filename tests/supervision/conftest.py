import pytest


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions on messages read the English source strings, whatever the catalogue holds."""
    settings.LANGUAGE_CODE = "en"
