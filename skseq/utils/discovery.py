"""Find skseq's public estimators and transformers (like sklearn's all_estimators)."""

from __future__ import annotations

import inspect

from sklearn.base import BaseEstimator

__all__ = ["all_estimators"]

_PUBLIC_MODULES = ("skseq", "skseq.baselines")


def all_estimators(type_filter: str | None = None) -> list[tuple[str, type]]:
    """Every public estimator and transformer class of skseq.

    Parameters
    ----------
    type_filter : {"regressor", "classifier", "transformer"} or None, default=None
        Keep only estimators of this kind; None keeps all.

    Returns
    -------
    list of (name, class)
        Sorted by name; classes exported by ``skseq`` and ``skseq.baselines``.

    Examples
    --------
    >>> from skseq.utils.discovery import all_estimators
    >>> [name for name, _ in all_estimators("transformer")]
    ['FlattenWindows', 'LagsToSequence', 'LastSteps', 'ResampleSequences', 'SequenceScaler', 'SlidingWindows']
    """
    import importlib

    from sklearn.base import is_classifier, is_regressor

    kinds = {
        None: lambda cls: True,
        "regressor": lambda cls: is_regressor(cls),
        "classifier": lambda cls: is_classifier(cls),
        "transformer": lambda cls: hasattr(cls, "transform"),
    }
    if type_filter not in kinds:
        raise ValueError(
            f"type_filter must be one of {sorted(k for k in kinds if k)} or None, "
            f"got {type_filter!r}."
        )
    found = {}
    for module_name in _PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not inspect.isabstract(obj)
                and kinds[type_filter](obj)
            ):
                found[name] = obj
    return sorted(found.items())
