app-title = Heima
app-loading = Laster …
skip-to-content = Gå til innholdet
nav-label = Hovedmeny
nav-today = I dag
nav-settings = Innstillinger
demo-banner = Demo – dette er ikke ekte pasientdata.
enrol-browser-done = Du er logget inn. Gå tilbake til Heima.
