"""Fixtures of the tests of focal pages (moved from test_focal_pages.py)."""

import pytest

from tests.factories import FocalPointFactory


@pytest.fixture
def focal_point(db):
    return FocalPointFactory(organisation__name="Red de Víctimas", user__email="ana@red.example")


@pytest.fixture
def focal_client(client, focal_point):
    client.force_login(focal_point.user)
    return client
