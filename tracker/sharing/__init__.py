"""What leaves the tracker for publication: citations, bibliographies, chart figures
and images, claims in words. May import tracker.read, tracker.checks and below."""
