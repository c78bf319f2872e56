"""The import commands' one-line progress on a terminal, and silence elsewhere."""

from __future__ import annotations

import io

import pytest

from placement_desk.commands.terminal import terminal_progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_rewrites_one_line_and_wipes_it_at_the_end() -> None:
    out = Terminal()
    with terminal_progress(unit="bytes", stream=out) as state:
        state.progress("Reading the lookup", 1200, 5050)
    assert out.getvalue() == "\rReading the lookup: 1,200 of 5,050 bytes\033[K\r\033[K"


def test_the_line_is_wiped_even_when_the_work_fails() -> None:
    out = Terminal()
    with pytest.raises(ValueError), terminal_progress(stream=out) as state:
        state.progress("Importing", 1, 2)
        raise ValueError("stopped")
    assert out.getvalue().endswith("\r\033[K")


@pytest.mark.parametrize("quiet, stream", [(True, Terminal()), (False, io.StringIO())])
def test_nothing_is_printed_when_quiet_or_not_a_terminal(quiet: bool, stream: io.StringIO) -> None:
    with terminal_progress(quiet=quiet, stream=stream) as state:
        state.progress("Importing", 1, 2)
    assert stream.getvalue() == ""
