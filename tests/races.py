"""Replaying a check-then-insert race deterministically, on SQLite and on PostgreSQL.

Two requests find the same thing free (a name, a version number, a year) and both insert it.
:func:`rival_commits_first` makes the other request win at exactly the worst moment: just before
this request sends its INSERT (or UPDATE), after every check it made, the rival request runs in
full in another app on the same database (another gunicorn worker, with its own connection) and
commits. The late request must then answer as a request that came second does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask.testing import FlaskClient
from sqlalchemy import event

from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.journey.models import StepState, StepSubmission
from impactnet.organisations.models import OrganisationStatus
from tests.helpers import login_client


def rival_client(rival_app, user) -> FlaskClient:
    """A client of the rival app signed in as ``user``.

    A plain FlaskClient: the rival's request runs while this process's request is in progress,
    and the suite's client would clear that request's ``g``.
    """
    client = FlaskClient(rival_app, rival_app.response_class, use_cookies=True)
    login_client(client, user)
    return client


WRITE = ("INSERT", "UPDATE", "DELETE")


@contextmanager
def rival_commits_first(statement_start: str | tuple[str, ...], rival: Callable[[], object]) -> Iterator[list[str]]:
    """Inside the block, run ``rival`` (a request through :func:`rival_client`) just before this
    app's first statement that starts with ``statement_start`` (e.g. ``"INSERT INTO users"``, or
    ``WRITE`` for whichever write comes first).

    On SQLite that must be the request's first write: once it holds the write lock, the rival
    could not commit. Yields the statement it fired before (none when it never fired: the test
    would prove nothing, so tests assert it did).
    """
    engine = db.engine  # this app's engine only: the rival's statements go through its own
    fired: list[str] = []
    prefix = tuple(s.upper() for s in ((statement_start,) if isinstance(statement_start, str) else statement_start))

    def before(connection, cursor, statement, parameters, context, executemany):
        if not fired and statement.lstrip().upper().startswith(prefix):
            fired.append(statement)
            rival()

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield fired
    finally:
        event.remove(engine, "before_cursor_execute", before)


def approved_before(organisation, step_key: str) -> None:
    """Every step before ``step_key`` approved earlier (and so every progress row exists)."""
    for progress in journey.progress_list(organisation):
        if progress.step.key == step_key:
            break
        progress.submissions.append(
            StepSubmission(
                number=1, state=StepState.APPROVED, statement="Eerder", submitted_at=utcnow(), decided_at=utcnow()
            )
        )
        progress.state = StepState.APPROVED
    organisation.status = OrganisationStatus.PARTNER
    db.session.commit()


def expect(response, status: int):
    """The rival's response, which must be the winner's ``status``."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    return response


def at_once(*requests: Callable[[], object], timeout: float = 20) -> list:
    """Run each request in its own thread, released together by a barrier; their results in order
    (re-raising the first error). For real races on PostgreSQL: each thread's test client gets its
    own app context, hence its own session and connection."""
    ready = threading.Barrier(len(requests), timeout=timeout)
    results: list = [None] * len(requests)
    errors: list[BaseException] = []

    def run(index: int, request: Callable[[], object]) -> None:
        try:
            ready.wait()
            results[index] = request()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, r), daemon=True) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    if errors:
        raise errors[0]
    return results
