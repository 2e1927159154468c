"""scikit-learn's estimator checks over every public skseq estimator.

Every class from :func:`skseq.utils.discovery.all_estimators` gets a tiny
instance here (``test_every_estimator_has_an_instance`` keeps the list
complete) and runs all of scikit-learn's checks. The checks expected to fail
are in ONE table, :data:`EXPECTED_FAILURES`, each with its reason and whether
it always fails (``strict``: an unexpected pass is then an error, so the table
cannot go stale) or only sometimes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

import pytest
from sklearn.base import is_classifier
from sklearn.utils.estimator_checks import estimator_checks_generator

from skseq import (
    GRUClassifier,
    GRURegressor,
    LagsToSequence,
    LastSteps,
    LSTMClassifier,
    LSTMRegressor,
    RecurrentClassifier,
    RecurrentRegressor,
    RecursiveRegressor,
    ResampleSequences,
    RNNClassifier,
    RNNRegressor,
    Seq2SeqRegressor,
    SequenceScaler,
    SlidingWindows,
)
from skseq.baselines import (
    ARIMARegressor,
    ExponentialSmoothingRegressor,
    SeasonalNaiveRegressor,
)
from skseq.estimators._base import RecurrentEstimatorMixin
from skseq.utils.discovery import all_estimators

# Tiny networks and few epochs keep the checks fast; lr is raised so that the
# checks' "must learn the training set" thresholds are met in those epochs.
SMALL = dict(hidden_size=16, max_epochs=30, lr=0.03, batch_size=64, random_state=0)

# The parameters of each class's instance (defaults where absent).
INSTANCE_PARAMS: dict[type, dict] = {
    RecurrentRegressor: dict(cell="lstm", **SMALL),
    RecurrentClassifier: dict(cell="gru", **SMALL),
    RecursiveRegressor: dict(estimator=LSTMRegressor(**SMALL)),
    SlidingWindows: dict(lookback=3),
    **{
        cls: SMALL
        for cls in (
            RNNRegressor,
            LSTMRegressor,
            GRURegressor,
            Seq2SeqRegressor,
            RNNClassifier,
            LSTMClassifier,
            GRUClassifier,
        )
    },
}

# Instances beyond one per class, for behaviour the defaults do not reach
# (trends and damping of the statistical baselines are covered by their
# comparisons with statsmodels in test_baselines.py).
EXTRA_INSTANCES = [
    SeasonalNaiveRegressor(season=2),
    RecurrentRegressor(cell="lstm", normalize="global", **SMALL),
    # Attention head, downsampling convolutions and class weights.
    RecurrentClassifier(
        head="attention",
        conv_channels=(8,),
        conv_mode="before",
        conv_strides=2,
        class_weight="balanced",
        **SMALL,
    ),
]


def _instance(name: str, cls: type):
    try:
        return cls(**INSTANCE_PARAMS.get(cls, {}))
    except TypeError as exc:
        raise TypeError(
            f"{name} cannot be built with its defaults: give it tiny parameters "
            "in INSTANCE_PARAMS of tests/test_common.py."
        ) from exc


def _instances() -> list:
    return [_instance(name, cls) for name, cls in all_estimators()] + [*EXTRA_INSTANCES]


# -- which estimators an expected failure applies to -----------------------


def _takes_windows(est) -> bool:
    # SlidingWindows takes one series, LagsToSequence a 2-D table of lags:
    # both count columns as sklearn does.
    return not isinstance(est, (SlidingWindows, LagsToSequence))


def _is_estimator(est) -> bool:
    return not hasattr(est, "transform")


def _front_padding_only(est) -> bool:
    """Accepts NaN only as front padding: the estimators, and the transformers
    that read the real steps instead of passing NaN through."""
    return _is_estimator(est) or isinstance(est, ResampleSequences)


def _resizes_time_axis(est) -> bool:
    """Reads 2-D X as univariate windows of any length."""
    return isinstance(est, (SequenceScaler, LastSteps, ResampleSequences))


def _is_network(est) -> bool:
    return isinstance(est, RecurrentEstimatorMixin)


def _runs_a_network(est) -> bool:
    """A network, or a meta-estimator (RecursiveRegressor) around one."""
    return _is_network(getattr(est, "estimator", est))


def _refuses_unequal_weights(est) -> bool:
    return isinstance(est, (ARIMARegressor, ExponentialSmoothingRegressor))


def _window_normalized(est) -> bool:
    inner = getattr(est, "estimator", est)
    return _is_network(inner) and getattr(inner, "normalize", None) == "window"


def _long_season(est) -> bool:
    return isinstance(est, SeasonalNaiveRegressor) and est.season > 1


class Expected(NamedTuple):
    """One row of the table: a check expected to fail and why."""

    check: str
    applies: Callable[[object], bool]
    strict: bool
    reason: str


N_FEATURES_REASON = (
    "n_features_in_ counts features per time step (skseq's convention), and "
    "2-D X is univariate sequences (n_samples, n_timesteps): it is 1, not "
    "X.shape[1], and the number of time steps may change between fit and "
    "predict by design (variable-length sequences)."
)
FLOAT32_REASON = (
    "the networks compute in float32: a sample's prediction can differ in the "
    "last bits (about 1e-7) with the batch it is computed in, while the check "
    "asks for atol=1e-7; seen on some cells and some torch builds only."
)

EXPECTED_FAILURES: list[Expected] = [
    Expected("check_n_features_in", _takes_windows, True, N_FEATURES_REASON),
    Expected(
        "check_n_features_in_after_fitting", _takes_windows, True, N_FEATURES_REASON
    ),
    Expected(
        "check_estimators_nan_inf",
        _front_padding_only,
        True,
        "NaN at the start of a sequence is front padding (a shorter sequence) "
        "by design, and the check plants its NaN at X[0, 0], the first time "
        "step. inf anywhere and NaN elsewhere raise ValueError "
        "(test_input_validation.py, test_baselines.py).",
    ),
    Expected(
        "check_classifiers_train",
        is_classifier,
        True,
        "besides accuracy (> 0.83, which the classifiers reach: "
        "test_estimators.py::test_classifiers_learn_blobs), the check predicts "
        "with fewer 2-D columns and expects an error; " + N_FEATURES_REASON,
    ),
    Expected(
        "check_transformer_general",
        _resizes_time_axis,
        True,
        "the check transforms 2-D X with fewer columns and expects an error, "
        "but 2-D input is univariate windows: fewer time steps is valid input "
        "for a per-feature scaler, for keeping the newest steps and for "
        "resampling.",
    ),
    Expected(
        "check_sample_weight_equivalence_on_dense_data",
        _is_network,
        False,
        "the networks compute in float32: weights of 0 equal dropping samples "
        "and integer weights equal repeating them only to about 1e-5 relative "
        "(test_sample_weight.py checks that), while the check asks for 1e-7 "
        "(some cells meet it by chance, so non-strict).",
    ),
    Expected(
        "check_sample_weight_equivalence_on_dense_data",
        _refuses_unequal_weights,
        True,
        "statsmodels' ARIMA and ETS likelihoods have no observation weights: "
        "only weights of 0 (dropped windows) and equal weights are accepted, "
        "the check's integer weights raise ValueError by design.",
    ),
    Expected(
        "check_sample_weights_not_overwritten",
        _refuses_unequal_weights,
        True,
        "unequal weights raise ValueError by design (no weighted likelihood "
        "in statsmodels), and the check uses weights of 1 and 10.",
    ),
    Expected("check_methods_subset_invariance", _runs_a_network, False, FLOAT32_REASON),
    Expected(
        "check_methods_sample_order_invariance", _runs_a_network, False, FLOAT32_REASON
    ),
    Expected(
        "check_methods_subset_invariance",
        lambda est: isinstance(est, SlidingWindows),
        True,
        "a window is made of a row and the rows before it: transforming a "
        "subset of the rows gives other windows by design (causal windows "
        "need their history).",
    ),
    Expected(
        "check_methods_sample_order_invariance",
        lambda est: isinstance(est, SlidingWindows),
        True,
        "the rows of a series are ordered in time: permuting them permutes "
        "the history inside every window, by design.",
    ),
    Expected(
        "check_regressors_train",
        _window_normalized,
        False,
        "the check's 2-D X is a table read as univariate sequences; "
        "normalize='window' (the regressors' default) centres every sequence "
        "on its last value and scales it by its own spread, which throws away "
        "most of the per-row levels this tabular target depends on (some "
        "cells pass anyway, so non-strict). The same estimator with "
        "normalize='global' passes (an extra instance).",
    ),
    Expected(
        "check_fit2d_1feature",
        _long_season,
        True,
        "windows of one time step are shorter than the season: a ValueError by design.",
    ),
]


def _check_name(check) -> str:
    func = check.func if isinstance(check, functools.partial) else check
    return func.__name__


def expected_failure(estimator, check_name: str) -> Expected | None:
    """The table's row for this estimator and check, or None."""
    rows = [
        row
        for row in EXPECTED_FAILURES
        if row.check == check_name and row.applies(estimator)
    ]
    assert len(rows) <= 1, f"two table rows for {check_name} on {estimator!r}"
    return rows[0] if rows else None


