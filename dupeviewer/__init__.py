"""dupeviewer: find duplicate and near-duplicate photos and trash the redundant copies safely."""

__version__ = "0.1.0"
