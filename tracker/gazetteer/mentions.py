"""Places named in an article's text, found in the world gazetteer: capitalised names
("Khan Younis", "El Fasher", "Deir al-Balah") and names in other scripts ("Бахмут", "الفاشر").

A town's name is often also a word or a person's name, and GeoNames has a village for most
of them; so a town counts only where the article's country agrees (or, in an article whose
country is unknown, where it is a city of 100,000 or more people), and namesakes in
several countries are settled by the article's country or left unresolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.gazetteer.world import GazPlace, World

#: Particles inside place names ("Deir ez-Zor", "Port-au-Prince"), not English words that
#: would join two names ("Airstrikes on Aleppo").
_LINK = r"(?:al|el|ad|ed|ar|ash|az|ez|es|de|du|la|le|des|di|da|bin|ibn|sur|au|aux|del|do|dos|das)"
_TYPE = r"(?:\s+(?:province|governorate|state|region|district|oblast|county|prefecture)s?)?"
_NAME = re.compile(
    rf"(?<![\w'-])(?:(?:{_LINK})[- ])?[A-Z][\w'’]*(?:(?:[- ](?:{_LINK}[- ])?)[A-Z][\w'’]*){{0,3}}{_TYPE}"
    r"|(?<!\w)[\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff]+(?:\s+[\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff]+){0,2}"
)
#: Capitalised words that are not places in news copy, though GeoNames has a village so named.
STOP = {
    w.casefold()
    for w in [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "For",
        "From",
        "By",
        "With",
        "Of",
        "And",
        "But",
        "Or",
        "If",
        "As",
        "Since",
        "After",
        "Before",
        "During",
        "Until",
        "While",
        "Some",
        "Many",
        "Most",
        "More",
        "Less",
        "Another",
        "Other",
        "Others",
        "Such",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "He",
        "She",
        "They",
        "We",
        "I",
        "You",
        "His",
        "Her",
        "Their",
        "Our",
        "Who",
        "What",
        "Where",
        "When",
        "Why",
        "How",
        "Which",
        "There",
        "Here",
        "All",
        "Both",
        "Each",
        "Every",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Today",
        "Yesterday",
        "Tomorrow",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "President",
        "Prime",
        "Minister",
        "Ministry",
        "Minister's",
        "General",
        "Secretary",
        "Spokesman",
        "Spokeswoman",
        "Spokesperson",
        "Office",
        "Council",
        "Agency",
        "Network",
        "Committee",
        "Forces",
        "Army",
        "Police",
        "Health",
        "Red",
        "Cross",
        "Human",
        "Rights",
        "Doctors",
        "Union",
        "Government",
        "Authority",
        "Authorities",
        "State",
        "Federal",
        "National",
        "International",
        "United",
        "Nations",
        "UN",
        "Security",
        "Defence",
        "Defense",
        "Interior",
        "Foreign",
        "Affairs",
        "Civil",
        "Media",
        "Emergency",
        "Relief",
        "Resistance",
        "Support",
        "Rapid",
        "Islamic",
        "Republic",
        "Democratic",
        "Front",
        "North",
        "South",
        "East",
        "West",
        "Northern",
        "Southern",
        "Eastern",
        "Western",
        "Central",
        "Middle",
        "Upper",
        "Lower",
        "Reuters",
        "Associated",
        "Press",
        "AFP",
        "AP",
        "BBC",
        "CNN",
        "Al",
        "Jazeera",
        "Times",
        "Post",
        "News",
        "Monitor",
        "Observatory",
        "Example",
        "Synthetic",
        "Lawyers",
        "Network",
        "Data",
        "Project",
        "Program",
        "Programme",
        "Team",
        "Group",
        "Watch",
        "Amnesty",
        "Hospital",
        "Camp",
        "Camps",
        "Market",
        "City",
        "Town",
        "Village",
        "Region",
        "Province",
        "Governorate",
        "District",
        "Area",
        "Zone",
        "Strip",
        "Bank",
        "Coast",
        "River",
        "Sea",
        "Mountains",
        "Valley",
        "Desert",
        "Lake",
        "Island",
        "Islands",
        "Christian",
        "Muslim",
        "Jewish",
        "Arab",
        "Arabs",
        "Kurdish",
        "Kurds",
        "Israeli",
        "Israelis",
        "Palestinian",
        "Palestinians",
        "Sudanese",
        "Ukrainian",
        "Ukrainians",
        "Russian",
        "Russians",
        "Syrian",
        "Syrians",
        "Yemeni",
        "Yemenis",
        "Afghan",
        "Haitian",
        "Congolese",
        "Ethiopian",
        "Somali",
        "Burmese",
        "Rohingya",
        "Lebanese",
        "Iraqi",
        "Iranian",
        "Turkish",
        "American",
        "British",
        "French",
        "German",
        "European",
        "African",
        "Asian",
        "Western",
        "Hamas",
        "Hezbollah",
        "Houthi",
        "Houthis",
        "Taliban",
        "Chad",
        "Jordan",
        "Georgia",
        "Niger",
        "Victoria",
        "Charlotte",
        "Florence",
        "Paris",
        "Said",
        "Hurt",
        "Dead",
        "Killed",
        "Gaza's",
    ]
}


@dataclass
class WorldMention:
    start: int
    end: int
    text: str
    place: GazPlace


def _spans(text: str) -> list[tuple[int, int, str]]:
    """Every run of capitalised words (or of words in another script), and its sub-runs,
    longest first: "Khan Younis Governorate" tries itself, "Khan Younis", "Younis
    Governorate", "Khan", ..."""
    out = []
    for m in _NAME.finditer(text):
        words = list(re.finditer(r"[^\s-]+(?:-[^\s-]+)*|[^\s]+", m.group(0)))
        n = len(words)
        for size in range(n, 0, -1):
            for i in range(0, n - size + 1):
                s = m.start() + words[i].start()
                e = m.start() + words[i + size - 1].end()
                out.append(
                    (
                        s,
                        e,
                        text[s:e],
                        size == n or (size == n - 1 and i == 0 and _ends_with_type(m.group(0))),
                    )
                )
    return out


