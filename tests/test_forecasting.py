"""Multi-step forecasting: direct, recursive, seq2seq, and dated forecasts."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.pipeline import make_pipeline

from skseq import (
    GRURegressor,
    LSTMRegressor,
    RecursiveRegressor,
    Seq2SeqRegressor,
    SequenceScaler,
    forecast,
    make_supervised,
)
from skseq.baselines import NaiveRegressor
from skseq.datasets import load_stock_snapshot, load_weather_daily
from skseq.forecasting import future_index
from skseq.nn import Seq2SeqNet

FAST = dict(hidden_size=8, max_epochs=3, lr=0.01, random_state=0)


@pytest.fixture(scope="module")
def seattle():
    return load_weather_daily()[["temp_max", "temp_min", "precipitation"]]


def test_seq2seq_teacher_forcing_feeds_shifted_target():
    torch.manual_seed(0)
    net = Seq2SeqNet(2, horizon=4, cell="gru", hidden_size=6)
    X = torch.randn(3, 5, 2)
    y = torch.randn(3, 4)
    net.train()
    teacher = net(X, None, y)
    # Step h of a teacher-forced decoder depends on y[:, :h] only: changing
    # the last target changes no output, changing the first changes steps 1+.
    y_last = y.clone()
    y_last[:, -1] += 10
    torch.testing.assert_close(net(X, None, y_last), teacher)
    y_first = y.clone()
    y_first[:, 0] += 10
    changed = net(X, None, y_first)
    torch.testing.assert_close(changed[:, 0], teacher[:, 0])
    assert not torch.allclose(changed[:, 1:], teacher[:, 1:])
    # Step-by-step decoding with the true inputs equals the one-call path.
    net.teacher_forcing = 0.999999
    torch.manual_seed(1)
    torch.testing.assert_close(net(X, None, y), teacher, rtol=1e-5, atol=1e-6)
    # In eval mode the target is ignored: the decoder feeds back itself.
    net.eval()
    torch.testing.assert_close(net(X, None, y), net(X))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_seq2seq_regressor_on_weather(seattle, cell):
    X, y = make_supervised(seattle, "temp_max", horizon=3, lookback=14)
    # No scaler in front: the network normalises its windows itself.
    model = Seq2SeqRegressor(cell, max_epochs=4, hidden_size=8, lr=0.01, random_state=0)
    model.fit(X[:1000], y[:1000])
    pred = model.predict(X[1000:])
    assert pred.shape == (len(X) - 1000, 3)
    assert model.score(X[1000:], y[1000:]) > 0.3  # beats the mean clearly


def test_seq2seq_reproducible_and_scheduled_sampling(seattle):
    X, y = make_supervised(seattle, "temp_max", horizon=3, lookback=7)
    X, y = X[:300], y[:300]
    a = Seq2SeqRegressor(teacher_forcing=0.5, **FAST).fit(X, y).predict(X)
    b = Seq2SeqRegressor(teacher_forcing=0.5, **FAST).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="teacher_forcing"):
        Seq2SeqRegressor(teacher_forcing=2.0).fit(X, y)


def test_direct_multi_output(seattle):
    X, y = make_supervised(seattle, "temp_max", horizon=7, lookback=14)
    model = GRURegressor(**FAST).fit(X, y)
    assert model.predict(X[-5:]).shape == (5, 7)


def test_recursive_with_naive_is_the_random_walk():
    series = np.arange(20.0)[:, None]
    X = np.stack([series[i : i + 5] for i in range(10)])
    y = np.stack([series[i + 5 : i + 8, 0] for i in range(10)])
    model = RecursiveRegressor(NaiveRegressor()).fit(X, y)
    assert model.horizon_ == 3
    expected = np.repeat(X[:, -1, :1], 3, axis=1)
    np.testing.assert_array_equal(model.predict(X), expected)


def test_recursive_feeds_predictions_back():
    class PlusOne(NaiveRegressor):
        """Predicts the last value plus one: recursion must add h."""

        def predict(self, X):
            return super().predict(X) + 1.0

    X = np.zeros((4, 6, 2))
    X[:, :, 0] = np.arange(6)
    X[:, :, 1] = 7.0  # exogenous, held at its last value
    model = RecursiveRegressor(PlusOne(), horizon=4).fit(X, np.zeros(4))
    np.testing.assert_array_equal(model.predict(X), np.tile([6.0, 7.0, 8.0, 9.0], (4, 1)))
    assert model.predict(X, horizon=2).shape == (4, 2)
    # The caller's windows are not modified.
    assert X[0, -1, 0] == 5.0


def test_recursive_in_pipeline_with_lstm(seattle):
    X, y = make_supervised(seattle[["temp_max"]], "temp_max", horizon=5, lookback=10)
    model = RecursiveRegressor(make_pipeline(SequenceScaler(), LSTMRegressor(**FAST)))
    model.fit(X[:800], y[:800])
    assert model.predict(X[800:]).shape == (len(X) - 800, 5)
    with pytest.raises(ValueError, match="target_index"):
        RecursiveRegressor(LSTMRegressor(), target_index=3).fit(X, y)


def test_forecast_dates_stock_business_days():
    prices = load_stock_snapshot("AAPL", start="2012-01-01")[["Adj Close"]]
    X, y = make_supervised(prices, "Adj Close", horizon=5, lookback=20)
    model = LSTMRegressor(**FAST).fit(X, y)
    result = forecast(model, prices, lookback=20)
    assert len(result) == 5
    # Snapshot ends Friday 2013-03-01: the next 5 business days.
    assert list(result.index.strftime("%Y-%m-%d")) == [
        "2013-03-04", "2013-03-05", "2013-03-06", "2013-03-07", "2013-03-08"
    ]
    assert np.isfinite(result.to_numpy()).all()


def test_forecast_daily_weather_recursive(seattle):
    frame = seattle[["temp_max"]]
    X, y = make_supervised(frame, "temp_max", horizon=1, lookback=7)
    model = RecursiveRegressor(NaiveRegressor()).fit(X, y)
    result = forecast(model, frame, lookback=7, steps=10)
    assert len(result) == 10
    assert result.index[0] == pd.Timestamp("2016-01-01")
    assert result.index.freqstr == "D"
    with pytest.raises(ValueError, match="lookback=7"):
        forecast(model, frame.iloc[:3], lookback=7)
    direct = LSTMRegressor(**FAST).fit(*make_supervised(frame, "temp_max", horizon=2, lookback=7))
    with pytest.raises(ValueError, match="RecursiveRegressor"):
        forecast(direct, frame, lookback=7, steps=3)


def test_future_index_fallbacks():
    hourly = pd.date_range("2013-01-01", periods=48, freq="h")
    assert list(future_index(hourly, 2)) == [
        pd.Timestamp("2013-01-03 00:00"), pd.Timestamp("2013-01-03 01:00")
    ]
    irregular = pd.DatetimeIndex(["2020-01-01", "2020-01-03", "2020-01-05", "2020-01-08"])
    assert future_index(irregular, 1)[0] == pd.Timestamp("2020-01-10")
    assert list(future_index(pd.RangeIndex(5), 2)) == [5, 6]
