"""Bad input to the metrics: every metric refuses what mae refuses.

NaN or inf in a forecast used to give NaN (smape, mase) or count as a wrong
direction (directional_accuracy: 0.5 for one NaN in two forecasts); now
they raise like :func:`skseq.metrics.mae`. Wrong parameters are named.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.utils._param_validation import InvalidParameterError

from skseq.metrics import (
    diebold_mariano,
    directional_accuracy,
    mae,
    mase,
    rmse,
    smape,
)

Y_TRUE = [1.0, 2.0, 3.0, 4.0]
METRICS = {
    "mae": mae,
    "rmse": rmse,
    "smape": smape,
    "mase": mase,
    "directional_accuracy": directional_accuracy,
}


@pytest.mark.parametrize("name", sorted(METRICS))
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["y_true", "y_pred"])
def test_non_finite_values_raise_like_mae(name, bad, where):
    clean, dirty = list(Y_TRUE), list(Y_TRUE)
    dirty[1] = bad
    y_true, y_pred = (dirty, clean) if where == "y_true" else (clean, dirty)
    # mae (scikit-learn) says "Input contains NaN"; the others name the input.
    named = "" if name in ("mae", "rmse") else f"{where} "
    with pytest.raises(ValueError, match=f"Input {named}contains (NaN|infinity)"):
        METRICS[name](y_true, y_pred)


@pytest.mark.parametrize("name", sorted(METRICS))
def test_shape_mismatch_raises_like_mae(name):
    with pytest.raises(ValueError):
        METRICS[name]([1.0, 2.0, 3.0], [1.0, 2.0])


@pytest.mark.parametrize("name", sorted(METRICS))
def test_bad_multioutput_is_named(name):
    with pytest.raises(
        InvalidParameterError, match=f"'multioutput' parameter of {name}"
    ):
        METRICS[name](Y_TRUE, Y_TRUE, multioutput="mean")


def test_directional_accuracy_refuses_a_bad_last_value():
    with pytest.raises(ValueError, match="Input y_last contains NaN"):
        directional_accuracy([1.0, 2.0], [1.5, 2.5], y_last=[1.0, np.nan])


def test_mase_scaling_series_rules():
    # NaN in the training series is skipped by the naive error...
    with_gap = [1.0, 2.0, np.nan, 4.0, 6.0]
    assert mase([3.0], [4.0], y_train=with_gap) == pytest.approx(1.0 / 1.5)
    # ...but a series with no pair of observed neighbours cannot scale.
    with pytest.raises(ValueError, match="no pair of observed values"):
        mase([3.0], [4.0], y_train=[1.0, np.nan, 2.0])
    with pytest.raises(ValueError, match="Input y_train contains infinity"):
        mase([3.0], [4.0], y_train=[1.0, np.inf, 2.0])
    # Zero denominators: a constant training series.
    with pytest.warns(UndefinedMetricWarning, match="NaN \\(0/0\\)"):
        values = mase(
            [[3.0, 3.0]], [[3.0, 4.0]], y_train=[5.0, 5.0], multioutput="raw_values"
        )
    assert np.isnan(values[0]) and values[1] == np.inf
    with pytest.raises(InvalidParameterError, match="'season' parameter of mase"):
        mase(Y_TRUE, Y_TRUE, season=1.5)


def test_smape_zero_over_zero_is_a_perfect_forecast():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert smape([0.0, 2.0], [0.0, 2.0]) == 0.0
        assert smape([0.0], [1.0]) == 200.0


def test_diebold_mariano_parameters_are_named():
    e = np.array([1.0, -1.0, 0.5, 2.0, 0.1])
    for kwargs, name in [
        ({"horizon": 0}, "horizon"),
        ({"horizon": 1.0}, "horizon"),
        ({"alternative": "bigger"}, "alternative"),
        ({"loss": 2}, "loss"),
    ]:
        with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
            diebold_mariano(e, e[::-1], **kwargs)
    # numpy integers are integers
    res = diebold_mariano(e, e[::-1] * 2, horizon=np.int64(2))
    assert 0.0 <= res.pvalue <= 1.0
