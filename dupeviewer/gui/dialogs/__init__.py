"""Windows on top of the main one: confirm the trash, list skipped or refused files, the
undo summary and errors, About, the compare view, and File > Export.

:class:`~.prompts.Prompts` opens the dialogs the window's work needs and keeps the last
of each kind; :class:`~.export.Exporter` writes exports and reports through a signal.
"""
