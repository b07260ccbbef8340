"""Fixtures shared by the tests. Everything comes from the repository itself (the embedded
sample, the installed data package): no file outside the clone is read."""

import pytest

from dashboard.member_store import from_store


@pytest.fixture(scope="session")
def sample():
    """The embedded sample, resolved: 37 RTES members, 35 by official code and 2 EPTs placed
    at their seat (every row drawn on the map)."""
    return from_store(None)


@pytest.fixture(scope="session")
def two_thousand():
    """2,000-odd members of every level all over France (members.two_thousand_members)."""
    from members import two_thousand_members

    return two_thousand_members()


@pytest.fixture(scope="module")
def server():
    """The real app (`python app.py` on a free port) for the browser tests of a module."""
    from browser import AppServer, require_chromium

    require_chromium()
    app = AppServer()
    yield app
    app.stop()
