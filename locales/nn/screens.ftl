nav-measure = Mål
nav-plan = Planen min
nav-messages = Meldingar
nav-unread = { $count ->
    [one] { $count } ny
   *[other] { $count } nye
}
training-banner = Øvingsmodus – målingar og svar tel ikkje og blir ikkje sende
training-note = Øvingsmodus: dette tel ikkje og blir ikkje sendt.
latest-training = Øving – tel ikkje og blir ikkje sendt
answer-yes = Ja
answer-no = Nei
measure-heading = Ta ei måling
measure-choose = Kva vil du måle?
measure-taken-by = Kven måler?
measure-taken-by-patient = Eg sjølv
measure-taken-by-relative = Ein pårørande for meg
measure-device-hint = Slå på apparatet og hald det nær nettbrettet.
measure-typed-hint = Mål med målaren din, og skriv inn talet han viser.
measure-with-device = Mål med apparatet
measure-now = Mål no. Ventar på målinga frå apparatet …
measure-now-demo = Mål no. Demoapparatet måler …
measure-manual-heading = Eller skriv inn målinga sjølv
measure-manual-save = Lagre målinga
manual-check = Sjekk tala som er merkte.
manual-field-8480-6 = Øvre trykk (systolisk)
manual-field-8462-4 = Nedre trykk (diastolisk)
manual-field-8478-0 = Middeltrykk
manual-field-8867-4 = Puls
manual-field-2708-6 = Oksygenmetting
manual-field-8310-5 = Temperatur
manual-field-29463-7 = Vekt
manual-field-15074-8 = Blodsukker
manual-field-2339-0 = Blodsukker
manual-field-19935-6 = Toppstraum (PEF)
manual-field-20150-9 = FEV1
manual-field-74465-6 = Poengsum
manual-missing = Skriv inn eit tal her.
manual-not-a-number = «{ $typed }» er ikkje eit tal. Bruk berre siffer og eventuelt komma.
manual-too-many-decimals = «{ $typed }» har for mange desimalar.
manual-implausible = { $typed } kan ikkje stemme. Sjekk talet – det skal vere mellom { $min } og { $max }.
manual-systolic-below-diastolic = Øvre trykk må vere høgare enn nedre trykk. Sjekk at tala ikkje er bytte om.
manual-unknown-choice = Vel eitt av svara.
manual-meal-legend = Når tok du blodsukkeret? (kan stå tomt)
meal-before-meal = Før eit måltid
meal-after-meal = Etter eit måltid
meal-fasting = Fastande
meal-casual = Tilfeldig tidspunkt
meal-bedtime = Ved sengetid
result-heading-green = Grøn: alt ser bra ut
result-heading-yellow = Gul: følg ekstra med, og gjer det rådet under seier
result-heading-red = Raud: gjer dette no
result-heading-not-judged = Målinga er lagra
result-cause = { $what } { $value } er grunnen til fargen.
result-not-judged-no-limits = Planen din har ingen grenser for denne målinga.
result-not-judged-value-absent = Apparatet sende ingen verdi, så målinga kunne ikkje vurderast. Mål på nytt.
result-not-judged-outside-bands = Verdien fell utanfor grensene i planen din. Ring oppfølgingstenesta om du er usikker.
result-not-judged-unit-mismatch = Målinga kunne ikkje vurderast. Ring oppfølgingstenesta om du er usikker.
result-to-today = Tilbake til I dag
result-to-history = Sjå historikken
questionnaire-count = Spørsmål { $n } av { $total }
questionnaire-next = Neste
questionnaire-back = Tilbake
questionnaire-skip = Hopp over
questionnaire-summary = Sjekk svara før du sender
questionnaire-not-answered = Ikkje svart
questionnaire-change = Endre
questionnaire-send = Send svara
questionnaire-sent = Svara er lagra
questionnaire-score = Poengsum: { $score }
plan-heading = Planen min
plan-version = Planversjon { $version }
plan-print = Skriv ut planen
plan-timing-daily = Kvar dag klokka { $times }
plan-timing-weekly = { $days } klokka { $times }
plan-timing-per-week = { $count ->
    [one] { $count } gong i veka
   *[other] { $count } gonger i veka
}
plan-timing-when-needed = Ved behov
plan-limit-between = { $what }: frå { $low } til { $high }
plan-limit-from = { $what }: { $low } eller meir
plan-limit-up-to = { $what }: opp til { $high }
plan-best = Beste verdi for { $what }: { $value }. Grensene er rekna ut frå han.
weekday-mon = måndag
weekday-tue = tysdag
weekday-wed = onsdag
weekday-thu = torsdag
weekday-fri = fredag
weekday-sat = laurdag
weekday-sun = sundag
history-heading = Historikk
history-choose-kind = Vel måling
history-choose-period = Vel periode
history-period-7 = 1 veke
history-period-30 = 1 månad
history-period-90 = 3 månader
history-plot-title = { $what }, siste { $days ->
    [one] døgn
   *[other] { $days } dagar
}
history-plot-label = Kurve over { $what }: { $count ->
    [one] { $count } måling
   *[other] { $count } målingar
}. Tala står i tabellen under.
history-legend = Fargane bak kurva er grensene dine: grøn, gul og raud sone.
history-empty = Ingen målingar i denne perioden.
history-col-time = Tid
history-col-value = Verdi
history-col-colour = Sone
history-col-sent = Sendt
messages-heading = Meldingar
messages-empty = Ingen meldingar enno.
message-write = Skriv ei melding til oppfølgingstenesta
message-send = Send meldinga
message-sent = Meldinga er lagra og blir sendt.
message-from-me = Deg
message-from-service = Oppfølgingstenesta
message-new = Ny
devices-paired-heading = Tilkopla apparat
devices-none-paired = Ingen apparat er kopla til enno. Sjukepleiaren koplar dei til.
devices-battery = Batteri { $percent } %
devices-seen = Sist brukt { $when }
devices-never-seen = Ikkje brukt enno
nurse-entry-heading = For sjukepleiar
nurse-open = Opne sjukepleiarsida
nurse-heading = Sjukepleiarsida
nurse-intro = Denne sida er for sjukepleiaren ved oppstartsbesøket.
nurse-code-label = Sjukepleiarkode
nurse-code-submit = Opne
nurse-demo-code = Demo: koden er { $code }.
nurse-lock = Lukk sjukepleiarsida
enrol-intro = Skann QR-koden frå oppfølgingstenesta med kameraet, skriv inn aktiveringskoden, eller logg inn hjå tenesta.
enrol-scan-start = Skann QR-koden med kameraet
enrol-scan-view = Det kameraet ser
enrol-scan-looking = Hald QR-koden frå oppfølgingstenesta roleg framfor kameraet.
enrol-scan-other-code = Denne QR-koden er ikkje ein Heima-kode. Bruk QR-koden frå oppfølgingstenesta.
enrol-scan-read = QR-koden er lesen. Sjekk tenesta og pasienten under.
enrol-scan-gave-up = Fann ingen QR-kode. Prøv igjen, eller skriv inn koden.
enrol-scan-stop = Slå av kameraet
pair-heading = Kople til måleapparat
pair-step-1 = Slå på apparatet.
pair-step-2 = Hald inne koplingsknappen til lyset blinkar.
pair-step-3 = Trykk «Søk etter apparat».
pair-step-4 = Vel apparatet i lista.
pair-search = Søk etter apparat
pair-searching = Søkjer …
pair-none-found = Fann ingen apparat. Sjekk at apparatet blinkar, og søk igjen.
pair-this = Kople til
pair-done = Kopla til
pair-already = Allereie kopla til
training-heading = Øvingsmodus
training-intro = Vis pasienten korleis ein måler og svarar. Alt som blir gjort i øvingsmodus er merkt, tel ikkje og blir ikkje sendt.
training-start = Start øvingsmodus
training-stop = Avslutt øvingsmodus
training-started = Øvingsmodus er på.
training-stopped = Øvingsmodus er av.
demo-reply = Takk for meldinga! Vi har lese ho og svarar deg i løpet av dagen. (Dette er eit demosvar.)
end-heading = Avslutt oppfølginga
end-intro = Når oppfølginga er over: det som ikkje er sendt, blir sendt først. Så blir alt om pasienten fjerna frå nettbrettet, og det kan lånast ut til ein ny pasient.
end-open = Avslutt oppfølginga …
end-unreadable = Dataa på nettbrettet kan ikkje lesast, så det som ikkje er sendt, kan ikkje sendast.
end-all-sent = Alt er sendt til oppfølgingstenesta.
end-copies = { $count ->
    [one] Ei fil med dataa til pasienten er lagra på nettbrettet. Ho blir sletta når oppfølginga blir avslutta, så flytt ho først om pasienten vil ta vare på ho:
   *[other] { $count } filer med dataa til pasienten er lagra på nettbrettet. Dei blir sletta når oppfølginga blir avslutta, så flytt dei først om pasienten vil ta vare på dei:
}
end-copy = { $file } i { $folder }
end-waiting = Ikkje sendt enno: { $readings ->
    [one] { $readings } måling
   *[other] { $readings } målingar
}, { $answers } svar, { $messages ->
    [one] { $messages } melding
   *[other] { $messages } meldingar
} og { $other } { $other ->
    [one] anna
   *[other] andre
}.
end-what-happens = Tilgangen til tenesta blir trekt tilbake, og alt om pasienten blir sletta frå nettbrettet. Det kan ikkje angrast.
end-send = Send og avslutt
end-give-up-consent = Eg veit at det som ikkje er sendt, går tapt
end-give-up = Avslutt utan å sende
recovery-nurse-intro = Dataa på nettbrettet kan ikkje opnast fordi nøkkelen manglar. Fila er ikkje rørt. Du kan avslutte oppfølginga her og kople til nettbrettet på nytt.
plan-goals-heading = Måla dine
plan-goal-due = innan { $date }
messages-taken-by = Kven skriv?
questionnaire-taken-by = Kven svarar?
message-from-relative = Skriven av ein pårørande
message-from-training = Øving – blir ikkje sendt
measure-to-history = Sjå historikken
settings-to-devices = Måleapparat og Bluetooth
result-not-judged-no-plan = Oppfølgingstenesta har ikkje sendt planen din enno, så målinga kunne ikkje vurderast. Ho er lagra og blir sendt.
plan-medicines-heading = Medisinane dine
plan-medicines-daily = Fast
plan-team-heading = Kven kan du kontakte?
plan-team-member = { $role }: { $name }
plan-phone = Telefon { $phone }
plan-hours-heading = Opningstider
plan-hours-slot = { $days } klokka { $from }–{ $until }
plan-hours-all-day = { $days } heile døgeret
plan-closed = Stengd: { $description }
plan-out-of-hours = Når oppfølgingstenesta er stengd: { $name }, telefon { $phone }
plan-material-heading = Les meir
plan-how = Slik gjer du det
plan-summary = Samandrag og utskrift
material-back = Tilbake til planen
summary-heading = Samandrag av oppfølginga
summary-print = Skriv ut
summary-readings-heading = Målingar dei siste tre månadene
summary-count = { $count ->
    [one] { $count } måling
   *[other] { $count } målingar
}
measure-taken-by-other-relative = Ein annan pårørande for meg

