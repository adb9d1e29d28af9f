"""Reading text: figures in words, quotes, draft claims from an article, highlights.

Pure text processing with no database; may import tracker.domain and tracker.core."""
