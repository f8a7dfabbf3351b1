import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads of these tests go to a temporary folder, never to the project's media/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
