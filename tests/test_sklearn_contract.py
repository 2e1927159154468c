"""scikit-learn's estimator checks over every recurrent estimator.

The baselines and transformers run the same checks in their own test files.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skseq import (
    GRUClassifier,
    GRURegressor,
    LSTMClassifier,
    LSTMRegressor,
    RecurrentClassifier,
    RecurrentRegressor,
    RecursiveRegressor,
    RNNClassifier,
    RNNRegressor,
    Seq2SeqRegressor,
)

# Tiny networks and few epochs keep the checks fast; lr is raised so that the
# checks' "must learn the training set" thresholds are met in those epochs.
SMALL = dict(hidden_size=16, max_epochs=30, lr=0.03, batch_size=64, random_state=0)

ESTIMATORS = [
    RecurrentRegressor(cell="lstm", **SMALL),
    RecurrentRegressor(cell="lstm", normalize="global", **SMALL),
    RNNRegressor(**SMALL),
    LSTMRegressor(**SMALL),
    GRURegressor(**SMALL),
    Seq2SeqRegressor(**SMALL),
    RecursiveRegressor(LSTMRegressor(**SMALL)),
    RecurrentClassifier(cell="gru", **SMALL),
    RNNClassifier(**SMALL),
    LSTMClassifier(**SMALL),
    GRUClassifier(**SMALL),
]

# Each expected failure comes from a deliberate difference between a
# sequence model and a tabular one.
N_FEATURES_REASON = (
    "2-D X is read as univariate sequences (n_samples, n_timesteps): "
    "n_features_in_ counts features per time step (1), not columns, and the "
    "number of time steps may change between fit and predict by design "
    "(variable-length sequences)."
)
FLOAT32_REASON = (
    "the networks compute in float32: a sample's prediction can differ in the "
    "last bits (about 1e-7) with the batch it is computed in, while the check "
    "asks for atol=1e-7; observed on RNNRegressor only, so non-strict."
)
EXPECTED_FAILURES = {
    "check_methods_subset_invariance": FLOAT32_REASON,
    "check_methods_sample_order_invariance": FLOAT32_REASON,
    "check_n_features_in": N_FEATURES_REASON,
    "check_n_features_in_after_fitting": N_FEATURES_REASON,
    "check_estimators_nan_inf": (
        "NaN at the start of a sequence is front padding (a shorter sequence) "
        "by design, and the check plants its NaN at X[0, 0], the first time "
        "step. inf anywhere and NaN elsewhere raise ValueError: see "
        "test_input_validation.py."
    ),
}


CLASSIFIER_FAILURES = {
    "check_classifiers_train": (
        "besides accuracy (> 0.83, which the classifiers reach: "
        "test_estimators.py::test_classifiers_learn_blobs), the check predicts "
        "with fewer 2-D columns and expects an error; " + N_FEATURES_REASON
    ),
}


WINDOW_FAILURES = {
    "check_regressors_train": (
        "the check's 2-D X is a table read as univariate sequences; "
        "normalize='window' (the default) centres every sequence on its last "
        "value and scales it by its own spread, which throws away most of the "
        "per-row levels this tabular target depends on (RNNRegressor sometimes "
        "passes anyway). The same estimator "
        "with normalize='global' passes the check (listed separately)."
    ),
}


def expected_failed_checks(estimator):
    if hasattr(estimator, "predict_proba"):
        return {**EXPECTED_FAILURES, **CLASSIFIER_FAILURES}
    if getattr(estimator, "normalize", None) == "window" or (
        getattr(getattr(estimator, "estimator", None), "normalize", None) == "window"
    ):
        return {**EXPECTED_FAILURES, **WINDOW_FAILURES}
    return EXPECTED_FAILURES


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
