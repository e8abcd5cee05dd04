app-title = Heima
app-loading = Loading …
skip-to-content = Skip to content
nav-label = Main menu
nav-today = Today
nav-settings = Settings
demo-banner = Demo – this is not real patient data.
enrol-browser-done = You are logged in. Go back to Heima.
restart-heading = Heima must restart
restart-text = Something went wrong. Your readings and answers are saved. Press the button and Heima starts again.
restart-button = Restart Heima
# After a service's text that is not in the patient's language.
text-in-nb = (in Norwegian Bokmål)
text-in-nn = (in Norwegian Nynorsk)
text-in-en = (in English)
text-in-se = (in Northern Sámi)
# "Les opp": reads the screen aloud; while reading, it stops.
read-aloud = Read aloud
read-aloud-stop = Stop reading
