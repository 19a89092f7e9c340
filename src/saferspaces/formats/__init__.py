"""Date formats per language (Django's ``FORMAT_MODULE_PATH``): the day before the month in
words, everywhere, in English as in French. Numbers keep Django's locale separators."""
