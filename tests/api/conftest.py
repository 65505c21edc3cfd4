import pytest

from costapi.fixtures import load_fixtures


@pytest.fixture
def seeded(app):
    """The seed data of fixtures/, rolled back after the test like everything else."""
    with app.app_context():
        load_fixtures()