# The side of the limits and the change over days that set a colour.
result-cause-below = { $what }: { $value } – under grensa di.
result-cause-above = { $what }: { $value } – over grensa di.
result-cause-trend-above = { $what }: opp { $change } på { $days ->
    [one] eitt døgn
   *[other] { $days } dagar
}.
result-cause-trend-below = { $what }: ned { $change } på { $days ->
    [one] eitt døgn
   *[other] { $days } dagar
}.
result-cause-answer = Du svarte på «{ $question }». Difor har svara dine denne fargen.
plan-side-below = – for låg
plan-side-above = – for høg
plan-trend-above = { $what }: opp { $change } eller meir på { $days ->
    [one] eitt døgn
   *[other] { $days } dagar
}
plan-trend-below = { $what }: ned { $change } eller meir på { $days ->
    [one] eitt døgn
   *[other] { $days } dagar
}
plan-trend-either = { $what }: endra { $change } eller meir på { $days ->
    [one] eitt døgn
   *[other] { $days } dagar
}
service-not-for-urgent = Ikkje for det som hastar. Vi svarar på meldingar og videosamtalar berre når tenesta er open.
service-open-now = Oppfølgingstenesta er open no.
service-closed-now = Oppfølgingstenesta er stengd no.
service-urgent-out-of-hours = Hastar det og tenesta er stengd: ring { $name }, { $phone }

training-ended-locked = Øvingsmodus er slått av. Målingar og svar tel no og blir sende til oppfølgingstenesta.
medicine-take = Eg har teke denne no
medicine-taken-at = Notert: teke klokka { $time }.
