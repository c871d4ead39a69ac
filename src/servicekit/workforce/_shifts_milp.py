"""The one door to the solver: mixed-integer programmes handed to SciPy's ``milp``.

Shift plans and rosters are built here as sparse rows and solved by HiGHS through
``scipy.optimize.milp``; servicekit never searches for a solution itself. SciPy is
imported only when a programme is solved, so ``import servicekit.workforce`` works
without the ``planning`` extra and only solving says what to install. This module must
never read a clock (the solver's time limit is the caller's), print, or keep state
between solves.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Final

import attrs

from servicekit._vocabulary import NamedEnum
from servicekit.errors import MissingExtraError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

__all__ = ["Model", "Solution", "SolveStatus", "load_scipy"]

# scipy.optimize.milp's status for a programme with no solution at all.
_INFEASIBLE: Final = 2
_INSTALL: Final = (
    "shift plans and rosters are solved with SciPy's milp (HiGHS), which is not "
    "installed; install it with pip install 'servicekit[planning]'"
)


class SolveStatus(NamedEnum):
    """How the solver ended: a proven optimum, or the best found within a time limit.

    Examples:
        >>> from servicekit.workforce import SolveStatus
        >>> SolveStatus.parse("optimal")
        <SolveStatus.OPTIMAL: 'optimal'>
    """

    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"


def load_scipy() -> tuple[Any, Any]:
    """Return ``(scipy.optimize, scipy.sparse)``, or say which extra installs them.

    Raises:
        MissingExtraError: SciPy is not installed.
    """
    try:
        from scipy import optimize, sparse  # noqa: PLC0415 -- only a solve needs it
    except ImportError:
        raise MissingExtraError(_INSTALL) from None
    return optimize, sparse


@attrs.frozen
class Solution:
    """What a solve found: values per variable (None when there is no solution)."""

    values: tuple[float, ...] | None
    status: SolveStatus | None
    objective: float
    infeasible: bool = False


@attrs.define
class Model:
    """A minimisation programme built row by row (internal; never public)."""

    cost: list[float] = attrs.field(factory=list)
    lower: list[float] = attrs.field(factory=list)
    upper: list[float] = attrs.field(factory=list)
    integer: list[int] = attrs.field(factory=list)
    rows: list[int] = attrs.field(factory=list)
    cols: list[int] = attrs.field(factory=list)
    coefs: list[float] = attrs.field(factory=list)
    row_lower: list[float] = attrs.field(factory=list)
    row_upper: list[float] = attrs.field(factory=list)

    def variable(
        self,
        cost: float,
        *,
        upper: float = math.inf,
        integer: bool = True,
    ) -> int:
        """Add a variable in ``[0, upper]``; return its index."""
        self.cost.append(cost)
        self.lower.append(0.0)
        self.upper.append(upper)
        self.integer.append(1 if integer else 0)
        return len(self.cost) - 1

    def constrain(
        self,
        terms: Iterable[tuple[int, float]],
        *,
        lower: float = -math.inf,
        upper: float = math.inf,
    ) -> None:
        """Add the row ``lower <= sum(coef * x[var]) <= upper``."""
        row = len(self.row_lower)
        for var, coef in terms:
            self.rows.append(row)
            self.cols.append(var)
            self.coefs.append(coef)
        self.row_lower.append(lower)
        self.row_upper.append(upper)

    def solve(
        self,
        time_limit: dt.timedelta | None = None,
        *,
        cost: list[float] | None = None,
        upper: list[float] | None = None,
    ) -> Solution:
        """Solve with HiGHS; ``cost`` and ``upper`` override this solve only.

        They replace the objective and the variables' upper bounds.

        Raises:
            MissingExtraError: SciPy is not installed.
        """
        optimize, sparse = load_scipy()
        n = len(self.cost)
        if n == 0:
            # HiGHS refuses an empty programme; with nothing to choose, it is solved.
            ok = all(
                lo <= 0 <= hi
                for lo, hi in zip(self.row_lower, self.row_upper, strict=True)
            )
            return (
                Solution((), SolveStatus.OPTIMAL, 0.0)
                if ok
                else Solution(None, None, math.inf, infeasible=True)
            )
        options: dict[str, Any] = {"disp": False}
        if time_limit is not None:
            options["time_limit"] = time_limit.total_seconds()
        constraints = []
        if self.row_lower:
            matrix = sparse.csr_array(
                (self.coefs, (self.rows, self.cols)),
                shape=(len(self.row_lower), n),
            )
            constraints.append(
                optimize.LinearConstraint(matrix, self.row_lower, self.row_upper)
            )
        result = optimize.milp(
            cost if cost is not None else self.cost,
            integrality=self.integer,
            bounds=optimize.Bounds(
                self.lower, upper if upper is not None else self.upper
            ),
            constraints=constraints,
            options=options,
        )
        if result.x is None:
            return Solution(
                None, None, math.inf, infeasible=result.status == _INFEASIBLE
            )
        status = SolveStatus.OPTIMAL if result.status == 0 else SolveStatus.TIME_LIMIT
        values = tuple(float(x) for x in result.x)
        return Solution(values, status, float(result.fun))


def whole(x: float) -> int:
    """Return a solver's integer variable as an ``int`` (it reports floats)."""
    return round(x)
