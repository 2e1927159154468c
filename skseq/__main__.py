"""``python -m skseq benchmark``: the same as the ``skseq`` command."""

import sys

from skseq.cli import main

if __name__ == "__main__":
    sys.exit(main())
