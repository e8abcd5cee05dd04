settings-heading = Settings
settings-language = Language
settings-language-saved = Language saved.
language-nb = Bokmål
language-nn = Nynorsk
language-en = English
