app-title = Heima
app-loading = Loading …
skip-to-content = Skip to content
nav-label = Main menu
nav-today = Today
nav-settings = Settings
demo-banner = Demo – this is not real patient data.
enrol-browser-done = You are logged in. Go back to Heima.
