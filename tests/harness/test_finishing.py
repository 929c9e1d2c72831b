"""The finishing guard: the first SIGINT/SIGTERM waits for the block, a second stops at once, handlers come back."""

from __future__ import annotations

import os
import signal
import threading

import pytest

from harness.finishing import FINISHING_NOTICE, StoppedAfterFinishing, finishing


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_first_signal_lets_the_block_finish_then_stops(signum: int, capfd: pytest.CaptureFixture[str]) -> None:
    before = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    finished = False
    with pytest.raises(StoppedAfterFinishing), finishing():
        os.kill(os.getpid(), signum)
        finished = True
    assert finished
    assert capfd.readouterr().err == FINISHING_NOTICE + "\n"
    assert {number: signal.getsignal(number) for number in before} == before


def test_a_second_signal_stops_the_block_at_once() -> None:
    reached = []
    with pytest.raises(KeyboardInterrupt) as stopped, finishing():
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)
        reached.append("after the second signal")
    assert not isinstance(stopped.value, StoppedAfterFinishing)
    assert reached == []
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_without_a_signal_the_block_ends_normally() -> None:
    with finishing():
        value = 1
    assert value == 1 and signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_outside_the_main_thread_the_block_runs_without_taking_signals() -> None:
    seen: list[object] = []

    def work() -> None:
        with finishing():
            seen.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [signal.default_int_handler]
