"""The read side: questions the pages and the CLI ask, answered in SQL.

Aggregations run in the database (GROUP BY, window-free lookups) and return small
DataFrames or plain records; nothing here loads the whole claims table into pandas.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from tracker.db import read_session
from tracker.models import Claim, Claimant, Metric, Source
from tracker.store import data_version as _data_version


def data_version(engine: Engine) -> int:
    """Bumped by every write; pages use it as the key of their caches."""
    with read_session(engine) as session:
        return _data_version(session)


def stats(engine: Engine) -> dict[str, pd.DataFrame]:
    """Counts per metric, per claimant and per source, for `tracker stats`."""
    with read_session(engine) as session:
        per_metric = session.exec(
            select(Metric.key, Metric.label, func.count(Claim.id))
            .join(Claim, Claim.metric_id == Metric.id, isouter=True)
            .group_by(Metric.id, Metric.key, Metric.label)
            .order_by(Metric.key)
        ).all()
        per_claimant = session.exec(
            select(Claimant.key, Claimant.name, func.count(Claim.id))
            .join(Claim, Claim.claimant_id == Claimant.id)
            .group_by(Claimant.id, Claimant.key, Claimant.name)
            .order_by(func.count(Claim.id).desc(), Claimant.key)
        ).all()
        per_source = session.exec(
            select(Source.publisher, Source.published, Source.url, func.count(Claim.id))
            .join(Claim, Claim.source_id == Source.id, isouter=True)
            .group_by(Source.id, Source.publisher, Source.published, Source.url)
            .order_by(func.count(Claim.id).desc(), Source.published.desc())
        ).all()
    return {
        "metric": pd.DataFrame(per_metric, columns=["metric", "label", "claims"]),
        "claimant": pd.DataFrame(per_claimant, columns=["claimant", "name", "claims"]),
        "source": pd.DataFrame(per_source, columns=["publisher", "published", "url", "claims"]),
    }


def totals(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {
            "sources": session.exec(select(func.count(Source.id))).one(),
            "claims": session.exec(select(func.count(Claim.id))).one(),
            "claimants": session.exec(select(func.count(Claimant.id))).one(),
        }
