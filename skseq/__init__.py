"""skseq: scikit-learn-compatible recurrent networks for time series."""

__version__ = "0.1.0"

__all__ = ["__version__"]
