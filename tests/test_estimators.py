"""Behaviour of the recurrent estimators beyond sklearn's generic checks."""

import io
import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import make_blobs
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    TimeSeriesSplit,
    cross_val_score,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skorch.callbacks import GradientNormClipping

from skseq import (
    GRUClassifier,
    GRURegressor,
    LSTMClassifier,
    LSTMRegressor,
    RecurrentClassifier,
    RecurrentRegressor,
    RNNRegressor,
    SequenceScaler,
)
from skseq.estimators._data import ChronologicalSplit, SequenceDataset
from skseq.nn import EngineRNN

FAST = dict(hidden_size=8, max_epochs=3, lr=0.01, random_state=0)


@pytest.fixture
def windows():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 12, 3)).astype(np.float32)
    y = X[:, -1, 0] + 0.5 * X[:, -2, 1]
    return X, y


def test_regressor_learns_and_predicts_shape(windows):
    X, y = windows
    reg = LSTMRegressor(hidden_size=16, max_epochs=40, lr=0.02, random_state=0)
    reg.fit(X, y)
    assert reg.predict(X).shape == (120,)
    assert reg.score(X, y) > 0.8
    assert reg.n_features_in_ == 3
    assert len(reg.history_) == 40


def test_multi_output_regression(windows):
    X, y = windows
    Y = np.column_stack([y, 2 * y, -y])
    reg = GRURegressor(**FAST).fit(X, Y)
    assert reg.predict(X).shape == (120, 3)
    assert reg.n_outputs_ == 3


def test_classifiers_learn_blobs():
    # The accuracy part of sklearn's check_classifiers_train (see
    # test_common.py for why that check is marked).
    X, y = make_blobs(n_samples=300, random_state=0)
    X = StandardScaler().fit_transform(X)
    for cls in (LSTMClassifier, GRUClassifier, RecurrentClassifier):
        clf = cls(hidden_size=16, max_epochs=30, lr=0.03, random_state=0).fit(X, y)
        assert clf.score(X, y) > 0.83


