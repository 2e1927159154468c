"""Categorical embeddings, many series (panels) and known-future covariates."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from skseq import GRURegressor, Seq2SeqRegressor, forecast, make_supervised
from skseq.model_selection import TimeSeriesWindowSplit, backtest
from skseq.nn import RecurrentNet
from skseq.nn.normalization import NormalizedNet

SMALL = dict(hidden_size=12, max_epochs=25, lr=1e-2, batch_size=32, random_state=0)


def _panel(n=120, seed=0):
    """Three series of very different levels and scales, hourly."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2024-01-01", periods=n, freq="h")
    out = {}
    for k, (level, scale) in enumerate([(0.0, 1.0), (100.0, 10.0), (-50.0, 0.1)]):
        wave = np.sin(np.arange(n) * 2 * np.pi / 12 + k)
        out[f"s{k}"] = pd.DataFrame(
            {
                "y": level + scale * (wave + 0.05 * rng.normal(size=n)),
                "x": rng.normal(size=n),
            },
            index=idx,
        )
    return out


# -- categorical features ----------------------------------------------------
def test_embeddings_learn_a_per_category_offset():
    rng = np.random.default_rng(0)
    n, T = 240, 6
    code = rng.integers(0, 4, n)
    X = np.concatenate(
        [rng.normal(size=(n, T, 1)), np.repeat(code[:, None, None], T, 1)], axis=2
    )
    y = X[:, -1, 0] + np.array([-3.0, 0.0, 3.0, 6.0])[code]
    model = GRURegressor(
        **SMALL, normalize="global", categorical_features=[1], embedding_dim=3
    ).fit(X, y)
    emb = model.net_.module_.embeddings
    assert len(emb) == 1 and emb[0].embedding_dim == 3
    assert emb[0].num_embeddings == 4
    assert np.mean(np.abs(model.predict(X) - y)) < 0.6
    blind = GRURegressor(**SMALL, normalize="global").fit(X[:, :, :1], y)
    assert np.mean(np.abs(blind.predict(X[:, :, :1]) - y)) > 2.0


@pytest.mark.parametrize("normalize", [None, "window"])
def test_embedding_lookup_equals_nn_embedding_values_and_gradients(normalize):
    """The CPU lookup (index_select on the tables) is nn.Embedding's map."""
    torch.manual_seed(0)
    net = NormalizedNet(
        RecurrentNet, {"n_outputs": 1, "hidden_size": 4}, n_features=4,
        normalize=normalize, feature_mean=[0.0] * 4, feature_scale=[1.0] * 4,
        categorical=[0, 2], n_categories=[5, 3], embedding_dims=[3, 2],
    )
    X = torch.randn(6, 7, 4)
    X[:, :, 0] = torch.randint(0, 5, (6, 7)).float()
    X[:, :, 2] = torch.randint(0, 3, (6, 7)).float()
    X.requires_grad_(True)
    encoded = net.encode_inputs(X)[0]
    weight = torch.randn_like(encoded)
    (encoded * weight).sum().backward()
    grads = [emb.weight.grad.clone() for emb in net.embeddings]
    assert X.grad[:, :, [1, 3]].abs().sum() > 0  # the continuous inputs
    assert not X.grad[:, :, [0, 2]].any()  # never the codes

    # The reference: the nn.Embedding modules called on the code columns.
    net.zero_grad()
    emb_a = net.embeddings[0](X[:, :, 0].detach().long())
    emb_b = net.embeddings[1](X[:, :, 2].detach().long())
    assert encoded.shape == (6, 7, 2 + 3 + 2)
    assert torch.equal(encoded[:, :, 2:5], emb_a)
    assert torch.equal(encoded[:, :, 5:], emb_b)
    (torch.cat([emb_a, emb_b], dim=2) * weight[:, :, 2:]).sum().backward()
    for grad, emb in zip(grads, net.embeddings, strict=True):
        assert torch.allclose(grad, emb.weight.grad, atol=1e-6)
    # The tables keep nn.Embedding's state_dict names (models saved earlier load).
    assert {"embeddings.0.weight", "embeddings.1.weight"} <= set(net.state_dict())


