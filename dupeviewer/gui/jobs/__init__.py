"""Background work: each job runs one plain engine call (``work(progress, cancel)``) on its
own QThread, and thumbnails decode in a QThreadPool.

Jobs take the review state and settings they need and report through signals (results
as immutable payloads, failures as the exception); they never hold a widget or the window.
"""
