"""Fixtures shared by the tests. Everything comes from the repository itself (the embedded
sample, the installed data package): no file outside the clone is read."""

import pytest

from dashboard.member_store import from_store


@pytest.fixture(scope="session")
def sample():
    """The embedded sample, resolved: 37 RTES members, 35 by official code and 2 EPTs placed
    at their seat (every row drawn on the map)."""
    return from_store(None)
