"""Finnish dates: "5. joulukuuta 2026", "5. joulukuuta 2026 klo 19.05" (the month in the
partitive after a day: Django's ``E``). Numbers use Django's Finnish separators (12 345,6)."""

DATE_FORMAT = "j. E Y"
TIME_FORMAT = "H.i"
DATETIME_FORMAT = r"j. E Y \k\l\o H.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j. E"
SHORT_DATE_FORMAT = "j.n.Y"
SHORT_DATETIME_FORMAT = "j.n.Y H.i"
FIRST_DAY_OF_WEEK = 1  # Monday
