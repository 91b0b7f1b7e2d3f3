"""Fixtures shared by every test: two tenants ("ours" and "theirs") with a member in every role.

The worlds are built once per test session (`tests/worlds.py`); each test sees fresh copies and
its writes roll back. A test with real commits flushes the database when it ends, so the hook
below tells the store to build the worlds again for whoever asks next.
"""

import pytest

from tests.worlds import TenantWorld, WorldStore, host_client_for

# The fuzzer's request count and time in the terminal summary (tests/fuzz/).
pytest_plugins = ["tests.fuzz.summary"]

_store: WorldStore | None = None


@pytest.fixture(scope="session")
def world_store(django_db_setup, django_db_blocker) -> WorldStore:  # type: ignore[no-untyped-def]
    global _store  # the teardown hook below must reach it
    _store = WorldStore(django_db_blocker.unblock)
    _store.ensure()  # now, before the first test opens its transaction
    return _store


def _flushes_database(item: pytest.Item) -> bool:
    """Whether the test ran with real commits, which pytest-django undoes by a flush."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):  # type: ignore[no-untyped-def]
    # Rebuild flushed worlds before the test's fixtures open its transaction.
    if _store is not None and {"ours", "theirs"} & set(getattr(item, "fixturenames", ())):
        _store.ensure()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):  # type: ignore[no-untyped-def]
    yield
    if _store is not None and _flushes_database(item):
        _store.invalidate()


@pytest.fixture
def ours(db, world_store) -> TenantWorld:  # type: ignore[no-untyped-def]
    return world_store.world("ours")


@pytest.fixture
def theirs(db, world_store) -> TenantWorld:  # type: ignore[no-untyped-def]
    return world_store.world("theirs")


@pytest.fixture
def host_client():  # type: ignore[no-untyped-def]
    """`host_client(host, membership=None)`: a client on `host`, logged in as that member."""
    return host_client_for