def _cases():
    for estimator in _instances():
        extra = any(estimator is e for e in EXTRA_INSTANCES)
        label = repr(estimator) if extra else type(estimator).__name__
        for est, check in estimator_checks_generator(estimator, legacy=True, mark=None):
            name = _check_name(check)
            row = expected_failure(est, name)
            marks = (
                [pytest.mark.xfail(strict=row.strict, reason=row.reason)] if row else []
            )
            keywords = check.keywords if isinstance(check, functools.partial) else {}
            suffix = "".join(f"({k}={v})" for k, v in keywords.items())
            yield pytest.param(est, check, id=f"{label}-{name}{suffix}", marks=marks)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.filterwarnings(
    "ignore:.*:statsmodels.tools.sm_exceptions.ConvergenceWarning"
)
@pytest.mark.parametrize("estimator, check", list(_cases()))
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_every_estimator_has_an_instance():
    names = {type(est).__name__ for est in _instances()}
    assert names >= {name for name, _ in all_estimators()}
    assert {"LSTMRegressor", "ARIMARegressor", "SlidingWindows"} <= names


def test_every_table_row_is_used():
    # A row that matches no instance or no check is stale.
    pairs = [
        (est, _check_name(check))
        for estimator in _instances()
        for est, check in estimator_checks_generator(estimator, legacy=True, mark=None)
    ]
    for row in EXPECTED_FAILURES:
        assert any(row.check == name and row.applies(est) for est, name in pairs), row
