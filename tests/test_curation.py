"""tracker.curation: the app's actions, each one transaction acting as the account read
afresh; the upload report and the all-or-nothing import."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from tests.curation_support import (
    ARTICLE,
    BAD,
    MONITOR,
    MONITOR_CLAIM,
    NEW_SOURCE,
    PASSWORD,
    counts,
)
from tests.helpers import claim
from tracker import curation
from tracker.core.errors import PermissionDenied, ValidationFailed
from tracker.domain.models import User
from tracker.domain.schemas import ClaimantIn, ClaimIn, PlaceIn, SourceIn
from tracker.store.accounts import LoginFailed, TooManyAttempts, disable_user
from tracker.store.db import make_engine, read_session, write_session
from tracker.store.write import SYSTEM

pytestmark = pytest.mark.usefixtures("cheap_hashes")
CLAIM = ClaimIn.model_validate(
    claim(
        id="example-1",
        value=7199,
        period_end="2023-02-13",
        **MONITOR_CLAIM,
        quote="it had recorded 7,199 civilian deaths",
    )
)
NEW = SourceIn.model_validate(ARTICLE | {"url": "https://example.org/news/new"})


@pytest.fixture
def engine_of():
    engines = []

    def _make(url: str):  # noqa: ANN202
        engines.append(make_engine(url))
        return engines[-1]

    yield _make
    for e in engines:
        e.dispose()


def writes(engine, user):  # noqa: ANN001, ANN201
    """Every write action of the app, as `user`."""
    return {
        "add_source": lambda: curation.add_source(engine, user, NEW),
        "add_claim": lambda: curation.add_claim(engine, user, 1, CLAIM),
        "add_claims": lambda: curation.add_claims(engine, user, 1, [(1, CLAIM)]),
        "add_claimant": lambda: curation.add_claimant(
            engine, user, ClaimantIn(key="other_monitor", name="Other Monitor")
        ),
        "add_place": lambda: curation.add_place(
            engine, user, PlaceIn(key="exampleville", name="Exampleville")
        ),
        "edit_source": lambda: curation.edit_source(
            engine, user, 1, {"title": "x"}, expected_version=1, reason="why"
        ),
        "import_upload": lambda: curation.import_upload(engine, user, [NEW_SOURCE[:2]]),
    }


@pytest.mark.parametrize("user", [None, "", "nobody"])
def test_every_action_refuses_a_viewer_and_writes_nothing(curation_db, engine_of, user):
    url, _ = curation_db
    engine = engine_of(url)
    before = counts(url)
    for name, action in writes(engine, user).items():
        with pytest.raises(PermissionDenied):
            action()
        assert counts(url) == before, name


def test_a_disabled_account_is_refused_at_its_next_write(curation_sqlite, engine_of):
    url, _ = curation_sqlite
    engine = engine_of(url)
    with write_session(engine) as session:
        disable_user(session, SYSTEM, "cora")
    with pytest.raises(PermissionDenied, match="account 'cora' is disabled and cannot add sources"):
        curation.add_source(engine, "cora", NEW)
    assert curation.actor_of(engine, "cora").disabled


def test_log_in_counts_a_failure_even_though_it_raises(curation_db, engine_of):
    url, _ = curation_db
    engine = engine_of(url)
    clock = lambda: datetime(2024, 3, 1, 9, 0, tzinfo=UTC)  # noqa: E731
    for _ in range(2):
        with pytest.raises(LoginFailed, match="^wrong name or password$"):
            curation.log_in(engine, "cora", "not the password", clock=clock)
    with pytest.raises(TooManyAttempts):
        curation.log_in(engine, "cora", "not the password", clock=clock)
    with read_session(engine) as session:
        assert session.exec(select(User.failed_logins).where(User.name == "cora")).one() == 3
    actor = curation.log_in(
        engine, "cora", PASSWORD, clock=lambda: datetime(2024, 3, 1, 9, 1, tzinfo=UTC)
    )
    assert (actor.name, actor.role) == ("cora", "curator")


def test_several_claims_are_stored_together_or_not_at_all(curation_sqlite, engine_of):
    url, source_id = curation_sqlite
    engine = engine_of(url)
    other = ClaimIn.model_validate(
        claim(
            id="example-2",
            value=11756,
            metric="civilian_injured",
            place="UA",
            claimant="example_monitor",
            period_end="2023-02-13",
            quote="7,199 civilian deaths and 11,756 wounded",
        )
    )
    wrong = ClaimIn.model_validate(
        claim(
            id="example-3",
            value=6,
            metric="settlements_attacked",
            place="UA-14",
            claimant="example_monitor",
            period_end="2023-03-01",
            quote="six settlements",
        )
    )
    with pytest.raises(ValidationFailed) as refused:
        curation.add_claims(engine, "cora", source_id, [(1, CLAIM), (2, other), (5, wrong)])
    [problem] = refused.value.problems
    assert (problem.line, problem.field) == (5, "period_end")
    assert counts(url)["claims"] == 0
    ids = curation.add_claims(engine, "cora", source_id, [(1, CLAIM), (2, other)])
    assert len(ids) == 2 and counts(url)["claims"] == 2


def test_claim_for_editing_says_who_may_correct_and_review(curation_sqlite, engine_of):
    url, source_id = curation_sqlite
    engine = engine_of(url)
    claim_id = curation.add_claim(engine, "cora", source_id, CLAIM)
    rights = {
        user: (e.can_edit, e.can_review)
        for user in ("cora", "carl", "eddie", None)
        if (e := curation.claim_for_editing(engine, claim_id, user))
    }
    assert rights == {
        "cora": (True, False),
        "carl": (False, False),
        "eddie": (True, True),
        None: (False, False),
    }
    editable = curation.claim_for_editing(engine, claim_id, "cora")
    assert (editable.version, editable.fields["claimant"], editable.fields["period_end"]) == (
        1,
        "example_monitor",
        "2023-02-13",
    )
    assert curation.claim_for_editing(engine, 999, "cora") is None
    assert curation.may_edit_claim(engine, "cora", claim_id)
    assert not curation.may_edit_claim(engine, "carl", claim_id)
    assert curation.may_edit_source(engine, "cora", source_id)
    assert not curation.may_edit_source(engine, "carl", source_id)
    assert curation.may_edit_source(engine, "eddie", source_id)


def test_a_stored_url_is_found_in_any_of_its_spellings(curation_sqlite, engine_of):
    url, source_id = curation_sqlite
    engine = engine_of(url)
    found = curation.source_with_url(
        engine, "https://EXAMPLE.org/news/monitor-update/?utm_source=x"
    )
    assert (found.id, found.title) == (source_id, ARTICLE["title"])
    assert curation.source_with_url(engine, "https://example.org/news/other") is None
    assert curation.source_with_url(engine, "not a url") is None


def test_the_upload_report_gives_each_file_its_own_verdict(curation_sqlite, engine_of):
    url, _ = curation_sqlite
    engine = engine_of(url)
    report = curation.check_upload(engine, [NEW_SOURCE[:2], BAD[:2]])
    new, bad = report.files
    assert not report.ok
    assert (new.name, [c["claim"] for c in new.added], new.problems) == (
        "monitor-march.yaml",
        ["example-new-1", "example-new-2"],
        [],
    )
    assert new.sources == [
        {"url": "https://example.org/news/monitor-march", "action": "add", "kept": 0}
    ]
    assert [(p.file, p.line, p.field) for p in bad.problems] == [("bad.yaml", 9, "claims[0].value")]
    twice = curation.check_upload(engine, [NEW_SOURCE[:2], NEW_SOURCE[:2]])
    assert twice.files[0].problems[0].message == "two uploaded files have this name; rename one"
    assert counts(url)["claims"] == 0


def test_the_import_plans_again_when_it_writes_and_writes_all_or_nothing(
    curation_sqlite, engine_of
):
    url, source_id = curation_sqlite
    engine = engine_of(url)
    assert curation.check_upload(engine, [NEW_SOURCE[:2]]).ok
    # After the report, a curator stores a claim under one of the file's ids.
    taken = ClaimIn.model_validate(CLAIM.model_dump() | {"id": "example-new-1"})
    curation.add_claim(engine, "cora", source_id, taken)
    before = counts(url)
    with pytest.raises(ValidationFailed, match="already belongs to"):
        curation.import_upload(engine, "eddie", [NEW_SOURCE[:2]])
    assert counts(url) == before
    with pytest.raises(PermissionDenied, match="only an editor or above can import"):
        curation.import_upload(engine, "cora", [BAD[:2]])


def test_a_new_claimant_gets_a_free_key_and_a_known_name_is_refused(curation_db, engine_of):
    url, _ = curation_db
    engine = engine_of(url)
    key = curation.free_key(engine, "Example Monitor", "claimant")
    assert key == "example_monitor_2"  # the fixture's monitor has the plain key
    with pytest.raises(ValidationFailed, match="already names Example Monitor"):
        curation.add_claimant(engine, "cora", ClaimantIn(key=key, name=MONITOR["name"]))
    assert (
        curation.add_claimant(engine, "cora", ClaimantIn(key="erc", name="Example Council"))
        == "erc"
    )