@pytest.mark.parametrize("categorical", [[0], [3], [1], [0, 3]])
def test_continuous_columns_are_read_in_order_whatever_the_code_positions(categorical):
    """Contiguous continuous columns are taken as a view, the others gathered:
    both give the columns in their order, normalised the same way."""
    X = torch.randn(5, 6, 4)
    for c in categorical:
        X[:, :, c] = torch.randint(0, 3, (5, 6)).float()
    net = NormalizedNet(
        RecurrentNet, {"n_outputs": 1, "hidden_size": 4}, n_features=4,
        normalize="global", feature_mean=[0.5] * 4, feature_scale=[2.0] * 4,
        categorical=categorical, n_categories=[3] * len(categorical),
        embedding_dims=[2] * len(categorical),
    )
    continuous = [f for f in range(4) if f not in categorical]
    encoded = net.encode_inputs(X)[0]
    expected = (X[:, :, continuous] - 0.5) / 2.0
    assert torch.allclose(encoded[:, :, : len(continuous)], expected)
    assert (net._continuous_block is None) == (categorical == [1])


def test_unseen_or_invalid_codes_raise():
    rng = np.random.default_rng(1)
    X = np.concatenate(
        [rng.normal(size=(40, 5, 1)), rng.integers(0, 3, (40, 1, 1)).repeat(5, 1)],
        axis=2,
    )
    y = X[:, -1, 0]
    model = GRURegressor(hidden_size=4, max_epochs=1, categorical_features=[-1])
    model.fit(X, y)
    assert model.categorical_features_ == [1]
    bad = X.copy()
    bad[0, :, 1] = 7
    with pytest.raises(ValueError, match=r"codes \[7\].*did not see in fit"):
        model.predict(bad)
    bad[0, :, 1] = 1.5
    with pytest.raises(ValueError, match="non-negative integer codes"):
        clone(model).fit(bad, y)
    with pytest.raises(ValueError, match="out of range"):
        GRURegressor(categorical_features=[5]).fit(X, y)
    with pytest.raises(ValueError, match="target_index=1"):
        GRURegressor(categorical_features=[1], target_index=1).fit(X, y)


# -- panels ------------------------------------------------------------------
def test_make_supervised_panel_forms_agree_and_never_mix_series():
    panel = _panel()
    X, y = make_supervised(panel, "y", horizon=2, lookback=4)
    long = pd.concat(panel, names=["station", "time"])
    X2, y2 = make_supervised(long, "y", horizon=2, lookback=4)
    X3, y3 = make_supervised(
        long.reset_index(level=0), "y", horizon=2, lookback=4, series="station"
    )
    for Xo, yo in [(X2, y2), (X3, y3)]:
        assert np.array_equal(X, Xo, equal_nan=True)
        assert yo.equals(y)
    assert X.shape == (3 * 118, 4, 3)
    assert list(y.index.names) == ["series", "origin"]
    # Sorted by origin time, then series; the code is the last feature.
    origins = y.index.get_level_values("origin")
    assert origins.is_monotonic_increasing
    codes = X[:, -1, -1].astype(int)
    assert (np.asarray(y.index.levels[0])[codes] == y.index.get_level_values(0)).all()
    # Every window holds one series only: rebuild it from that series.
    for i in [0, 5, 200, len(X) - 1]:
        key, origin = y.index[i]
        part = panel[key].loc[:origin].to_numpy()[-4:]
        window = X[i, -len(part) :, :2]
        assert np.array_equal(window, part)
        assert (X[i, -len(part) :, -1] == codes[i]).all()


def test_window_split_on_panels_splits_by_time_across_series():
    X, y = make_supervised(_panel(), "y", horizon=3, lookback=4)
    cv = TimeSeriesWindowSplit(n_splits=3, horizon=3, test_size=10)
    origins = y.index.get_level_values("origin")
    folds = list(cv.split(X, y))
    assert len(folds) == 3
    for train, test in folds:
        # Each test block holds all three series at the same times.
        assert len(test) == 3 * 10
        # No training target (origin + 3 h) reaches the test block's origins.
        assert origins[train].max() + pd.Timedelta(hours=3) <= origins[test].min()


def test_global_model_over_series_of_different_scales():
    X, y = make_supervised(_panel(n=200), "y", horizon=1, lookback=12)
    cv = TimeSeriesWindowSplit(n_splits=2, horizon=1, test_size=60)
    model = GRURegressor(**SMALL, categorical_features=[-1])
    res = backtest(model, X, y, cv=cv, scoring=["mae"])
    pred = res.predictions
    pred["series"] = [o[0] for o in pred["origin"]]
    naive = np.abs(np.diff(X[:, -1, 0]))  # crude scale reference
    assert np.isfinite(pred["y_pred"]).all()
    for key, scale in [("s0", 1.0), ("s1", 10.0), ("s2", 0.1)]:
        part = pred[pred["series"] == key]
        mae = np.mean(np.abs(part["y_true"] - part["y_pred"]))
        # Each series is forecast on its own scale (its wave has amplitude
        # `scale`; the levels differ by up to 150).
        assert mae < 0.5 * scale, (key, mae)
    assert naive.size  # the windows were built


