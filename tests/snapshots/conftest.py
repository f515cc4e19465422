from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.timezone import time_zone


@pytest.fixture(autouse=True)
def _utc() -> Iterator[None]:
    """Screens show times in local time: the snapshots were drawn in UTC, whatever zone the machine is in."""
    with time_zone("UTC"):
        yield
