settings-heading = Innstillingar
settings-language = Språk
settings-language-saved = Språket er lagra.
language-nb = Bokmål
language-nn = Nynorsk
language-en = English
