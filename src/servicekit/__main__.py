"""``python -m servicekit``: the same as the ``servicekit`` console script."""

import sys

from servicekit.cli._app import main

sys.exit(main())
