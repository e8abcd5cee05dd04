app-title = Heima
app-loading = Laster …
skip-to-content = Gå til innholdet
nav-label = Hovedmeny
nav-today = I dag
nav-settings = Innstillinger
demo-banner = Demo – dette er ikke ekte pasientdata.
enrol-browser-done = Du er logget inn. Gå tilbake til Heima.
restart-heading = Heima må starte på nytt
restart-text = Noe gikk galt. Målingene og svarene dine er lagret. Trykk på knappen, så starter Heima igjen.
restart-button = Start Heima på nytt
# After a service's text that is not in the patient's language.
text-in-nb = (står på bokmål)
text-in-nn = (står på nynorsk)
text-in-en = (står på engelsk)
text-in-se = (står på samisk)
# "Les opp": reads the screen aloud; while reading, it stops.
read-aloud = Les opp
read-aloud-stop = Stopp opplesingen
