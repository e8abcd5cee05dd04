app-title = Heima
app-loading = Lastar …
skip-to-content = Gå til innhaldet
nav-label = Hovudmeny
nav-today = I dag
nav-settings = Innstillingar
demo-banner = Demo – dette er ikkje ekte pasientdata.
enrol-browser-done = Du er logga inn. Gå tilbake til Heima.
