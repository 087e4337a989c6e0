"""``python -m dupeviewer`` behaves exactly like the ``dupeviewer`` command."""

from dupeviewer.cli import entry

entry()
