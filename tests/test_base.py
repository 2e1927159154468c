"""One set of sequence conventions for networks, baselines and transformers."""

import numpy as np
import pandas as pd
import pytest

from skseq import FlattenWindows, GRURegressor, RecursiveRegressor, SequenceScaler
from skseq.base import SequenceEstimatorMixin, panel_feature_names
from skseq.baselines import DriftRegressor, NaiveRegressor

FAST = dict(hidden_size=4, max_epochs=1, random_state=0)


def _panel(n=6, columns=("temp", "wind")):
    rng = np.random.default_rng(0)
    return [
        pd.DataFrame(rng.normal(size=(5 + i % 3, len(columns))), columns=list(columns))
        for i in range(n)
    ]


MODELS = [
    GRURegressor(**FAST),
    NaiveRegressor(target_index=-1),
    RecursiveRegressor(DriftRegressor()),
    SequenceScaler(),
    FlattenWindows(),
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
def test_panel_names_the_features_per_time_step(model):
    panel = _panel()
    if isinstance(model, FlattenWindows):
        panel = [frame.iloc[:5] for frame in panel]  # flattening needs one length
    y = np.arange(len(panel), dtype=float)
    model.fit(panel, y)
    assert model.n_features_in_ == 2
    assert list(model.feature_names_in_) == ["temp", "wind"]
    assert model.feature_names_in_.dtype == object
    swapped = [frame[["wind", "temp"]] for frame in panel]
    method = model.predict if hasattr(model, "predict") else model.transform
    with pytest.raises(ValueError, match="differ from the features"):
        method(swapped)
    # Arrays carry no names: accepted, checked by count only.
    method(np.stack([frame.to_numpy()[-5:] for frame in panel]))
    # Refitting on an array forgets the names.
    model.fit(np.stack([frame.to_numpy()[-5:] for frame in panel]), y)
    assert not hasattr(model, "feature_names_in_")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: type(m).__name__)
def test_2d_frame_is_univariate_without_names(model):
    frame = pd.DataFrame(
        np.random.default_rng(1).normal(size=(8, 5)),
        columns=[f"t-{k}" for k in range(5)],
    )
    model.fit(frame, np.arange(8.0))
    assert model.n_features_in_ == 1
    assert not hasattr(model, "feature_names_in_")  # the columns are time steps


def test_tags_are_the_same_for_every_family():
    from skseq.utils.discovery import all_estimators

    for name, cls in all_estimators():
        if name == "LagsToSequence":
            # The way in from other libraries: it takes a 2-D table of lags
            # (tabular input, sklearn's own conventions) and returns windows.
            tags = cls.__sklearn_tags__(cls.__new__(cls))
            assert not tags.input_tags.three_d_array
            continue
        assert issubclass(cls, SequenceEstimatorMixin), name
        tags = cls.__sklearn_tags__(cls.__new__(cls))
        if name == "SlidingWindows":  # takes one series, not windows
            assert not tags.input_tags.three_d_array and tags.input_tags.allow_nan
            continue
        assert tags.input_tags.three_d_array, name
        # NaN only as front padding for estimators and for ResampleSequences
        # (it reads each sequence's real steps); other transformers pass it on.
        passes_nan = tags.transformer_tags is not None and name != "ResampleSequences"
        assert tags.input_tags.allow_nan == passes_nan, name


def test_n_outputs_is_the_number_of_target_columns():
    X = np.random.default_rng(0).normal(size=(20, 6, 1))
    for model in (
        GRURegressor(**FAST),
        NaiveRegressor(),
        RecursiveRegressor(NaiveRegressor()),
    ):
        assert model.fit(X, X[:, -1, 0]).n_outputs_ == 1
        model.fit(X, X[:, -3:, 0])
        assert model.n_outputs_ == 3 and model.predict(X).shape == (20, 3)


def test_panel_with_different_columns_is_refused():
    panel = _panel()
    panel[2] = panel[2].rename(columns={"wind": "rain"})
    with pytest.raises(ValueError, match="different columns"):
        panel_feature_names(panel)
    assert panel_feature_names([np.zeros((3, 2))]) is None
    assert panel_feature_names(pd.DataFrame(np.zeros((3, 2)))) is None
