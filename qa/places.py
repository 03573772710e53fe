"""Place names a reader can recognise without a model: countries, US states, and the words place names end in.

"Which state…?" is answered by a state, "which country…?" by a country, "where…?" by a place: among the
capitalised spans of a sentence (qa.candidates), one of these is likelier the answer than a person, a newspaper
or a party. The lists are closed and short, so they are written out here rather than learnt.
"""

from __future__ import annotations

import re
from functools import lru_cache


def listed(text: str) -> frozenset[str]:
    """The lower-case names of a comma-separated list."""
    return frozenset(n.strip().lower() for n in text.split(",") if n.strip())


US_STATES = listed(
    "Alabama, Alaska, Arizona, Arkansas, California, Colorado, Connecticut, Delaware, Florida, Georgia, Hawaii, "
    "Idaho, Illinois, Indiana, Iowa, Kansas, Kentucky, Louisiana, Maine, Maryland, Massachusetts, Michigan, "
    "Minnesota, Mississippi, Missouri, Montana, Nebraska, Nevada, New Hampshire, New Jersey, New Mexico, New York, "
    "North Carolina, North Dakota, Ohio, Oklahoma, Oregon, Pennsylvania, Rhode Island, South Carolina, South Dakota, "
    "Tennessee, Texas, Utah, Vermont, Virginia, Washington, West Virginia, Wisconsin, Wyoming, Puerto Rico, "
    "District of Columbia"
)

COUNTRIES = listed(
    "Afghanistan, Albania, Algeria, Andorra, Angola, Argentina, Armenia, Australia, Austria, Azerbaijan, Bahamas, "
    "Bahrain, Bangladesh, Barbados, Belarus, Belgium, Belize, Benin, Bhutan, Bolivia, Bosnia, Botswana, Brazil, "
    "Brunei, Bulgaria, Burkina Faso, Burundi, Cambodia, Cameroon, Canada, Chad, Chile, China, Colombia, Comoros, "
    "Congo, Costa Rica, Croatia, Cuba, Cyprus, Czechia, Czech Republic, Denmark, Djibouti, Dominica, "
    "Dominican Republic, Ecuador, Egypt, El Salvador, Eritrea, Estonia, Eswatini, Ethiopia, Fiji, Finland, France, "
    "Gabon, Gambia, Germany, Ghana, Greece, Grenada, Guatemala, Guinea, Guyana, Haiti, Honduras, Hungary, Iceland, "
    "India, Indonesia, Iran, Iraq, Ireland, Israel, Italy, Ivory Coast, Jamaica, Japan, Jordan, Kazakhstan, Kenya, "
    "Kiribati, Kosovo, Kuwait, Kyrgyzstan, Laos, Latvia, Lebanon, Lesotho, Liberia, Libya, Liechtenstein, Lithuania, "
    "Luxembourg, Madagascar, Malawi, Malaysia, Maldives, Mali, Malta, Mauritania, Mauritius, Mexico, Moldova, "
    "Monaco, Mongolia, Montenegro, Morocco, Mozambique, Myanmar, Namibia, Nauru, Nepal, Netherlands, New Zealand, "
    "Nicaragua, Niger, Nigeria, North Korea, North Macedonia, Norway, Oman, Pakistan, Palau, Palestine, Panama, "
    "Papua New Guinea, Paraguay, Peru, Philippines, Poland, Portugal, Qatar, Romania, Russia, Rwanda, Samoa, "
    "San Marino, Saudi Arabia, Senegal, Serbia, Seychelles, Sierra Leone, Singapore, Slovakia, Slovenia, Somalia, "
    "South Africa, South Korea, South Sudan, Spain, Sri Lanka, Sudan, Suriname, Sweden, Switzerland, Syria, Taiwan, "
    "Tajikistan, Tanzania, Thailand, Togo, Tonga, Trinidad and Tobago, Tunisia, Turkey, Turkmenistan, Tuvalu, "
    "Uganda, Ukraine, United Arab Emirates, UAE, United Kingdom, UK, Britain, Great Britain, England, Scotland, "
    "Wales, Northern Ireland, United States, US, USA, America, Uruguay, Uzbekistan, Vanuatu, Vatican, Venezuela, "
    "Vietnam, Yemen, Zambia, Zimbabwe, Greenland, Hong Kong, Gaza, West Bank, Crimea"
)

