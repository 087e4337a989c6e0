"""What tests share, imported as ``from tests.helpers.X import ...``; conftest files hold
only fixtures. ``pictures``: photo-like images (the demo's generator) and EXIF;
``cli``: running the command line as a user does; ``trash``: a private freedesktop trash;
``trashkill``: a trash process a test can SIGKILL at a chosen instant; ``synthetic``: scan
results made of fabricated fingerprints, for model tests that need no files."""