def _ends_with_type(run: str) -> bool:
    return (
        re.search(
            r"\s(?:province|governorate|state|region|district|oblast|county|prefecture)$", run
        )
        is not None
    )


def find_places(
    text: str,
    world: World,
    taken: list[tuple[int, int]],
    countries: tuple[str, ...] = (),
) -> list[WorldMention]:
    """Places of the world named in `text` outside the `taken` spans (names the store's own
    vocabulary or a claimant already accounts for), longest names first."""
    chosen: list[WorldMention] = []
    busy = list(taken)
    for s, e, name, whole in _spans(text):
        if any(s < be and bs < e for bs, be in busy):
            continue
        words = name.replace("-", " ").split()
        if all(w.strip("'’").casefold() in STOP for w in words):
            continue
        if len(name) < 3:
            continue
        res = world.resolve(name, countries)
        place = res.place
        if place is None:
            continue
        unique = len(world.candidates(name)) == 1
        if not _plausible(place, countries, len(words), unique):
            continue
        if not whole and not countries and place.level != "country":
            continue  # "Tar" of an unknown "Tar Taing": a part of a name is no place
        chosen.append(WorldMention(s, e, name, place))
        busy.append((s, e))
    return sorted(chosen, key=lambda m: m.start)


def _plausible(place: GazPlace, countries: tuple[str, ...], words: int, unique: bool) -> bool:
    """A country always; otherwise one in the article's countries; in an article whose
    country is unknown, a city of 100,000 people, or a town of 20,000 no other place
    shares its name with."""
    if place.level == "country":
        return True
    if countries:
        return place.country in countries
    if place.level == "region":
        return words > 1
    return place.population >= 100_000 or (unique and place.population >= 20_000)


def article_countries(text: str, world: World, taken: list[tuple[int, int]]) -> tuple[str, ...]:
    """The countries an article is about, most named first: the countries it names, else
    those of the large cities it names."""
    found = find_places(text, world, taken)
    counts: dict[str, int] = {}
    for m in found:
        weight = 3 if m.place.level == "country" else 1
        counts[m.place.country] = counts.get(m.place.country, 0) + weight
    return tuple(sorted(counts, key=lambda c: -counts[c]))
