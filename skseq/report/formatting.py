"""Number and text formats of the report: one format per kind of number.

Every numeric column of a table is formatted by one of these, so a column
never changes its number of decimals: :func:`fixed_column` chooses the
decimals once for the whole column, p-values always read ``<0.001`` or three
decimals, accuracies three decimals, percentages one, seconds one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .results import ModelResult

__all__ = [
    "NA",
    "accuracy_text",
    "column_decimals",
    "fixed_column",
    "fmt_accuracy",
    "fmt_change",
    "fmt_fixed",
    "fmt_number",
    "fmt_params",
    "fmt_percent",
    "fmt_pvalue",
    "fmt_seconds",
    "mean_score",
]

#: What a missing or undefined number reads as.
NA = "n/a"


def _missing(value: Any) -> bool:
    return value is None or (
        isinstance(value, (float, np.floating)) and np.isnan(value)
    )


def column_decimals(values: Sequence[float], significant: int = 4) -> int:
    """Decimals that give the column's largest value ``significant`` digits.

    Parameters
    ----------
    values : sequence of float
        The column (NaN and infinite values are ignored).
    significant : int, default=4

    Returns
    -------
    int
        Between 0 and 6.
    """
    finite = [abs(float(v)) for v in values if not _missing(v) and np.isfinite(v)]
    largest = max(finite, default=0.0)
    if largest == 0.0:
        return 2
    digits_before = math.floor(math.log10(largest)) + 1
    return int(min(6, max(0, significant - digits_before)))


def fmt_fixed(value: Any, decimals: int) -> str:
    """``value`` with exactly ``decimals`` decimals (``n/a`` for NaN or None)."""
    if _missing(value):
        return NA
    return f"{float(value):.{decimals}f}"


def fixed_column(values: Sequence[float], significant: int = 4) -> list[str]:
    """Format a whole column with one number of decimals.

    Parameters
    ----------
    values : sequence of float
    significant : int, default=4
        Significant digits of the column's largest value.

    Returns
    -------
    list of str

    Examples
    --------
    >>> fixed_column([1.2734, 0.5, float("nan")])
    ['1.273', '0.500', 'n/a']
    """
    decimals = column_decimals(values, significant)
    return [fmt_fixed(v, decimals) for v in values]


def fmt_number(value: Any, digits: int = 4) -> str:
    """A number in running text: ``digits`` significant digits."""
    if _missing(value):
        return NA
    if isinstance(value, (float, np.floating)):
        return f"{value:.{digits}g}"
    return str(value)


def fmt_pvalue(value: Any) -> str:
    """A p-value: ``<0.001`` or three decimals (``n/a`` for NaN)."""
    if _missing(value):
        return NA
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def fmt_accuracy(value: Any) -> str:
    """An accuracy (a fraction) with three decimals."""
    return fmt_fixed(value, 3)


def fmt_percent(value: Any) -> str:
    """A fraction as a percentage with one decimal: ``0.8`` -> ``80.0 %``."""
    return NA if _missing(value) else f"{100 * value:.1f} %"


def fmt_change(ratio: Any) -> str:
    """A ratio as a signed change: ``0.97`` -> ``-3.0 %``."""
    return NA if _missing(ratio) else f"{100 * (ratio - 1):+.1f} %"


def fmt_seconds(value: Any) -> str:
    """Seconds with one decimal."""
    return fmt_fixed(value, 1)


def fmt_params(params: dict[str, Any]) -> str:
    """``key=value`` pairs of a parameter dict, ``(none)`` for an empty one."""
    return ", ".join(f"{k}={v}" for k, v in params.items()) or "(none)"


def mean_score(result: ModelResult, metric: str) -> float:
    """Mean of a test metric over the horizon steps (NaN steps ignored)."""
    values = np.asarray(result.test[metric], dtype=float)
    return float(np.nanmean(values)) if not np.all(np.isnan(values)) else np.nan


def accuracy_text(m: ModelResult) -> str:
    """Test accuracy, with the spread over seeds when there is one."""
    if "accuracy_sd" in m.test:
        return f"{m.test['accuracy']:.3f} ± {m.test['accuracy_sd']:.3f}"
    return f"{m.test['accuracy']:.3f}"
