"""What the window is made of: the group list and the copy cards (views and their
delegates), the folder panel, and the empty and scan pages.

Widgets show models and emit what the user asked for as signals; they start no work
themselves (the window wires their signals to the jobs) and open no dialog.
"""
