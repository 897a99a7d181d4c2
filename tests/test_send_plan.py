"""The plan of a sending run: who gets what, and who is skipped and why."""

from __future__ import annotations

import pytest

from wiccli.mail.delivery import Pace


class Clock:
    """A clock that only moves when slept on, or when told to."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("per_minute", "interval"), [(30, 2.0), (600, 0.1), (0.5, 120.0),
                                                      (None, 0.0), (0, 0.0)])
def test_a_rate_is_an_interval_between_messages(per_minute: float | None,
                                                interval: float) -> None:
    assert Pace(per_minute).interval() == pytest.approx(interval)


def test_the_first_message_goes_at_once_and_the_next_after_the_interval() -> None:
    clock = Clock()
    pace = Pace(30, clock.sleep, clock)
    first = pace.wait(None)
    assert (first, clock.slept) == (100.0, [])
    clock.now += 0.5  # sending the first took half a second
    second = pace.wait(first)
    assert clock.slept == [pytest.approx(1.5)]
    assert second == pytest.approx(102.0)
    clock.now += 5.0  # the second took longer than the interval: no wait for the third
    assert pace.wait(second) == pytest.approx(107.0)
    assert clock.slept == [pytest.approx(1.5)]


def test_without_a_rate_nothing_waits() -> None:
    clock = Clock()
    pace = Pace(None, clock.sleep, clock)
    assert [pace.wait(last) for last in (None, 100.0, 100.0)] == [100.0, 100.0, 100.0]
    assert clock.slept == []
