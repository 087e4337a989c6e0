"""The Qt-free duplicate-finding engine.

Data flows one way: folders -> discover -> fingerprint (cached) -> group -> plan -> trash.
Front ends call :func:`scan` and :mod:`dupeviewer.core.trash`; nothing here imports Qt.
"""

from dupeviewer.core.cancel import Cancelled, CancelToken, Progress
from dupeviewer.core.model import Group, ImageInfo, Member, Options, ScanResult, Skipped
from dupeviewer.core.scan import scan

__all__ = [
    "CancelToken",
    "Cancelled",
    "Group",
    "ImageInfo",
    "Member",
    "Options",
    "Progress",
    "ScanResult",
    "Skipped",
    "scan",
]
