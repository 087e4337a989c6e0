"""``python -m dupeviewer`` behaves exactly like the ``dupeviewer`` command."""

import sys

from dupeviewer.cli import main

sys.exit(main())
