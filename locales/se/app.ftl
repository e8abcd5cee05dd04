app-title = Heima
app-loading = Viežžamin …
skip-to-content = Mana sisdollui
nav-label = Váldofállu
nav-today = Odne
nav-settings = Ásahusat
demo-banner = Demo – dát eai leat duohta pasieantadieđut.
enrol-browser-done = Don leat čálihan sisa. Mana ruovttoluotta Heimai.
restart-heading = Heima ferte álgit ođđasit
restart-text = Juoga manai boastut. Du mihtideamit ja vástádusat leat vurkejuvvon. Deaddil boalu, de Heima álgá fas.
restart-button = Álggat Heima ođđasit
# After a service's text that is not in the patient's language.
text-in-nb = (čállon girjedárogillii)
text-in-nn = (čállon ođđadárogillii)
text-in-en = (čállon eaŋgalsgillii)
text-in-se = (čállon davvisámegillii)
# "Les opp": reads the screen aloud; while reading, it stops.
read-aloud = Loga jitnosit
read-aloud-stop = Bisset logaheami
