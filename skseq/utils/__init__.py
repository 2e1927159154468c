"""Internal helpers shared by skseq's estimators and transformers."""
