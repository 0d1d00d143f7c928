"""Which database a unit of reads goes to (alloy/replicas.py). The real standby, its lag and its outage are
in tests/e2e/test_read_replicas.py; here, the choice and the fallback, around reads that say where they ran."""

import warnings

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError
from psycopg.errors import QueryCanceled

from alloy import replicas
from alloy.replicas import ReplicaRouter, on_a_replica, reading_from
from sessions_app.models import Session


def configure(settings, *names: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Django warns that overriding DATABASES may surprise: only names are read
        settings.DATABASES = {"default": settings.DATABASES["default"], **{name: {} for name in names}}
    settings.DATABASE_REPLICA_RETRY_SECONDS = 30
    replicas._left_out_until.clear()


@pytest.fixture
def two_replicas(settings):
    configure(settings, "replica_1", "replica_2")
    yield
    replicas._left_out_until.clear()


@pytest.fixture
def one_replica(settings):
    configure(settings, "replica_1")
    yield
    replicas._left_out_until.clear()


def broken(error_cause: BaseException | None = None):
    """A read that fails for want of the replica it was sent to, and answers where it ran elsewhere."""

    def read() -> str:
        if reading_from() != DEFAULT_DB_ALIAS:
            error = OperationalError("connection failed: server closed the connection unexpectedly")
            error.__cause__ = error_cause
            raise error
        return reading_from()

    return read


def test_without_replicas_reads_run_on_the_primary():
    assert on_a_replica(reading_from) == DEFAULT_DB_ALIAS


def test_reads_take_the_replicas_in_turn_and_leave_the_primary_outside(two_replicas):
    assert {on_a_replica(reading_from) for _ in range(4)} == {"replica_1", "replica_2"}
    assert reading_from() == DEFAULT_DB_ALIAS


def test_a_failing_replica_is_left_out_and_the_reads_run_again_on_the_primary(one_replica):
    assert on_a_replica(broken()) == DEFAULT_DB_ALIAS
    # Left out: the next units go straight to the primary, without trying it again…
    assert on_a_replica(reading_from) == DEFAULT_DB_ALIAS
    # …until its time is up.
    replicas._left_out_until["replica_1"] = 0.0
    assert on_a_replica(reading_from) == "replica_1"


def test_with_one_replica_left_out_the_other_takes_every_read(two_replicas):
    replicas.leave_out("replica_1", OperationalError("down"))
    assert {on_a_replica(reading_from) for _ in range(4)} == {"replica_2"}


def test_a_busy_replica_is_an_outage_not_a_reason_to_read_twice(two_replicas):
    with pytest.raises(OperationalError):
        on_a_replica(broken(QueryCanceled("canceling statement due to statement timeout")))
    assert replicas._left_out_until == {}


def test_the_router_sends_writes_to_the_primary_and_reads_where_the_unit_reads(two_replicas):
    router = ReplicaRouter()
    assert router.db_for_read(Session) is None  # Django's default: the primary
    assert on_a_replica(lambda: router.db_for_read(Session)) in ("replica_1", "replica_2")
    assert on_a_replica(lambda: router.db_for_write(Session)) == DEFAULT_DB_ALIAS
    assert router.allow_migrate("replica_1", "sessions_app") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "sessions_app") is True
