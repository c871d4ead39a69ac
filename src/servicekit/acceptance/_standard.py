"""The standard service process: the default workflow with what our users' plans add.

[`STANDARD_PROCESS`][] is data, built from ``DEFAULT_PROCESS`` with
``Process.extended`` the way a team would build its own: the customer may reject or
amend the confirmation sheet before its deadline, which opens a window for a revised
sheet. Every window here is a default a team changes with ``Process.with_window``.
This module holds no rule of the fold: only rows, states and windows.
"""

from __future__ import annotations

from typing import Final

from servicekit.acceptance._process import DEFAULT_PROCESS, Process, State, Transition
from servicekit.acceptance._state import ObligationRule

__all__ = ["STANDARD_PROCESS"]

_REVISED_SHEET: Final = State(
    name="awaiting_revised_sheet",
    owes=ObligationRule(party="team", what="send_revised_sheet", days=1),
)

STANDARD_PROCESS: Final[Process] = DEFAULT_PROCESS.extended(
    name="standard",
    states=[_REVISED_SHEET],
    transitions=[
        # Early rejection or amendment: the team owes a revised sheet, within one
        # business day, instead of waiting for the confirmation window to lapse.
        Transition(
            source="awaiting_confirmation",
            on="SheetRejected",
            target="awaiting_revised_sheet",
        ),
        Transition(
            source="awaiting_confirmation",
            on="SheetAmended",
            target="awaiting_revised_sheet",
        ),
        Transition(
            source="awaiting_revised_sheet",
            on="SheetSent",
            target="awaiting_confirmation",
        ),
        Transition(source="awaiting_revised_sheet", on="Cancelled", target="cancelled"),
    ],
)
"""The standard service process (a ``Process``): see ``docs/processes.md``."""
