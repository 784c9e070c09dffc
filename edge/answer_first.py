"""A webhook's answer first, then the work its commit left: Twilio waits for the TwiML, not for
the jobs it queues (a recorded service's faxes and state-file message, about a millisecond each
on Redis, or a whole fax with in-process jobs).

The work is the same as before and runs in the same worker, once the server has sent the answer
and closes the response. What a crash in between would lose, the outbox sweeper queues again,
as it does for a crash between the commit and the queueing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response

from core.db import held_after_commit


def answer_first(view: Callable[..., Response]) -> Callable[..., Response]:
    """Run the view's after-commit work once its response has been sent (a view that fails
    runs the work of what it did commit straight away)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        with held_after_commit() as held:
            try:
                response = view(*args, **kwargs)
            except BaseException:
                _run(held)
                raise
        if held:
            response.call_on_close(lambda: _run(held))
        return response

    return wrapper


def _run(held: list[Callable[[], None]]) -> None:
    for action in held:
        action()
