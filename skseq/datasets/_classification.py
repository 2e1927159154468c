"""Bundled sequence-classification sets from the UCR/UEA archives."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from sklearn.utils._param_validation import validate_params

from ._base import EXACT_FLOATS, check_choice, data_path

#: Names accepted by :func:`load_classification`.
CLASSIFICATION_DATASETS: tuple[str, ...] = (
    "ArrowHead",
    "BasicMotions",
    "GunPoint",
    "ItalyPowerDemand",
    "JapaneseVowels",
)

_VARIABLE_LENGTH = frozenset({"JapaneseVowels"})

#: Published test-set accuracies, to compare against, per data set.
#:
#: Source: the UCR Time Series Classification Archive (2018), file
#: ``DataSummary.csv`` on https://www.cs.ucr.edu/~eamonn/time_series_data_2018/
#: (Dau et al., "The UCR Time Series Archive", IEEE/CAA Journal of Automatica
#: Sinica 6(6), 2019). It publishes *error rates* of 1-nearest-neighbour
#: classifiers on the default train/test split; the values here are
#: ``1 - error``. ``1nn_dtw_learned_window`` uses the warping window chosen by
#: leave-one-out on the training set (0 for these three sets, hence equal to
#: Euclidean); ``1nn_dtw_full_window`` is unconstrained DTW.
#: BasicMotions and JapaneseVowels (UEA multivariate archive) are left out:
#: we could not check their published figures against the source here.
REFERENCE_ACCURACIES: dict[str, dict[str, float]] = {
    "ArrowHead": {
        "1nn_euclidean": 0.8000,
        "1nn_dtw_learned_window": 0.8000,
        "1nn_dtw_full_window": 0.7029,
    },
    "GunPoint": {
        "1nn_euclidean": 0.9133,
        "1nn_dtw_learned_window": 0.9133,
        "1nn_dtw_full_window": 0.9067,
    },
    "ItalyPowerDemand": {
        "1nn_euclidean": 0.9553,
        "1nn_dtw_learned_window": 0.9553,
        "1nn_dtw_full_window": 0.9504,
    },
}

_SPLITS = ("train", "test")


@functools.lru_cache(maxsize=len(CLASSIFICATION_DATASETS))
def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(
        data_path(f"tsc_{name}.csv.gz"),
        dtype={"split": str, "label": str},
        **EXACT_FLOATS,
    )


def _split_cases(
    rows: pd.DataFrame, variable: bool
) -> tuple[np.ndarray | list[np.ndarray], np.ndarray]:
    channels = [c for c in rows.columns if c[:1] == "c" and c[1:].isdigit()]
    case = rows["case"].to_numpy()
    starts = np.flatnonzero(np.r_[True, case[1:] != case[:-1]])
    lengths = np.diff(np.r_[starts, len(case)])
    # A copy: pandas may hand out a read-only view of its own data.
    values = rows[channels].to_numpy(dtype=np.float64, copy=True)
    labels = rows["label"].to_numpy()[starts].astype(str)
    if variable:
        return [
            values[a : a + n].copy() for a, n in zip(starts, lengths, strict=True)
        ], labels
    (length,) = set(lengths.tolist())
    return values.reshape(len(starts), length, len(channels)), labels


@validate_params(
    {"name": [str], "split": [str, None]}, prefer_skip_nested_validation=True
)
def load_classification(
    name: str, split: str | None = None
) -> tuple[np.ndarray | list[np.ndarray], np.ndarray]:
    """Load a bundled sequence-classification data set.

    Five small sets from the UCR (univariate) and UEA (multivariate) time
    series classification archives, with their official train/test split:

    ================  =======  ======  ========  =========  =======
    name              train    test    length    features   classes
    ================  =======  ======  ========  =========  =======
    ArrowHead         36       175     251       1          3
    BasicMotions      40       40      100       6          4
    GunPoint          50       150     150       1          2
    ItalyPowerDemand  67       1029    24        1          2
    JapaneseVowels    270      370     7 to 29   12         9
    ================  =======  ======  ========  =========  =======

    Parameters
    ----------
    name : str
        One of :data:`CLASSIFICATION_DATASETS` (case-insensitive).
    split : {"train", "test"} or None, default=None
        Which part to return; ``None`` returns both, training cases first.

    Returns
    -------
    X : numpy.ndarray of shape (n_samples, n_timesteps, n_features) or list
        float64 values in skseq's layout, writeable arrays of their own
        (changing them does not change a later call's result). The archive files (and sktime/aeon)
        are channels-first, ``(n_cases, n_channels, n_timepoints)``; they are
        transposed here. JapaneseVowels has series of different lengths, so
        ``X`` is a list of 2-D arrays of shape ``(n_timesteps_i, 12)``.
    y : numpy.ndarray of shape (n_samples,)
        The class labels as strings, as written in the archive files
        (``"1"``, ``"2"`` for GunPoint; ``"Standing"``, ``"Running"``... for
        BasicMotions).

    Raises
    ------
    ValueError
        For an unknown name (the message lists the available sets) or split.

    Notes
    -----
    The UCR series (ArrowHead, GunPoint, ItalyPowerDemand) are z-normalised
    per series by the archive. :data:`REFERENCE_ACCURACIES` holds published
    1-NN accuracies on the official test split. Sources and licences are in
    ``skseq/datasets/data/README.md``.

    Examples
    --------
    >>> X, y = load_classification("GunPoint", split="train")
    >>> X.shape
    (50, 150, 1)
    """
    name = check_choice(name, CLASSIFICATION_DATASETS, "data set")
    if split is not None:
        split = check_choice(split, _SPLITS, "split")
    rows = _read(name)
    variable = name in _VARIABLE_LENGTH
    parts = [split] if split is not None else list(_SPLITS)
    Xs, ys = [], []
    for part in parts:
        X, y = _split_cases(rows[rows["split"] == part], variable)
        Xs.append(X)
        ys.append(y)
    if len(parts) == 1:
        return Xs[0], ys[0]
    y_all = np.concatenate(ys)
    if variable:
        return [x for X in Xs for x in X], y_all
    return np.concatenate(Xs, axis=0), y_all
