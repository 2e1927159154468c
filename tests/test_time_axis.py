"""LastSteps and ResampleSequences (skseq.time_axis); the sklearn contract is
checked for both in test_common.py."""

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError

from skseq import FlattenWindows, LastSteps, ResampleSequences, make_supervised


def test_last_steps_keeps_the_newest_steps_as_a_view():
    X = np.arange(2 * 5 * 3, dtype=float).reshape(2, 5, 3)
    out = LastSteps(lookback=2).fit_transform(X)
    np.testing.assert_array_equal(out, X[:, 3:])
    assert np.shares_memory(out, X)
    # None keeps the whole window; 2-D windows stay 2-D.
    np.testing.assert_array_equal(LastSteps().fit_transform(X), X)
    X2 = X[:, :, 0]
    np.testing.assert_array_equal(LastSteps(lookback=3).fit_transform(X2), X2[:, 2:])


def test_last_steps_refuses_a_lookback_longer_than_the_windows():
    X = np.zeros((4, 5, 1))
    with pytest.raises(ValueError, match="lookback=6 is longer than the windows"):
        LastSteps(lookback=6).fit(X)
    fitted = LastSteps(lookback=4).fit(X)
    with pytest.raises(ValueError, match="longer than the windows .3 time steps"):
        fitted.transform(X[:, :3])
    for bad in (0, 2.5, "3"):
        with pytest.raises(InvalidParameterError, match="lookback"):
            LastSteps(lookback=bad).fit(X)


def test_last_steps_makes_the_lookback_a_searched_hyperparameter():
    # The target is the value 6 steps back: only lookbacks >= 6 can see it,
    # and every candidate is scored on the same samples.
    rng = np.random.default_rng(0)
    series = rng.normal(size=300)
    X, y = make_supervised(
        series[:, None], 0, horizon=1, lookback=8, min_history="full"
    )
    y = X[:, -6, 0]
    pipe = make_pipeline(LastSteps(), FlattenWindows(), Ridge(alpha=1e-6))
    search = GridSearchCV(
        pipe, {"laststeps__lookback": [2, 6, 8]}, cv=KFold(3), scoring="r2"
    ).fit(X, y)
    scores = dict(zip([2, 6, 8], search.cv_results_["mean_test_score"], strict=True))
    assert scores[2] < 0.1 and scores[6] > 0.99 and scores[8] > 0.99
    assert search.best_params_["laststeps__lookback"] in (6, 8)


def test_resample_sequences_to_the_longest_training_length():
    seqs = [np.arange(3.0)[:, None], np.arange(5.0)[:, None] * 2]
    resample = ResampleSequences().fit(seqs)
    out = resample.transform(seqs)
    assert resample.n_timesteps_ == 5 and out.shape == (2, 5, 1)
    np.testing.assert_allclose(out[0, :, 0], [0.0, 0.5, 1.0, 1.5, 2.0])
    np.testing.assert_allclose(out[1, :, 0], [0.0, 2.0, 4.0, 6.0, 8.0])
    # Equal-length input of the training length passes through unchanged.
    X = np.random.default_rng(0).normal(size=(4, 5, 2))
    np.testing.assert_array_equal(ResampleSequences().fit_transform(X), X)


def test_resample_sequences_drops_front_padding_and_checks_features():
    padded = np.array(
        [[[np.nan], [np.nan], [1.0], [3.0]], [[0.0], [1.0], [2.0], [3.0]]]
    )
    out = ResampleSequences().fit_transform(padded)
    np.testing.assert_allclose(out[0, :, 0], [1.0, 5 / 3, 7 / 3, 3.0])
    fitted = ResampleSequences().fit(np.zeros((2, 4, 2)))
    with pytest.raises(ValueError, match="feature"):
        fitted.transform(np.zeros((2, 4, 3)))
