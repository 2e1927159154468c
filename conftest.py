"""pytest configuration for the whole repository (tests and doctests).

One torch thread per test process: the suite runs under pytest-xdist with one
process per core, and tiny networks run many times faster single-threaded
than with threads competing for the cores (measured: one estimator check
took 1.7 s with 1 thread and 49 s with 2). This file also covers the
docstring examples collected from ``skseq`` by ``--doctest-modules``.
"""

import torch

torch.set_num_threads(1)
