"""The input rules of a claim and a source, as a curator or data file meets them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.helpers import BASE_CLAIM, BASE_SOURCE
from tracker.domain.schemas import ClaimIn, SourceIn, problems_from


def fields_of(exc: ValidationError) -> dict[str, str]:
    return {p.field: p.message for p in problems_from(exc)}


def test_a_complete_claim_is_accepted_with_defaults():
    claim = ClaimIn.model_validate(BASE_CLAIM)
    assert claim.value == 7199
    assert claim.status == "unverified"
    assert claim.cumulative is None  # the metric's default applies later


@pytest.mark.parametrize("value", [-1, "-5", "12.5", 12.5, True, float("nan"), "many", 10**13])
def test_figures_must_be_whole_non_negative_plausible_numbers(value):
    with pytest.raises(ValidationError) as exc:
        ClaimIn.model_validate(BASE_CLAIM | {"value": value})
    assert "value" in fields_of(exc.value)


def test_figures_written_with_separators_are_read_as_numbers():
    assert ClaimIn.model_validate(BASE_CLAIM | {"value": "7,199"}).value == 7199


def test_a_range_needs_low_not_above_high():
    with pytest.raises(ValidationError) as exc:
        ClaimIn.model_validate(BASE_CLAIM | {"value": None, "low": 50, "high": 40})
    assert fields_of(exc.value) == {"low": "the range's low (50) is above its high (40)"}


def test_value_must_lie_inside_its_range():
    with pytest.raises(ValidationError) as exc:
        ClaimIn.model_validate(BASE_CLAIM | {"value": 60, "low": 40, "high": 50})
    assert "value" in fields_of(exc.value)


def test_a_range_alone_is_a_figure():
    claim = ClaimIn.model_validate(BASE_CLAIM | {"value": None, "low": 40, "high": 50})
    assert (claim.low, claim.high, claim.figure) == (40, 50, 40)


def test_value_is_required_without_a_range():
    with pytest.raises(ValidationError) as exc:
        ClaimIn.model_validate(BASE_CLAIM | {"value": None})
    assert "value" in fields_of(exc.value)


def test_period_cannot_end_before_it_starts():
    with pytest.raises(ValidationError) as exc:
        ClaimIn.model_validate(BASE_CLAIM | {"period_start": "2023-03-01"})
    assert "starts (2023-03-01) after it ends (2023-02-12)" in fields_of(exc.value)["period_start"]


def test_disputed_and_retracted_claims_need_a_reason():
    for status in ("disputed", "retracted"):
        with pytest.raises(ValidationError) as exc:
            ClaimIn.model_validate(BASE_CLAIM | {"status": status})
        assert "status_reason" in fields_of(exc.value)


def test_unknown_qualifier_lists_the_allowed_ones():
    with pytest.raises(ValidationError) as exc:
        ClaimIn.model_validate(BASE_CLAIM | {"qualifier": "roughly"})
    message = fields_of(exc.value)["qualifier"]
    assert "at_least" in message and "'roughly'" in message


def test_a_misspelt_field_is_reported_not_dropped():
    with pytest.raises(ValidationError) as exc:
        ClaimIn.model_validate(BASE_CLAIM | {"vaule": 3})
    assert fields_of(exc.value) == {"vaule": "is not a field of this format; did you mean value?"}


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://example.org/a", "example.org/a", ""],
)
def test_sources_accept_only_http_and_https_urls(url):
    with pytest.raises(ValidationError) as exc:
        SourceIn.model_validate(BASE_SOURCE | {"url": url})
    assert "url" in fields_of(exc.value)


def test_source_url_is_normalised():
    source = SourceIn.model_validate(
        BASE_SOURCE | {"url": "HTTPS://Example.ORG/news/offensive/?utm_source=tw&id=3#top"}
    )
    assert source.url == "https://example.org/news/offensive?id=3"


def test_published_date_time_keeps_its_time_in_utc():
    source = SourceIn.model_validate(BASE_SOURCE | {"published": "2023-02-14T08:30:00+02:00"})
    assert str(source.published) == "2023-02-14"


@pytest.mark.parametrize("published", ["14/02/2023", "1850-01-01", "2023-02-30", 2023])
def test_published_must_be_a_real_iso_date(published):
    with pytest.raises(ValidationError) as exc:
        SourceIn.model_validate(BASE_SOURCE | {"published": published})
    assert "published" in fields_of(exc.value)
