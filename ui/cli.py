"""The ``kezek`` command: the core's headless commands, plus printing and window commands.

Qt is imported only when a window opens, so headless commands start fast and run on a
machine without a display.
"""

from __future__ import annotations

from collections.abc import Sequence

from kiosk import cli as core_cli


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kezek`` console script."""
    parser, _commands = core_cli.build_parser()
    return core_cli.run(parser, argv)
