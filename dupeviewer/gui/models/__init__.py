"""The review state and the Qt models over it: :class:`~.review.Review` (the groups of a
scan and the marks on them, with a signal per change), the group list and member (copy)
models, and the roles base they share.

Models are thin adapters over core data: no widgets, no painting, no background work,
and no rule of their own (what may be marked, what stands out, lives in ``core``).
"""
