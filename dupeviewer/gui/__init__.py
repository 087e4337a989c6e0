"""The PySide6 front end: a thin window over the engine in :mod:`dupeviewer.core`.

Folders by role, layered (a module imports only from its own layer's lower neighbours;
``pyproject.toml`` states it as import-linter contracts and ``tests/test_layers.py`` checks
them)::

    app            start-up: QApplication, names for QSettings, icon, error dialog, run()
    main_window    builds the parts and wires their signals; owns no logic
    actions        the window's actions, menus and toolbar (no behaviour)
    widgets/       views, delegates (the copy card), folder panel, pages
    dialogs/       confirm trash, problems, about, export, compare, the window's prompts
    jobs/          background work: workers on QThreads, operations, thumbnails
    models/        the review state and the Qt models over it
    settings, look, text, desktop    QSettings, icons, wording, the desktop's file calls

Only ``app`` imports the main window; nothing in ``gui`` imports ``dupeviewer.cli``.
"""
