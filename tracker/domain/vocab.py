"""Closed vocabularies of the domain (qualifiers, statuses, kinds, roles) and their wording.

Kept as `StrEnum`s so that they are stored as plain strings (portable across SQLite and
PostgreSQL, readable in exports) while code compares against named members.
"""

from __future__ import annotations

from enum import StrEnum


class Qualifier(StrEnum):
    """How the claimant qualified the figure. DOMAIN.md: "at least 12" does not contradict 15."""

    exact = "exact"
    about = "about"
    at_least = "at_least"
    more_than = "more_than"
    at_most = "at_most"
    fewer_than = "fewer_than"


QUALIFIER_WORDS: dict[str, str] = {
    Qualifier.exact: "",
    Qualifier.about: "about",
    Qualifier.at_least: "at least",
    Qualifier.more_than: "more than",
    Qualifier.at_most: "at most",
    Qualifier.fewer_than: "fewer than",
}


class Status(StrEnum):
    """Where a claim stands in review. A retraction is a status, never a deletion."""

    unverified = "unverified"
    corroborated = "corroborated"
    disputed = "disputed"
    retracted = "retracted"


#: Statuses that need a stated reason, because a reader will ask "why?".
STATUSES_NEEDING_REASON = frozenset({Status.disputed, Status.retracted})


class DateBasis(StrEnum):
    """How sure the as-of date is (facts/README.md)."""

    stated = "stated"
    announced = "announced"
    source_published = "source_published"
    inferred = "inferred"


class PublishedBasis(StrEnum):
    """Whether a source's publication date was printed or inferred from its figures."""

    stated = "stated"
    inferred = "inferred"


class ClaimantKind(StrEnum):
    un_agency = "un_agency"
    government = "government"
    armed_forces = "armed_forces"
    local_authority = "local_authority"
    law_enforcement = "law_enforcement"
    ngo = "ngo"
    independent_monitor = "independent_monitor"
    media = "media"
    research = "research"  # a study or researchers' estimate
    civil_society = "civil_society"  # local doctors', lawyers' and residents' networks
    health_facility = "health_facility"  # a hospital's own count
    other = "other"


class ClaimantSide(StrEnum):
    """Figures from a party about its enemy's losses read differently from a monitor's."""

    monitor = "monitor"
    party = "party"  # a party to the war: its government, army or authorities
    third_party = "third_party"
    unknown = "unknown"
    # Older stores and exports name the party; still read, no longer offered.
    party_ukraine = "party_ukraine"
    party_russia = "party_russia"


#: The sides a curator chooses from (the legacy per-war values are only read).
SIDES_OFFERED = [
    ClaimantSide.monitor,
    ClaimantSide.party,
    ClaimantSide.third_party,
    ClaimantSide.unknown,
]


class PlaceLevel(StrEnum):
    country = "country"
    region = "region"
    area = "area"
    settlement = "settlement"


class Role(StrEnum):
    """Who may do what. Ordered: each role can do everything the ones before it can."""

    viewer = "viewer"
    curator = "curator"
    editor = "editor"
    admin = "admin"


ROLE_RANK = {Role.viewer: 0, Role.curator: 1, Role.editor: 2, Role.admin: 3}
