"""Pooling and attention heads, the convolutional front end, class-aware
early stopping and class weights."""

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.class_weight import compute_class_weight

from skseq import LSTMClassifier, RecurrentClassifier, RecurrentRegressor
from skseq.estimators._data import ClassChronologicalSplit, SequenceDataset
from skseq.nn import RecurrentNet
from skseq.nn.conv import ConvFrontEnd
from skseq.nn.heads import HEADS, masked_max, masked_mean

FAST = dict(hidden_size=8, max_epochs=3, lr=0.01, random_state=0)

CONV_OPTIONS = {
    "no-conv": {},
    "parallel": {"conv_channels": (4, 5), "conv_kernel_sizes": (3, 2)},
    "before-strided": {
        "conv_channels": (4, 5),
        "conv_strides": (2, 3),
        "conv_mode": "before",
    },
}


def _front_padded_batch(lengths, n_steps, n_features, seed=0):
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(len(lengths), n_steps, n_features, generator=gen)
    for i, length in enumerate(lengths):
        X[i, : n_steps - length] = 0.0
    return X, torch.tensor(lengths)


@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("conv", list(CONV_OPTIONS))
@pytest.mark.parametrize("n_lengths", [3, 12])  # grouped and packed paths
def test_heads_ignore_padding(head, conv, n_lengths):
    torch.manual_seed(0)
    net = RecurrentNet(
        3,
        2,
        cell="gru",
        hidden_size=6,
        num_layers=2,
        bidirectional=True,
        head=head,
        **CONV_OPTIONS[conv],
    ).eval()
    n_steps = 20
    lengths = [n_steps - (i % n_lengths) for i in range(14)]
    X, lengths_t = _front_padded_batch(lengths, n_steps, 3)
    with torch.no_grad():
        in_batch = net(X, lengths_t)
        alone = torch.cat(
            [net(X[i : i + 1, n_steps - n :]) for i, n in enumerate(lengths)]
        )
    torch.testing.assert_close(in_batch, alone, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("head", HEADS)
def test_estimator_heads_padding_and_lists(head):
    rng = np.random.default_rng(0)
    seqs = [rng.normal(size=(n, 2)) for n in (9, 4, 7, 9, 2)]
    y = np.array(["a", "b", "a", "b", "a"])
    clf = RecurrentClassifier(head=head, conv_channels=(3,), **FAST).fit(seqs, y)
    alone = np.vstack([clf.predict_proba(s[None]) for s in seqs])
    np.testing.assert_allclose(clf.predict_proba(seqs), alone, rtol=1e-5, atol=1e-6)


def test_masked_mean_and_max_skip_padding():
    outputs = torch.tensor([[[100.0], [1.0], [3.0]], [[-5.0], [-7.0], [3.0]]])
    mask = torch.tensor([[False, True, True], [True, True, True]])
    assert masked_mean(outputs, mask).flatten().tolist() == [2.0, -3.0]
    assert masked_max(outputs, mask).flatten().tolist() == [3.0, 3.0]


def test_attention_weights_sum_to_one_over_real_steps():
    torch.manual_seed(0)
    net = RecurrentNet(2, 3, hidden_size=5, head="attention").eval()
    lengths = [10, 4, 7, 1, 10]
    X, lengths_t = _front_padded_batch(lengths, 10, 2)
    with torch.no_grad():
        weights = net.attention_weights(X, lengths_t)
    assert weights.shape == (5, 10)
    for row, n in zip(weights, lengths, strict=True):
        assert torch.all(row[: 10 - n] == 0)
        assert torch.all(row[10 - n :] > 0)
        torch.testing.assert_close(row.sum(), torch.tensor(1.0))
    with pytest.raises(ValueError, match="head='attention'"):
        RecurrentNet(2, 3, hidden_size=5).attention_weights(X, lengths_t)


def _early_pattern_task(n, seed, n_steps=50):
    """Class set by the sign of a short bump at steps 2-4 of a long series."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    X = rng.normal(scale=0.5, size=(n, n_steps, 1))
    X[:, 2:5, 0] += np.where(y == 1, 2.0, -2.0)[:, None]
    return X.astype(np.float32), y


def test_early_pattern_is_learned_by_pooling_not_by_the_last_state():
    X, y = _early_pattern_task(120, seed=0)
    X_test, y_test = _early_pattern_task(200, seed=1)
    params = dict(cell="gru", hidden_size=8, max_epochs=12, lr=0.01, batch_size=32)
    scores = {
        head: RecurrentClassifier(head=head, random_state=0, **params)
        .fit(X, y)
        .score(X_test, y_test)
        for head in ("last", "max", "attention")
    }
    assert scores["max"] > 0.95, scores
    assert scores["attention"] > 0.95, scores
    assert scores["last"] < 0.75, scores


def test_conv_front_end_lengths_and_padding():
    conv = ConvFrontEnd(2, (3, 4), kernel_sizes=3, strides=(2, 2)).eval()
    X, lengths = _front_padded_batch([9, 5, 1], 9, 2)
    with torch.no_grad():
        out, out_lengths, mask = conv(X, lengths)
    # ceil(ceil(L / 2) / 2) steps remain.
    assert out_lengths.tolist() == [3, 2, 1]
    assert out.shape == (3, 3, 4)
    assert torch.all(out[~mask] == 0)
    assert mask.sum(dim=1).tolist() == [3, 2, 1]


def test_conv_batch_norm_statistics_use_real_steps_only():
    conv = ConvFrontEnd(1, (4,), kernel_sizes=2).train()
    X, lengths = _front_padded_batch([6, 3, 5], 6, 1)
    out, _, mask = conv(X, lengths)
    # The same batch with five more steps of padding in front: in training
    # mode the batch statistics are unchanged, so are the outputs.
    more = torch.cat([torch.zeros(3, 5, 1), X], dim=1)
    out_more, _, mask_more = conv(more, lengths)
    torch.testing.assert_close(out[mask], out_more[mask_more])


def test_grid_search_over_heads_and_regressor_heads():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 8, 2))
    y = np.where(X[:, :2, 0].sum(axis=1) > 0, "up", "down")
    search = GridSearchCV(RecurrentClassifier(**FAST), {"head": list(HEADS)}, cv=2).fit(
        X, y
    )
    assert sorted(p["head"] for p in search.cv_results_["params"]) == sorted(HEADS)
    reg = RecurrentRegressor(
        head="attention", conv_channels=[4], conv_mode="before", **FAST
    ).fit(X, X[:, 0, 0])
    assert reg.predict(X[:3]).shape == (3,)


@pytest.mark.parametrize(
    "params, match",
    [
        ({"head": "first"}, "head"),
        ({"conv_channels": (4, 0)}, "conv_channels"),
        ({"conv_channels": ()}, "conv_channels"),
        ({"conv_channels": (4, 4), "conv_kernel_sizes": (3,)}, "conv_kernel_sizes"),
        ({"conv_channels": (4,), "conv_strides": (1, 2)}, "conv_strides"),
        ({"conv_mode": "after"}, "conv_mode"),
        ({"class_weight": "auto"}, "class_weight"),
    ],
)
def test_bad_head_conv_and_class_weight_parameters(params, match):
    X = np.zeros((6, 5, 1))
    y = np.array([0, 1] * 3)
    with pytest.raises(InvalidParameterError, match=match):
        RecurrentClassifier(**FAST, **params).fit(X, y)


def test_class_chronological_split_on_class_sorted_set():
    # Sorted by class as BasicMotions and JapaneseVowels are: 10 a, 20 b, 5 c.
    codes = np.repeat([0, 1, 2], [10, 20, 5])
    dataset = SequenceDataset(np.zeros((35, 2, 1)), np.full(35, 2), codes)
    train, valid = ClassChronologicalSplit(0.2)(dataset)
    # The newest 20 % of each class (at least one) validates.
    assert valid.indices.tolist() == [8, 9, *range(26, 30), 34]
    assert sorted([*train.indices, *valid.indices]) == list(range(35))
    # A class with one sample trains only; no class with two raises.
    lonely = SequenceDataset(
        np.zeros((5, 2, 1)), np.full(5, 2), np.array([0, 0, 0, 0, 1])
    )
    train, valid = ClassChronologicalSplit(0.5)(lonely)
    assert train.indices.tolist() == [0, 1, 4] and valid.indices.tolist() == [2, 3]
    single = SequenceDataset(np.zeros((2, 2, 1)), np.full(2, 2), np.array([0, 1]))
    with pytest.raises(ValueError, match="early_stopping=False"):
        ClassChronologicalSplit(0.5)(single)


def test_classifier_early_stopping_validates_every_class():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 6, 1))
    y = np.repeat(["a", "b", "c"], 20)  # sorted by class
    clf = LSTMClassifier(early_stopping=True, validation_fraction=0.2, **FAST)
    clf.fit(X, y)
    train, valid = clf.net_.get_split_datasets(
        SequenceDataset(X, np.full(60, 6), np.repeat([0, 1, 2], 20))
    )
    codes = valid.y[valid.indices]
    assert np.bincount(codes).tolist() == [4, 4, 4]
    assert np.isfinite(clf.history_[-1]["valid_loss"])


def test_class_weight_balanced_and_dict():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5, 1))
    y = np.array(["rare"] * 4 + ["common"] * 36)
    clf = LSTMClassifier(class_weight="balanced", **FAST).fit(X, y)
    expected = compute_class_weight("balanced", classes=clf.classes_, y=y)
    np.testing.assert_allclose(clf.class_weight_, expected)
    np.testing.assert_allclose(clf.net_.criterion_.weight.numpy(), expected, rtol=1e-6)
    # A heavy weight on one class makes the network predict it everywhere.
    heavy = LSTMClassifier(
        class_weight={"rare": 1000.0},
        hidden_size=8,
        max_epochs=15,
        lr=0.01,
        random_state=0,
    ).fit(X, y)
    assert heavy.class_weight_.tolist() == [1.0, 1000.0]
    assert np.mean(heavy.predict(X) == "rare") > 0.9
    plain = LSTMClassifier(hidden_size=8, max_epochs=15, lr=0.01, random_state=0)
    assert np.mean(plain.fit(X, y).predict(X) == "rare") < 0.2
    with pytest.raises(ValueError, match="class"):
        LSTMClassifier(class_weight={"unknown": 2.0}, **FAST).fit(X, y)


def test_fitted_attention_weights_read_the_normalised_inputs():
    rng = np.random.default_rng(0)
    X = rng.normal(loc=50.0, scale=5.0, size=(24, 9, 2))
    y = X[:, -1, 0]
    reg = RecurrentRegressor(
        head="attention", hidden_size=4, max_epochs=1, random_state=0
    ).fit(X, y)
    module = reg.net_.module_
    x = torch.from_numpy(X[:3].astype(np.float32))
    with torch.no_grad():
        weights = module.attention_weights(x, None)
        encoded = module.encode_inputs(x, None)[0]
        expected = module.inner.attention_weights(encoded, None)
    torch.testing.assert_close(weights, expected)
    torch.testing.assert_close(weights.sum(dim=1), torch.ones(3))


def test_gate_activations_refuse_a_convolutional_front_end_before_the_cells():
    X = np.random.default_rng(0).normal(size=(16, 12, 2))
    y = X[:, -1, 0]
    reg = RecurrentRegressor(
        conv_channels=(4,), conv_mode="before", hidden_size=4, max_epochs=1
    ).fit(X, y)
    with pytest.raises(ValueError, match="conv_mode='parallel'"):
        reg.gate_activations(X)
    parallel = RecurrentRegressor(
        conv_channels=(4,), conv_mode="parallel", hidden_size=4, max_epochs=1
    ).fit(X, y)
    assert parallel.gate_activations(X)["forget"].shape == (16, 12, 4)
