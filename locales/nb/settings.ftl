settings-heading = Innstillinger
settings-language = Språk
settings-language-saved = Språket er lagret.
language-nb = Bokmål
language-nn = Nynorsk
language-en = English
