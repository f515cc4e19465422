"""A witness of committed transactions that outlives the journal.

A command closes its database when it ends and, as the last ikmtui to close it, folds the journal into the file:
counting journal lines after ``cli.main`` no longer shows how many transactions a command made. This counts the
commits themselves, per database file, while the ``count_commits`` fixture is in use (import it into a module).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from ikmtui.storage.database import Database, Transaction, resolve

_COUNTS: Counter[Path] = Counter()


@pytest.fixture
def count_commits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    original = Database._commit

    def counting(self: Database, txn: Transaction) -> None:
        original(self, txn)
        _COUNTS[self.path] += 1

    _COUNTS.clear()
    monkeypatch.setattr(Database, "_commit", counting)
    yield
    _COUNTS.clear()


def committed(db_path: str | os.PathLike[str]) -> int:
    """How many transactions were committed to the database at ``db_path`` since ``count_commits`` began."""
    return _COUNTS[resolve(db_path)]