# What a place name often ends in: "Tehama County", "the Sallow River", "Kennedy Space Center" is no place.
PLACE_HEADS = listed(
    "city, county, province, region, island, islands, river, lake, mountain, mountains, valley, bay, coast, "
    "peninsula, sea, ocean, desert, canyon, strait, gulf, falls, borough, district, prefecture, territory, area, "
    "village, town"
)
_PLACE_ENDINGS = re.compile(rf"\b(?:{'|'.join(w.capitalize() for w in sorted(PLACE_HEADS))})$")


def place_kind(text: str) -> str | None:
    """ "state", "country" or "place" for a span naming one ("Jackson, Mississippi" is a place in a state)."""
    name = text.strip().lower().removeprefix("the ")
    if name in US_STATES:
        return "state"
    if name in COUNTRIES:
        return "country"
    if _PLACE_ENDINGS.search(text.strip()):
        return "place"
    return None


def leading_place(text: str) -> str | None:
    """The state or country a longer name opens with: "New York" of "New York Republicans", "Texas" of "Texas
    Gov" (a name of people or an office that says where they are from), or None."""
    words = text.split()
    for n in range(len(words) - 1, 0, -1):
        head = " ".join(words[:n])
        if place_kind(head) in ("state", "country"):
            return head
    return None


# A people named after a state or a country: the place's name (or it less its last letter) and an ending.
_PEOPLE_ENDING = re.compile(r"(?:d?ers?|i?ans?|ns?|ites?|eans?|ese|is?)$")
# Peoples whose name is not the place's with an ending: "French Prime Minister Gabriel Attal" names France.
_IRREGULAR_PEOPLES = {
    "french": "france", "dutch": "netherlands", "british": "britain", "german": "germany", "spanish": "spain",
    "swedish": "sweden", "norwegian": "norway", "greek": "greece", "turkish": "turkey", "polish": "poland",
    "danish": "denmark", "finnish": "finland", "irish": "ireland", "thai": "thailand", "filipino": "philippines",
    "icelandic": "iceland", "welsh": "wales", "scottish": "scotland", "english": "england", "swiss": "switzerland",
}  # fmt: skip
_ONE_WORD_PLACES = sorted((p for p in US_STATES | COUNTRIES if " " not in p and len(p) >= 4), key=len, reverse=True)


# Cities as people type them and news seldom writes them: "Philly's fireworks" are Philadelphia's.
CITY_NICKNAMES = {
    "philly": "philadelphia", "nola": "orleans", "frisco": "francisco", "beantown": "boston",
    "chi-town": "chicago", "big apple": "york", "motor city": "detroit", "windy city": "chicago",
}  # fmt: skip


@lru_cache(maxsize=4096)  # asked for each name of a question several times (its names, owners, places)
def place_of_people(word: str) -> str | None:
    """The state or country a people's name says ("Michiganders": "michigan", "Texans": "texas", "Omani":
    "oman"), or None. Only names ending as peoples' do: "Chadwick" is no Chadian."""
    w = word.lower()
    if w in _IRREGULAR_PEOPLES:
        return _IRREGULAR_PEOPLES[w]
    for place in _ONE_WORD_PLACES:
        for stem in (place, place[:-1]):
            if w.startswith(stem) and w != place and _PEOPLE_ENDING.fullmatch(w[len(stem) :]):
                return place
    return None


def peoples_places(text: str) -> list[str]:
    """The places ``text`` names by their people ("the Botswanan president", "Texans voted", "French Prime
    Minister…"), in order."""
    return [p for w in _CAPITALISED.findall(text) if (p := place_of_people(w))]


_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*")  # a people's name ("Texans voted") opens sentences too
