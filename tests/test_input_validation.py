"""Bad input gets a ValueError that names the problem and the fix."""

import numpy as np
import pytest
import scipy.sparse as sp

from skseq import LSTMClassifier, LSTMRegressor

FAST = dict(hidden_size=4, max_epochs=1, random_state=0)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(20, 6, 2)), rng.normal(size=20)


def test_wrong_ndim(data):
    X, y = data
    with pytest.raises(ValueError, match="1-D array.*Reshape your data"):
        LSTMRegressor(**FAST).fit(X[:, 0, 0], y)
    with pytest.raises(ValueError, match="2-D or 3-D"):
        LSTMRegressor(**FAST).fit(X[..., None], y)


def test_nan_and_inf_in_y(data):
    X, y = data
    for bad in (np.nan, np.inf):
        y_bad = y.copy()
        y_bad[3] = bad
        with pytest.raises(ValueError, match="Input y contains"):
            LSTMRegressor(**FAST).fit(X, y_bad)


def test_inf_in_X(data):
    X, y = data
    X = X.copy()
    X[4, 2, 1] = np.inf
    with pytest.raises(ValueError, match=r"infinity \(sample 4, time step 2"):
        LSTMRegressor(**FAST).fit(X, y)


def test_nan_that_is_not_front_padding(data):
    X, y = data
    X = X.copy()
    X[5, 3, 0] = np.nan  # middle of a sequence
    with pytest.raises(ValueError, match="sample 5, time step 3.*not front padding"):
        LSTMRegressor(**FAST).fit(X, y)
    X = data[0].copy()
    X[5, 0, 0] = np.nan  # only one feature of the first row: not padding
    with pytest.raises(ValueError, match="not front padding"):
        LSTMRegressor(**FAST).fit(X, y)
    X = data[0].copy()
    X[5] = np.nan
    with pytest.raises(ValueError, match="all NaN"):
        LSTMRegressor(**FAST).fit(X, y)


def test_front_padding_is_accepted(data):
    from skseq.utils.validation import check_sequences

    X, y = data
    X = X.copy()
    X[:3, :2] = np.nan
    seqs = check_sequences(X)
    np.testing.assert_array_equal(seqs.lengths, [4, 4, 4] + [6] * 17)
    reg = LSTMRegressor(**FAST).fit(X, y)
    pred = reg.predict(X)
    assert np.isfinite(pred).all()
    # A padded sequence is read as the shorter sequence it holds.
    np.testing.assert_allclose(pred[:3], reg.predict(X[:3, 2:]), rtol=1e-5, atol=1e-6)


def test_empty_input(data):
    X, y = data
    with pytest.raises(ValueError, match="0 sample"):
        LSTMRegressor(**FAST).fit(X[:0], y[:0])
    with pytest.raises(ValueError, match="0 feature"):
        LSTMRegressor(**FAST).fit(X[:, :0], y)
    with pytest.raises(ValueError, match="0 sample"):
        LSTMRegressor(**FAST).fit([], [])


def test_mismatched_lengths(data):
    X, y = data
    with pytest.raises(ValueError, match="X has 20 and y has 19"):
        LSTMRegressor(**FAST).fit(X, y[:-1])


def test_predict_with_other_feature_count(data):
    X, y = data
    reg = LSTMRegressor(**FAST).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features per time step.*expecting 2"):
        reg.predict(np.zeros((2, 6, 3)))
    # A different number of time steps is fine: recurrent nets take any length.
    assert reg.predict(X[:, :3]).shape == (20,)


def test_single_class(data):
    X, _ = data
    with pytest.raises(ValueError, match="only one class"):
        LSTMClassifier(**FAST).fit(X, np.array(["a"] * 20))


def test_continuous_target_for_classifier(data):
    X, y = data
    with pytest.raises(ValueError, match="Unknown label type"):
        LSTMClassifier(**FAST).fit(X, y)


def test_sparse_and_series_and_ragged_features(data):
    import pandas as pd

    X, y = data
    with pytest.raises(TypeError, match="toarray"):
        LSTMRegressor(**FAST).fit(sp.csr_matrix(X[:, :, 0]), y)
    with pytest.raises(ValueError, match="SlidingWindows"):
        LSTMRegressor(**FAST).fit(pd.Series(y), y)
    with pytest.raises(ValueError, match="different numbers of features"):
        LSTMRegressor(**FAST).fit([np.zeros((3, 2)), np.zeros((4, 1))], [0.0, 1.0])


@pytest.mark.parametrize(
    "param, value",
    [
        ("cell", "transformer"),
        ("hidden_size", 0),
        ("num_layers", 1.5),
        ("dropout", 1.0),
        ("lr", -1.0),
        ("validation_fraction", 0.0),
        ("optimizer", "adamax"),
        ("clip_grad_norm", 0.0),
        ("device", "cuda:7"),
    ],
)
def test_bad_parameters_fail_in_fit_not_init(data, param, value):
    from skseq import RecurrentRegressor

    X, y = data
    reg = RecurrentRegressor(**FAST).set_params(**{param: value})
    with pytest.raises(ValueError, match=param if param != "device" else "CUDA"):
        reg.fit(X, y)


def test_unfitted_predict(data):
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        LSTMRegressor().predict(data[0])


@pytest.mark.parametrize(
    "param, value",
    [
        ("lr", float("inf")),
        ("clip_grad_norm", float("nan")),
        ("scale_target", "no"),
        ("dropout", "abc"),
        ("cell", ["lstm"]),
        ("bidirectional", "yes"),
        ("callbacks", "str"),
        ("optimizer", int),
    ],
)
def test_bad_parameter_types_name_the_parameter(data, param, value):
    from sklearn.utils._param_validation import InvalidParameterError

    from skseq import RecurrentRegressor

    reg = RecurrentRegressor(**FAST).set_params(**{param: value})
    with pytest.raises(InvalidParameterError, match=f"'{param}' parameter"):
        reg.fit(*data)


def test_numpy_integers_are_accepted(data):
    from skseq import RecurrentRegressor

    X, y = data
    params = {"hidden_size": np.int64(4), "num_layers": np.int32(1)}
    reg = RecurrentRegressor(**{**FAST, **params}).fit(X, y)
    assert reg.net_.module_.rnn.hidden_size == 4
    assert np.isfinite(reg.predict(X)).all()
