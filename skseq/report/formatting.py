"""Number and text formats of the report: one format per kind of number."""

from __future__ import annotations

from typing import Any

import numpy as np

from .results import ModelResult

__all__ = [
    "accuracy_text",
    "fmt_number",
    "fmt_params",
    "fmt_percent",
    "fmt_pvalue",
    "mean_score",
]


def fmt_number(value: Any, digits: int = 4) -> str:
    """Four significant digits; scientific notation for very large or small values;
    ``n/a`` for NaN."""
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return "n/a"
        if value != 0 and (abs(value) >= 1e5 or abs(value) < 1e-3):
            return f"{value:.{digits - 1}e}"
        return f"{value:.{digits}g}"
    return str(value)


def fmt_pvalue(value: float) -> str:
    """A p-value with 3 decimals, ``<1e-4`` below that, ``n/a`` for NaN."""
    if value is None or np.isnan(value):
        return "n/a"
    if value < 1e-4:
        return "<1e-4"
    return f"{value:.3f}"


def fmt_params(params: dict[str, Any]) -> str:
    """``key=value`` pairs of a parameter dict, ``(none)`` for an empty one."""
    return ", ".join(f"{k}={v}" for k, v in params.items()) or "(none)"


def mean_score(result: ModelResult, metric: str) -> float:
    """Mean of a test metric over the horizon steps (NaN steps ignored)."""
    values = np.asarray(result.test[metric], dtype=float)
    return float(np.nanmean(values)) if not np.all(np.isnan(values)) else np.nan


def fmt_percent(value: float) -> str:
    """A fraction as a percentage with one decimal."""
    return "n/a" if value is None or np.isnan(value) else f"{100 * value:.1f} %"


def accuracy_text(m: ModelResult) -> str:
    """Test accuracy, with the spread over seeds when there is one."""
    if "accuracy_sd" in m.test:
        return f"{m.test['accuracy']:.3f} ± {m.test['accuracy_sd']:.3f}"
    return f"{m.test['accuracy']:.3f}"