def test_forecast_per_series():
    panel = _panel(n=150)
    X, y = make_supervised(panel, "y", horizon=3, lookback=12)
    model = GRURegressor(**SMALL, categorical_features=[-1]).fit(X, y)
    out = forecast(model, panel, 12)
    assert list(out.index.levels[0]) == ["s0", "s1", "s2"]
    assert len(out) == 9
    assert out.loc["s1"].index[0] == panel["s1"].index[-1] + pd.Timedelta(hours=1)
    # Same as predicting the last window of each series by hand.
    every, _ = make_supervised(panel, "y", horizon=3, lookback=12, dropna=False)
    last = every[-3:]
    assert np.allclose(out.to_numpy().reshape(3, 3), model.predict(last), atol=1e-5)


# -- known-future covariates -------------------------------------------------
def _known_future_frame(n=400, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2024-01-01", periods=n, freq="D")
    plan = rng.normal(size=n)  # e.g. a planned event: known in advance
    noise = rng.normal(size=n)
    return pd.DataFrame({"y": plan, "plan": plan, "other": noise}, index=idx)


def test_known_future_leads_only_for_declared_columns():
    df = _known_future_frame(60)
    X, y = make_supervised(df, "y", horizon=3, lookback=5, known_future=["plan"])
    assert X.shape[2] == 3 + 3
    # Changing anything after the origin changes no window, except the
    # declared column up to origin + horizon.
    t = 30
    later = df.copy()
    later.iloc[t + 1 :, [0, 2]] = 99.0  # target and an undeclared column
    later.iloc[t + 4 :, 1] = 99.0  # the known-future column beyond the horizon
    Xl, _ = make_supervised(
        later, "y", horizon=3, lookback=5, known_future=["plan"], dropna=False
    )
    Xd, _ = make_supervised(
        df, "y", horizon=3, lookback=5, known_future=["plan"], dropna=False
    )
    assert np.array_equal(Xl[: t + 1], Xd[: t + 1], equal_nan=True)
    assert np.array_equal(Xd[t, -1, 3:], df["plan"].to_numpy()[t + 1 : t + 4])
    with pytest.raises(ValueError, match="target"):
        make_supervised(df, "y", horizon=2, lookback=5, known_future=["y"])


@pytest.mark.parametrize("cls", [GRURegressor, Seq2SeqRegressor])
def test_known_future_target_is_learned_only_with_it(cls):
    df = _known_future_frame()
    kw = dict(horizon=3, lookback=6, min_history="full")
    X, y = make_supervised(df, "y", known_future=["plan"], **kw)
    Xn, yn = make_supervised(df[["y", "other"]], "y", **kw)
    params = dict(SMALL, max_epochs=40, normalize="global")
    if cls is Seq2SeqRegressor:
        params["known_future"] = [2 + j for j in range(3)]
    model = cls(**params).fit(X[:300], y[:300])
    with_kf = np.mean(np.abs(model.predict(X[300:]) - y[300:]))
    blind = cls(**SMALL, normalize="global").fit(Xn[:300], yn[:300])
    without = np.mean(np.abs(blind.predict(Xn[300:]) - yn[300:]))
    assert with_kf < 0.2
    assert without > 0.6  # the target is unpredictable noise without it


def test_known_future_flows_through_search_clone_and_forecast():
    df = _known_future_frame(200)
    X, y = make_supervised(df, "y", horizon=2, lookback=5, known_future=["plan"])
    search = GridSearchCV(
        GRURegressor(hidden_size=4, max_epochs=2, random_state=0),
        {"lr": [1e-3, 1e-2]},
        cv=TimeSeriesWindowSplit(n_splits=2, horizon=2),
    ).fit(X, y)
    model = clone(search.best_estimator_).fit(X, y)
    future = pd.DataFrame(
        {"plan": [0.5, -0.5]},
        index=pd.date_range(df.index[-1] + pd.Timedelta(days=1), periods=2),
    )
    extended = pd.concat([df, future])
    out = forecast(model, extended, 5, known_future=["plan"])
    assert list(out.index) == list(future.index)
    Xe, _ = make_supervised(
        extended, "y", horizon=2, lookback=5, known_future=["plan"], dropna=False
    )
    assert np.allclose(out.to_numpy(), model.predict(Xe[len(df) - 1 : len(df)])[0])
