"""ISO 3166 codes, checked against pycountry rather than typed by hand."""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def valid_iso_code(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 country code or an ISO 3166-2 subdivision code."""
    code = code.strip().upper()
    if "-" in code:
        return pycountry.subdivisions.get(code=code) is not None
    return pycountry.countries.get(alpha_2=code) is not None
