import pytest

from tests.afterschool.world import build_school, enroll


@pytest.fixture
def school(db):
    return build_school("甲")


@pytest.fixture
def enrolled(school):
    """Both students take part."""
    return {i: enroll(school, i) for i in (1, 2)}
