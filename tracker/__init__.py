"""The claims tracker: figures about a war, each kept with who claimed it, where and when.

The package is a library first (a newsroom can script against it without Streamlit);
the CLI (`tracker.cli`) and the dashboard (`dashboard/`) are its two users.
"""

__version__ = "0.1.0"
PROJECT_NAME = "Claims Tracker"
