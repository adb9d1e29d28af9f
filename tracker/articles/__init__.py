"""Articles in: from a URL or a news feed to a source's fields, draft claims and an inbox.

- `fetch`: safe HTTP fetching (http(s) only, public addresses only unless allowed, every
  redirect checked, size and time limits, one clear line for every failure);
- `reading`: an article's main text and metadata (trafilatura);
- `intake`: a URL to the source's fields and the extraction assistant's drafts, and the
  corrected source stored with its archived page;
- `archive`: the fetched HTML, compressed, with its hash and fetch time;
- `feeds`: RSS and Atom feeds, polling, and the inbox curators work from.
"""
