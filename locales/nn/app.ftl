app-title = Heima
app-loading = Lastar …
skip-to-content = Gå til innhaldet
nav-label = Hovudmeny
nav-today = I dag
nav-settings = Innstillingar
demo-banner = Demo – dette er ikkje ekte pasientdata.
enrol-browser-done = Du er logga inn. Gå tilbake til Heima.
restart-heading = Heima må starte på nytt
restart-text = Noko gjekk gale. Målingane og svara dine er lagra. Trykk på knappen, så startar Heima igjen.
restart-button = Start Heima på nytt
# After a service's text that is not in the patient's language.
text-in-nb = (står på bokmål)
text-in-nn = (står på nynorsk)
text-in-en = (står på engelsk)
text-in-se = (står på samisk)
# "Les opp": reads the screen aloud; while reading, it stops.
read-aloud = Les opp
read-aloud-stop = Stopp opplesinga
