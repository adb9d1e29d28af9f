"""schema.org JSON-LD: each claim a `Claim`, each reviewed claim also a `ClaimReview`.

A `Claim`'s author is the claimant (an Organization), its appearance the source that
reported it (a CreativeWork with URL, publisher and publication date), its text the
verbatim quote. A `ClaimReview` is a verdict, so it is written only for claims whose
status is one (corroborated, disputed, retracted); an unverified claim has had no review
and gets none, rather than a review that says "unverified". The review points to its
claim by `@id`, so each claim is described once.

The whole is one schema.org `Dataset` whose description, `dateCreated`, `temporalCoverage`
and `additionalProperty` state the export time, the latest as-of date and the filter.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from tracker import PROJECT_NAME
from tracker.domain.vocab import QUALIFIER_WORDS, Status
from tracker.files.interchange.rows import ExportMeta, iso

VERDICTS = frozenset({Status.corroborated, Status.disputed, Status.retracted})
RATING_NAMES = {
    Status.corroborated: "Corroborated",
    Status.disputed: "Disputed",
    Status.retracted: "Retracted",
}


def claim_iri(key: str) -> str:
    """A stable identifier for a claim, built from its key (which survives edits)."""
    return f"urn:claims-tracker:claim:{quote(key, safe='')}"


def figure_text(row: dict[str, Any]) -> str:
    """The figure as claimed: 'at least 7,199', 'about 5–7'."""
    value, low, high = row["value"], row["low"], row["high"]
    figure = f"{value:,}" if value is not None else f"{low:,}–{high:,}"
    words = QUALIFIER_WORDS.get(row["qualifier"], "")
    return f"{words} {figure}".strip()


def claim_headline(row: dict[str, Any]) -> str:
    """One line that says what was claimed, by whom, where and for when."""
    if row["cumulative"] and row["period_start"]:
        period = f"{iso(row['period_start'])} to {iso(row['period_end'])}"
    else:
        period = f"as of {iso(row['period_end'])}"
    who = row.get("claimant_short") or row["claimant_name"]
    text = f"{figure_text(row)} {row['metric_noun']} in {row['place_name']}, {period}"
    return f"{text[0].upper()}{text[1:]}, according to {who}"


def _clean(node: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if v not in (None, "", [])}


def claim_node(row: dict[str, Any]) -> dict[str, Any]:
    start, end = iso(row["period_start"]), iso(row["period_end"])
    return _clean(
        {
            "@type": "Claim",
            "@id": claim_iri(row["id"]),
            "identifier": row["id"],
            "name": claim_headline(row),
            "text": row["quote"],
            "inLanguage": row["quote_language"],
            "author": _clean(
                {
                    "@type": "Organization",
                    "name": row["claimant_name"],
                    "alternateName": row.get("claimant_short"),
                    "identifier": row["claimant"],
                }
            ),
            "datePublished": iso(row["source_published"]),
            "appearance": _clean(
                {
                    "@type": "CreativeWork",
                    "url": row["source_url"],
                    "name": row["source_title"],
                    "headline": row["source_title"],
                    "datePublished": iso(row["source_published"]),
                    "publisher": {"@type": "Organization", "name": row["source_publisher"]},
                    "archivedAt": row["source_archive_url"],
                    "inLanguage": row["source_language"],
                }
            ),
            "spatialCoverage": {
                "@type": "Place",
                "name": row["place_name"],
                "identifier": row["place"],
            },
            "temporalCoverage": f"{start}/{end}" if start else end,
            "creativeWorkStatus": row["status"],
        }
    )


def review_node(row: dict[str, Any]) -> dict[str, Any] | None:
    """The ClaimReview of a claim with a verdict status; None for any other claim."""
    if row["status"] not in VERDICTS:
        return None
    reviewed = row.get("_reviewed_at") or row.get("_updated_at")
    return _clean(
        {
            "@type": "ClaimReview",
            "@id": claim_iri(row["id"]) + ":review",
            "claimReviewed": claim_headline(row),
            "itemReviewed": {"@id": claim_iri(row["id"])},
            "reviewRating": _clean(
                {
                    "@type": "Rating",
                    "alternateName": RATING_NAMES[Status(row["status"])],
                    "ratingExplanation": row["status_reason"],
                }
            ),
            "reviewBody": row["status_reason"],
            "author": {"@type": "Organization", "name": PROJECT_NAME},
            "datePublished": iso(reviewed.date()) if reviewed else None,
        }
    )


def dataset(meta: ExportMeta) -> dict[str, Any]:
    """The Dataset node around the claims (its `hasPart` is added by the caller)."""
    temporal = f"{iso(meta.first_as_of)}/{iso(meta.latest_as_of)}" if meta.latest_as_of else None
    return _clean(
        {
            "@context": "https://schema.org",
            "@type": "Dataset",
            "name": f"{PROJECT_NAME}: claims ({meta.filter_text})",
            "description": meta.sentence(),
            "dateCreated": iso(meta.exported_at),
            "temporalCoverage": temporal,
            "creator": {"@type": "Organization", "name": PROJECT_NAME},
            "additionalProperty": [
                {"@type": "PropertyValue", "name": "as_of", "value": iso(meta.latest_as_of)},
                {"@type": "PropertyValue", "name": "filter", "value": meta.filter_text},
                {"@type": "PropertyValue", "name": "claim_count", "value": meta.claims},
            ],
        }
    )
