from __future__ import annotations

import pytest

from tracker.core.urls import BadURL, is_safe_link, normalise_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://Example.org/a/", "https://example.org/a"),
        ("HTTP://example.org:80/", "http://example.org/"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        ("https://example.org/a?utm_source=x&utm_medium=y&page=2", "https://example.org/a?page=2"),
        ("https://example.org/a?fbclid=abc", "https://example.org/a"),
        ("https://example.org/a#section", "https://example.org/a"),
    ],
)
def test_normalise_url(raw, expected):
    assert normalise_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "javascript:alert(1)",
        "mailto:a@example.org",
        "https://",
        "https://user:pw@example.org/",
        "https://exa mple.org/",
    ],
)
def test_normalise_url_refuses_what_is_not_a_web_link(raw):
    with pytest.raises(BadURL):
        normalise_url(raw)


def test_only_http_links_are_safe_to_render():
    assert is_safe_link("https://example.org/x")
    assert not is_safe_link("javascript:alert(1)")
    assert not is_safe_link("data:text/html;base64,AAAA")
    assert not is_safe_link(None)


def test_every_space_and_control_character_is_refused_inside_a_url():
    # Every character str.isspace() calls a space (Unicode's last is U+3000, the ideographic
    # space) and every one below 32; a soft hyphen is neither.
    refused = [chr(i) for i in range(0x3100) if chr(i).isspace() or i < 32]
    for c in refused:
        with pytest.raises(BadURL, match="spaces or control characters"):
            normalise_url(f"https://example.org/a{c}b")
    assert normalise_url("https://example.org/a\u00adb") == "https://example.org/a\u00adb"


def test_an_ipv6_address_keeps_its_brackets():
    assert normalise_url("HTTP://[2001:DB8::1]:8080/a/") == "http://[2001:db8::1]:8080/a"
    assert normalise_url("https://[::1]/") == "https://[::1]/"
