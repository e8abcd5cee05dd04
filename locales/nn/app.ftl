app-title = Heima
app-loading = Lastar …
skip-to-content = Gå til innhaldet
nav-label = Hovudmeny
nav-today = I dag
nav-devices = Måleapparat
nav-settings = Innstillingar
demo-banner = Demo – dette er ikkje ekte pasientdata.