def test_classifier_string_labels_binary_and_multiclass(windows):
    X, y = windows
    labels = np.where(y > 0, "up", "down")
    clf = RecurrentClassifier("rnn", **FAST).fit(X, labels)
    assert list(clf.classes_) == ["down", "up"]
    proba = clf.predict_proba(X)
    assert proba.shape == (120, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(clf.predict(X)) <= {"down", "up"}
    three = np.digitize(y, [-0.5, 0.5]).astype(str)
    clf3 = LSTMClassifier(**FAST).fit(X, three)
    assert clf3.predict_proba(X).shape == (120, 3)
    np.testing.assert_allclose(
        np.exp(clf3.predict_log_proba(X)), clf3.predict_proba(X), rtol=1e-6
    )


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_padding_never_changes_the_prediction(cell, bidirectional):
    rng = np.random.default_rng(1)
    short = rng.normal(size=(5, 2))
    others = rng.normal(size=(3, 9, 2))
    reg = RecurrentRegressor(
        cell, num_layers=2, bidirectional=bidirectional, **FAST
    ).fit(others, others[:, -1, 0])
    alone = reg.predict(short[None])
    padded = np.full((1, 9, 2), np.nan)
    padded[0, 4:] = short
    in_batch = reg.predict(np.concatenate([others[:1], padded, others[1:]]))
    np.testing.assert_allclose(in_batch[1], alone[0], rtol=1e-5, atol=1e-6)
    # A list of sequences of different lengths is front-padded the same way.
    as_list = reg.predict([others[0], short, others[1], others[2]])
    np.testing.assert_allclose(as_list, in_batch, rtol=1e-5, atol=1e-6)


def test_variable_length_list_fit():
    rng = np.random.default_rng(2)
    seqs = [rng.normal(size=(n, 2)) for n in rng.integers(3, 15, size=40)]
    y = np.array([s[-1, 0] for s in seqs])
    reg = GRURegressor(**FAST).fit(seqs, y)
    assert reg.predict(seqs[:5]).shape == (5,)


def test_two_fits_are_bit_identical_and_each_fit_starts_fresh(windows):
    X, y = windows
    a = LSTMRegressor(**FAST).fit(X, y).predict(X)
    reg = LSTMRegressor(**FAST)
    b = reg.fit(X, y).predict(X)
    c = reg.fit(X, y).predict(X)  # refit: fresh network, same seed
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(b, c)
    d = LSTMRegressor(**{**FAST, "random_state": 1}).fit(X, y).predict(X)
    assert not np.array_equal(a, d)


def test_fit_leaves_global_torch_rng_alone(windows):
    X, y = windows
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    LSTMRegressor(**FAST).fit(X, y)
    np.testing.assert_array_equal(torch.rand(3), expected)


def test_warm_start_continues_training(windows):
    X, y = windows
    reg = GRURegressor(**{**FAST, "warm_start": True}).fit(X, y)
    first = reg.net_.module_.head.weight.detach().clone()
    reg.fit(X, y)
    assert len(reg.history_) == 6  # epochs accumulate
    assert not torch.equal(first, reg.net_.module_.head.weight)
    cold = GRURegressor(**FAST).fit(X, y)
    cold.fit(X, y)
    assert len(cold.history_) == 3


def test_clone_get_set_params_pickle_joblib(windows, tmp_path):
    X, y = windows
    reg = RecurrentRegressor("gru", num_layers=2, dropout=0.1, **FAST)
    params = reg.get_params()
    assert params["cell"] == "gru" and params["num_layers"] == 2
    assert clone(reg).get_params() == params
    reg.set_params(cell="rnn", hidden_size=4)
    assert reg.cell == "rnn"
    reg.fit(X, y)
    expected = reg.predict(X)
    restored = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(restored.predict(X), expected)
    joblib.dump(reg, tmp_path / "model.joblib")
    np.testing.assert_array_equal(
        joblib.load(tmp_path / "model.joblib").predict(X), expected
    )
    assert not hasattr(clone(reg), "net_")


def test_gpu_trained_model_loads_on_cpu(windows, monkeypatch):
    """A model pickled with device='cuda' predicts on a CPU-only machine.

    No GPU here: the pickle is made with the net's device set to 'cuda' as it
    is after GPU training; skorch maps CUDA tensors to the CPU on load when
    CUDA is unavailable, and skseq predicts on the net's device.
    """
    X, y = windows
    reg = LSTMRegressor(**FAST).fit(X, y)
    expected = reg.predict(X)
    reg.net_.device = "cuda"
    reg.device = "cuda"
    payload = pickle.dumps(reg)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(UserWarning):
        restored = pickle.loads(payload)
    assert str(restored.net_.device) == "cpu"
    np.testing.assert_array_equal(restored.predict(X), expected)
    with pytest.raises(ValueError, match="CUDA is not available"):
        restored.fit(X, y)


def test_gradient_clipping_on_by_default(windows):
    X, y = windows
    reg = RNNRegressor(**FAST).fit(X, y)
    clippers = [cb for _, cb in reg.net_.callbacks_ if isinstance(cb, GradientNormClipping)]
    assert len(clippers) == 1 and clippers[0].gradient_clip_value == 1.0
    off = RNNRegressor(clip_grad_norm=None, **FAST).fit(X, y)
    assert not any(isinstance(cb, GradientNormClipping) for _, cb in off.net_.callbacks_)


def test_chronological_split_validates_on_newest_samples():
    X = np.zeros((10, 2, 1))
    dataset = SequenceDataset(X, np.full(10, 2), np.arange(10.0))
    train, valid = ChronologicalSplit(0.3)(dataset)
    assert list(train.indices) == list(range(7))
    assert list(valid.indices) == [7, 8, 9]


def test_early_stopping_uses_newest_slice(windows):
    X, y = windows
    y = y.copy()
    y[90:] += 50.0  # the newest quarter lives on another level
    reg = LSTMRegressor(early_stopping=True, validation_fraction=0.25, **FAST)
    reg.fit(X, y)
    last = reg.history_[-1]
    # Trained on the old level only, validated on the new one: the validation
    # loss is far above the training loss. A random or oldest-first split
    # would mix the levels and show no such gap.
    assert last["valid_loss"] > 10 * last["train_loss"]
    with pytest.raises(ValueError, match="validation"):
        LSTMRegressor(early_stopping=True, **FAST).fit(X[:1], y[:1])


def test_verbose(windows, capsys):
    X, y = windows
    LSTMRegressor(**FAST).fit(X, y)
    assert capsys.readouterr().out == ""
    LSTMRegressor(verbose=1, **FAST).fit(X, y)
    out = capsys.readouterr().out
    assert "train_loss" in out and "epoch" in out


def test_pandas_input(windows):
    X, y = windows
    frame = pd.DataFrame(X[:, :, 0])
    reg = GRURegressor(**FAST).fit(frame, pd.Series(y))
    assert reg.predict(frame).shape == (120,)
    assert reg.n_features_in_ == 1


def test_pipeline_grid_search_3d_parallel_over_cells(windows):
    X, y = windows
    pipe = make_pipeline(SequenceScaler(), RecurrentRegressor(**FAST))
    cells = ["rnn", "lstm", "gru"]
    cv = TimeSeriesSplit(n_splits=2)
    grid = GridSearchCV(
        pipe, {"recurrentregressor__cell": cells}, cv=cv, n_jobs=2
    ).fit(X, y)
    # The parallel search scores each cell exactly as a sequential
    # cross-validation of that cell does (seeded fits are bit-identical), the
    # cells really differ (the parameter reached the network) and the search
    # picks the best of them and refits it.
    sequential = {
        cell: cross_val_score(
            clone(pipe).set_params(recurrentregressor__cell=cell), X, y, cv=cv
        ).mean()
        for cell in cells
    }
    np.testing.assert_array_equal(
        grid.cv_results_["mean_test_score"], [sequential[c] for c in cells]
    )
    assert len(set(sequential.values())) == 3
    best = max(sequential, key=sequential.get)
    assert grid.best_params_["recurrentregressor__cell"] == best
    assert isinstance(
        grid.best_estimator_[-1].net_.module_.rnn,
        {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[best],
    )
    assert grid.predict(X).shape == (120,)


def test_randomized_search_cross_val_score_transformed_target(windows):
    X, y = windows
    search = RandomizedSearchCV(
        LSTMRegressor(**FAST),
        {"hidden_size": [4, 8], "lr": [0.01, 0.003]},
        n_iter=2,
        cv=TimeSeriesSplit(n_splits=2),
        random_state=0,
    ).fit(X, y)
    assert search.best_estimator_.predict(X).shape == (120,)
    scores = cross_val_score(GRUClassifier(**FAST), X, y > 0, cv=TimeSeriesSplit(3))
    assert scores.shape == (3,)
    ttr = TransformedTargetRegressor(
        LSTMRegressor(scale_target=False, **FAST), transformer=StandardScaler()
    ).fit(X, y)
    assert ttr.predict(X).shape == (120,)


def test_optimizer_choices(windows):
    X, y = windows
    expected = {
        "adamw": torch.optim.AdamW,
        "sgd": torch.optim.SGD,
        "rmsprop": torch.optim.RMSprop,
        torch.optim.Adam: torch.optim.Adam,
    }
    predictions = []
    for opt, cls in expected.items():
        reg = LSTMRegressor(optimizer=opt, weight_decay=1e-4, **FAST).fit(X, y)
        optimizer = reg.net_.optimizer_
        assert type(optimizer) is cls
        assert optimizer.param_groups[0]["weight_decay"] == 1e-4
        assert optimizer.param_groups[0]["lr"] == FAST["lr"]
        predictions.append(reg.predict(X))
        assert np.isfinite(predictions[-1]).all()
    # Same seed, same initial weights: only the optimizer differs, and each
    # one trains the network to a different place.
    for i in range(len(predictions)):
        for j in range(i):
            assert not np.allclose(predictions[i], predictions[j])


def test_user_callbacks_run(windows):
    from skorch.callbacks import Callback

    class CountEpochs(Callback):
        def initialize(self):
            self.epochs = 0
            return self

        def on_epoch_end(self, net, **kwargs):
            self.epochs += 1

    X, y = windows
    cb = CountEpochs()
    reg = LSTMRegressor(callbacks=[("count", cb)], **FAST).fit(X, y)
    assert dict(reg.net_.callbacks_)["count"].epochs == 3


def test_predict_does_not_modify_or_copy_input(windows):
    import tracemalloc

    from skseq import SlidingWindows
    from skseq.utils.validation import check_sequences

    X, y = windows
    X = X.copy()
    X[0, :4] = np.nan
    before = X.copy()
    reg = LSTMRegressor(**FAST).fit(X, y)
    reg.predict(X)
    np.testing.assert_array_equal(X, before)  # not modified (padding included)

    # Not copied: on a window view, validation keeps a view and prediction
    # gathers one batch at a time, so numpy never holds the windows in full.
    series = np.random.default_rng(0).normal(size=(8000, 2)).astype(np.float32)
    view = SlidingWindows(lookback=128).fit_transform(series)
    full_copy = view.shape[0] * view.shape[1] * view.shape[2] * 4  # 8 MB
    assert np.shares_memory(check_sequences(view).X, view)
    reg = LSTMRegressor(hidden_size=4, max_epochs=1, random_state=0)
    reg.fit(view[:100], series[:100, 0])
    tracemalloc.start()
    try:
        pred = reg.predict(view)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert pred.shape == (8000,)
    assert peak < 0.5 * full_copy, f"predict allocated {peak} bytes"


def test_read_only_view_input(windows):
    from numpy.lib.stride_tricks import sliding_window_view

    series = np.random.default_rng(0).normal(size=(300, 2)).astype(np.float32)
    view = sliding_window_view(series, 16, axis=0).transpose(0, 2, 1)
    assert not view.flags.writeable
    reg = GRURegressor(**FAST).fit(view[:-1], series[16:, 0])
    assert reg.predict(view).shape == (285,)


def test_summary_of_module_is_reachable(windows):
    X, y = windows
    reg = RecurrentRegressor("gru", bidirectional=True, num_layers=2, **FAST).fit(X, y)
    module = reg.net_.module_
    # The GRU runs on skseq's engine (faster on the CPU than torch's GRU).
    assert isinstance(module.rnn, EngineRNN) and module.rnn.mode == "gru"
    assert module.rnn.bidirectional and module.rnn.num_layers == 2
    buf = io.StringIO()
    print(module, file=buf)
    assert "cell='gru'" in buf.getvalue()


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_many_lengths_take_the_packed_path_with_same_result(cell):
    # More distinct lengths than MAX_LENGTH_GROUPS: the batch is packed.
    from skseq.nn.recurrent import MAX_LENGTH_GROUPS

    rng = np.random.default_rng(3)
    seqs = [rng.normal(size=(n, 2)) for n in range(2, 4 + MAX_LENGTH_GROUPS * 2)]
    reg = RecurrentRegressor(cell, bidirectional=True, **FAST)
    reg.fit(seqs, rng.normal(size=len(seqs)))
    together = reg.predict(seqs)
    alone = np.array([reg.predict([s])[0] for s in seqs])
    np.testing.assert_allclose(together, alone, rtol=1e-5, atol=1e-6)
