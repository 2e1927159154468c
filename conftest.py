"""pytest configuration for the whole repository (tests and doctests).

One torch thread per test process: the suite runs under pytest-xdist with one
process per core, and tiny networks run many times faster single-threaded
than with threads competing for the cores. This file also covers the
docstring examples collected from ``skseq`` by ``--doctest-modules``.
"""

import torch

torch.set_num_threads(1)
