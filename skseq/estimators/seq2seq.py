"""Encoder-decoder recurrent regressor for multi-step forecasts."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ..nn import Seq2SeqNet
from ..nn.distributions import point_index
from . import _inputs
from ._base import ATTRIBUTES_DOC, INPUTS_DOC, PARAMETERS_DOC, REGRESSOR_NORMALIZE
from ._data import SequenceDataset
from ._probabilistic import PROBABILISTIC_DOC
from .regressors import _RegressorBase


def _without(doc: str, name: str) -> str:
    """Drop one parameter's entry from a numpydoc parameter block."""
    lines, out, skipping = doc.splitlines(), [], False
    for line in lines:
        if line.startswith(f"    {name} :"):
            skipping = True
            continue
        if skipping and line.startswith("        "):
            continue
        skipping = False
        out.append(line)
    return "\n".join(out)


class Seq2SeqRegressor(_RegressorBase):
    __doc__ = f"""Encoder-decoder (seq2seq) recurrent regressor with teacher forcing.

    The encoder reads the input window; the decoder, started from the
    encoder's final state, emits the horizon one step at a time, each step's
    input being the previous step's value. In training the decoder is fed
    the true previous values (the target shifted by one step: teacher
    forcing) with probability ``teacher_forcing``; in ``predict`` it feeds
    back its own predictions. ``y`` has one column per horizon step, all
    the same quantity (e.g. the temperature at t+1..t+24). With a
    probabilistic ``loss`` the decoder emits a distribution per step and
    feeds back its point forecast (the level nearest the median, or the
    mean).

    Parameters
    ----------
    cell : {{"rnn", "lstm", "gru", "peephole", "cifg"}}, default="lstm"
        Cell of both encoder and decoder.
    teacher_forcing : float, default=1.0
        Probability, per decoder step, of feeding the true previous value
        during training; below 1 the decoder also learns from its own
        predictions (scheduled sampling), which can reduce the train/predict
        mismatch (exposure bias) at some cost in speed.
{_without(PARAMETERS_DOC, "bidirectional")}
    scale_target : bool, default=True
        Standardise ``y`` with one mean and scale shared by all horizon
        columns (they are fed back into the decoder), undone in ``predict``.
{PROBABILISTIC_DOC}
{REGRESSOR_NORMALIZE}{INPUTS_DOC}    known_future : array-like of int or None, default=None
        Known-future covariates for the decoder: the feature indices of the
        lead columns that ``make_supervised(..., known_future=[...])``
        appends (for k columns, k * horizon indices: all steps of the first
        column, then the next). At step ``h`` the decoder reads the values
        for ``t + h`` from the window's last row next to the previous value.
        The encoder reads them too, as ordinary features.

    Attributes
    ----------
{ATTRIBUTES_DOC}
    y_mean_, y_scale_ : ndarray of shape (horizon,)
        Target standardisation (equal across columns).
    target_change_scale_ : float
        Standard deviation of the one-step changes of column
        ``target_index`` in the training windows: the unit of the outputs
        with ``normalize="delta"`` (set only in that mode).
    quantiles_ : ndarray
        The ``quantiles`` levels, sorted.

    Examples
    --------
    >>> import numpy as np
    >>> from skseq import Seq2SeqRegressor
    >>> t = np.arange(400, dtype=float)
    >>> series = np.sin(t / 8)
    >>> X = np.stack([series[i : i + 24] for i in range(360)])
    >>> Y = np.stack([series[i + 24 : i + 30] for i in range(360)])
    >>> model = Seq2SeqRegressor(hidden_size=16, max_epochs=2,
    ...                          random_state=0).fit(X, Y)
    >>> model.predict(X[:2]).shape
    (2, 6)
    """

    _shared_target_scale = True

    def __init__(
        self,
        cell="lstm",
        *,
        hidden_size=64,
        num_layers=1,
        dropout=0.0,
        teacher_forcing=1.0,
        max_epochs=50,
        batch_size=64,
        lr=1e-3,
        optimizer="adam",
        weight_decay=0.0,
        clip_grad_norm=1.0,
        early_stopping=False,
        validation_fraction=0.1,
        patience=5,
        random_state=None,
        device="cpu",
        verbose=0,
        callbacks=None,
        warm_start=False,
        scale_target=True,
        loss="squared_error",
        quantiles=(0.1, 0.5, 0.9),
        forget_bias=1.0,
        recurrent_init="default",
        layer_norm=False,
        torch_threads=None,
        precision="float32",
        normalize="window",
        target_index=0,
        categorical_features=None,
        embedding_dim=None,
        known_future=None,
        lr_schedule="constant",
    ):
        self._set_init_params(locals())

    _parameter_constraints = {
        **_RegressorBase._parameter_constraints,
        "teacher_forcing": [Interval(Real, 0.0, 1.0, closed="both")],
        "known_future": ["array-like", None],
    }

    def _module_spec(self, n_features: int, n_outputs: int):
        head = self._head_kwargs()
        if head:
            levels = self.quantiles_.tolist() if self.loss == "quantile" else ()
            head["point_index"] = point_index(self._distribution, levels)
        return Seq2SeqNet, {
            **head,
            "n_features": n_features,
            "horizon": n_outputs // self._outputs_per_target(),
            "cell": self._cell,
            "hidden_size": int(self.hidden_size),
            "num_layers": int(self.num_layers),
            "dropout": float(self.dropout),
            "teacher_forcing": float(self.teacher_forcing),
            **self._cell_options(),
            "future_positions": self._future_positions(n_features, n_outputs),
        }

    def _future_positions(self, n_features: int, horizon: int):
        """Positions of the known-future columns in the encoded input, per step."""
        if self.known_future is None:
            return None
        columns = [int(c) for c in np.atleast_1d(np.asarray(self.known_future))]
        if (
            not columns
            or len(columns) % horizon
            or any(not -n_features <= c < n_features for c in columns)
        ):
            raise ValueError(
                f"known_future must list k * horizon (horizon={horizon}) feature "
                f"indices of the input ({n_features} features), variable by "
                "variable and step by step as make_supervised(known_future=...) "
                f"lays them out; got {self.known_future!r}."
            )
        columns = [c % n_features for c in columns]
        categorical = self.categorical_features_
        continuous = [f for f in range(n_features) if f not in categorical]
        widths = _inputs.embedding_widths(
            [int(c.max(initial=0)) + 1 for c in self.categories_], self.embedding_dim
        )
        offsets = np.cumsum([len(continuous)] + widths)
        encoded = {f: [i] for i, f in enumerate(continuous)}
        for k, f in enumerate(categorical):
            encoded[f] = list(range(offsets[k], offsets[k] + widths[k]))
        n_vars = len(columns) // horizon
        return [
            [p for j in range(n_vars) for p in encoded[columns[j * horizon + h]]]
            for h in range(horizon)
        ]

    def _make_dataset(self, seqs, y_encoded) -> SequenceDataset:
        return SequenceDataset(seqs.X, seqs.lengths, y_encoded, teacher=True)
