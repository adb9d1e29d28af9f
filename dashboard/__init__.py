"""The Streamlit app: `app.py` (the entry point and navigation), one file per page in
`views/`, and what the pages share (`state`, `data`, `widgets`). Pages call `tracker`
functions and draw; they hold no SQL and no business rule."""
