# Copyright 2026 kam_management developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Batches that meet a concurrent transaction: retried, or left to a later run.

Odoo runs its transactions in REPEATABLE READ: a transaction that writes a row
another one changed and committed after its snapshot fails with a
serialization failure, whoever the other one is (a user's contact log, a cron
on another server). Retrying in the same transaction meets the same snapshot
and fails again: a retry starts a new transaction, which only a caller that
may commit (a cron) can do. A request lets the error go up: Odoo's RPC layer
replays the whole request on a fresh snapshot.
"""

import logging
import random
import time

import psycopg2.errors

_logger = logging.getLogger(__name__)

# What a new transaction may resolve: a row changed under the snapshot, a
# deadlock, a lock not obtained in time.
CONCURRENCY_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.LockNotAvailable,
)
# Plus a unique key another transaction inserted after the snapshot (a
# follower subscribed at the same moment): retried, but when it outlives the
# retries it is a bad record for the caller's isolation, not a conflict.
RETRY_ERRORS = (*CONCURRENCY_ERRORS, psycopg2.errors.UniqueViolation)
ATTEMPTS = 3


def run_with_retry(env, function, what, commit=False, attempts=ATTEMPTS):
    """``function()`` in a savepoint; True once it went through.

    On a conflict with a concurrent transaction, the savepoint is rolled back
    and, when ``commit`` allows it, the transaction is committed (what was done
    before stays done) so that the next attempt reads a fresh snapshot, after a
    short random pause. False when the conflict outlived the attempts (or
    could not be retried): nothing of the attempt was kept and the caller
    reschedules it. A unique violation that outlives them, and any other
    error, is raised.
    """
    attempts = attempts if commit else 1
    for attempt in range(1, attempts + 1):
        try:
            with env.cr.savepoint():
                function()
            if attempt > 1:
                _logger.info("%s: done at attempt %s of %s", what, attempt, attempts)
            return True
        except RETRY_ERRORS as error:
            env.invalidate_all()
            last = attempt == attempts
            if last and not isinstance(error, CONCURRENCY_ERRORS):
                raise
            reason = error.pgerror.strip() if error.pgerror else type(error).__name__
            if last:
                _logger.warning(
                    "%s: conflict with a concurrent transaction (%s) after %s attempt(s); "
                    "left to a later run", what, reason, attempt,
                )
                return False
            _logger.info(
                "%s: conflict with a concurrent transaction (%s); retrying in a new "
                "transaction (attempt %s of %s)", what, reason, attempt + 1, attempts,
            )
            env.cr.commit()  # pylint: disable=invalid-commit
            time.sleep(0.2 * attempt + random.random() * 0.3)  # spread the retries
    return False
