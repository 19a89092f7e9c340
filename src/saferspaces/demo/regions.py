"""The few real NUTS 2024 regions the demonstration uses, so the demo works without the registry file.

Codes and labels from Eurostat's NUTS 2024 classification. ``import-nuts`` brings in the full registry.
Each entry: NUTS 3 code, its label, and the labels of its NUTS 2 and NUTS 1 parents.
"""

from __future__ import annotations

DEMO_REGIONS: list[tuple[str, str, str, str]] = [
    # (NUTS 3, NUTS 3 label, NUTS 2 label, NUTS 1 label)
    ("AT130", "Wien", "Wien", "Ostösterreich"),
    ("AT323", "Salzburg und Umgebung", "Salzburg", "Westösterreich"),
    (
        "BE100",
        "Arr. de Bruxelles-Capitale/Arr. Brussel-Hoofdstad",
        "Région de Bruxelles-Capitale/Brussels Hoofdstedelijk Gewest",
        "Région de Bruxelles-Capitale/Brussels Hoofdstedelijk Gewest",
    ),
    ("BE211", "Arr. Antwerpen", "Prov. Antwerpen", "Vlaams Gewest"),
    ("CZ010", "Hlavní město Praha", "Praha", "Česko"),
    ("CZ064", "Jihomoravský kraj", "Jihovýchod", "Česko"),
    ("DE212", "München, Kreisfreie Stadt", "Oberbayern", "Bayern"),
    ("DE300", "Berlin", "Berlin", "Berlin"),
    ("DEA23", "Köln, Kreisfreie Stadt", "Köln", "Nordrhein-Westfalen"),
    ("DK011", "Byen København", "Hovedstaden", "Danmark"),
    ("ES300", "Madrid", "Comunidad de Madrid", "Comunidad de Madrid"),
    ("ES511", "Barcelona", "Cataluña", "Este"),
    ("ES523", "Valencia/València", "Comunitat Valenciana", "Este"),
    ("FI1B1", "Helsinki-Uusimaa", "Helsinki-Uusimaa", "Manner-Suomi"),
    ("FR101", "Paris", "Ile-de-France", "Ile-de-France"),
    ("FRL04", "Bouches-du-Rhône", "Provence-Alpes-Côte d’Azur", "Provence-Alpes-Côte d’Azur"),
    ("IE061", "Dublin", "Eastern and Midland", "Ireland"),
    ("ITC4C", "Milano", "Lombardia", "Nord-Ovest"),
    ("ITF33", "Napoli", "Campania", "Sud"),
    ("ITI43", "Roma", "Lazio", "Centro (IT)"),
    ("NL414", "Zuidoost-Noord-Brabant", "Noord-Brabant", "Zuid-Nederland"),
    ("PL213", "Miasto Kraków", "Małopolskie", "Makroregion południowy"),
    ("PL514", "Miasto Wrocław", "Dolnośląskie", "Makroregion południowo-zachodni"),
    ("PL911", "Miasto Warszawa", "Warszawski stołeczny", "Makroregion województwo mazowieckie"),
    ("PT11A", "Área Metropolitana do Porto", "Norte", "Continente"),
    ("PT1A0", "Grande Lisboa", "Grande Lisboa", "Continente"),
    ("SE110", "Stockholms län", "Stockholm", "Östra Sverige"),
    ("SE232", "Västra Götalands län", "Västsverige", "Södra Sverige"),
    ("SI041", "Osrednjeslovenska", "Zahodna Slovenija", "Slovenija"),
]

# Syllables for fictional place names, by country, so names read plausibly and match no real place.
NAME_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "AT": (("Alt", "Berg", "Lind", "Stein", "Wald"), ("au", "dorf", "hofen", "kirchen", "stetten")),
    "BE": (("Beau", "Kort", "Ro", "Vil", "Zand"), ("mont", "hove", "sart", "velde", "rode")),
    "CZ": (("Bor", "Lip", "Vel", "Mod", "Hor"), ("ovice", "any", "ín", "ec", "ov")),
    "DE": (("Eich", "Hagen", "Mark", "Rosen", "Tann"), ("feld", "burg", "hausen", "stadt", "thal")),
    "DK": (("Bir", "Fal", "Hol", "Lun", "Ske"), ("by", "bæk", "rup", "sted", "løse")),
    "ES": (("Alba", "Cas", "Mira", "Sal", "Val"), ("cedo", "nueva", "rrubia", "verde", "doral")),
    "FI": (("Jär", "Kos", "Lah", "Mäk", "Rau"), ("vala", "kylä", "niemi", "salo", "koski")),
    "FR": (("Beau", "Mont", "Roche", "Saint-Cl", "Val"), ("clair", "fort", "lieu", "mare", "vert")),
    "IE": (("Bally", "Clon", "Kil", "Rath", "Dun"), ("more", "ard", "lough", "glass", "beg")),
    "IT": (
        ("Borgo", "Castel", "Monte", "Roc", "Villa"),
        ("fiore", "nuovo", "rosso", "alto", "chiaro"),
    ),
    "NL": (("Ber", "Hoog", "Oost", "Wes", "Zwaan"), ("dijk", "hoven", "veen", "wijk", "dam")),
    "PL": (("Brze", "Dąbr", "Kam", "Lesz", "Wol"), ("owo", "ice", "ów", "no", "ka")),
    "PT": (("Alva", "Mira", "Porto", "Santa Ri", "Vila"), ("lade", "mar", "nova", "ta", "verde")),
    "SE": (("Björk", "Ek", "Lind", "Sjö", "Väst"), ("by", "holm", "köping", "vik", "tuna")),
    "SI": (("Bre", "Gor", "Lip", "Nov", "Vel"), ("ovica", "nje", "ica", "ec", "je")),
}

LANGUAGES: dict[str, list[str]] = {
    "AT": ["de"],
    "BE": ["fr", "nl"],
    "CZ": ["cs"],
    "DE": ["de"],
    "DK": ["da"],
    "ES": ["es"],
    "FI": ["fi", "sv"],
    "FR": ["fr"],
    "IE": ["en", "ga"],
    "IT": ["it"],
    "NL": ["nl"],
    "PL": ["pl"],
    "PT": ["pt"],
    "SE": ["sv"],
    "SI": ["sl"],
}

# Approximate centres of the NUTS 3 regions (degrees), for map points.
CENTRES: dict[str, tuple[float, float]] = {
    "AT130": (48.21, 16.37),
    "AT323": (47.80, 13.04),
    "BE100": (50.85, 4.35),
    "BE211": (51.22, 4.40),
    "CZ010": (50.08, 14.44),
    "CZ064": (49.19, 16.61),
    "DE212": (48.14, 11.58),
    "DE300": (52.52, 13.40),
    "DEA23": (50.94, 6.96),
    "DK011": (55.68, 12.57),
    "ES300": (40.42, -3.70),
    "ES511": (41.39, 2.17),
    "ES523": (39.47, -0.38),
    "FI1B1": (60.17, 24.94),
    "FR101": (48.86, 2.35),
    "FRL04": (43.30, 5.37),
    "IE061": (53.35, -6.26),
    "ITC4C": (45.46, 9.19),
    "ITF33": (40.85, 14.27),
    "ITI43": (41.90, 12.50),
    "NL414": (51.44, 5.48),
    "PL213": (50.06, 19.94),
    "PL514": (51.11, 17.03),
    "PL911": (52.23, 21.01),
    "PT11A": (41.15, -8.61),
    "PT1A0": (38.72, -9.14),
    "SE110": (59.33, 18.07),
    "SE232": (57.71, 11.97),
    "SI041": (46.06, 14.51),
}
