nav-measure = Mål
nav-plan = Min plan
nav-messages = Meldinger
nav-unread = { $count ->
    [one] { $count } ny
   *[other] { $count } nye
}
training-banner = Øvingsmodus – målinger og svar teller ikke og sendes ikke
training-note = Øvingsmodus: dette teller ikke og sendes ikke.
latest-training = Øving – teller ikke og sendes ikke
answer-yes = Ja
answer-no = Nei
measure-heading = Ta en måling
measure-choose = Hva vil du måle?
measure-taken-by = Hvem måler?
measure-taken-by-patient = Jeg selv
measure-taken-by-relative = En pårørende for meg
measure-device-hint = Slå på apparatet og hold det nær nettbrettet.
measure-typed-hint = Mål med måleren din, og skriv inn tallet den viser.
measure-with-device = Mål med apparatet
measure-now = Mål nå. Venter på målingen fra apparatet …
measure-now-demo = Mål nå. Demoapparatet måler …
measure-manual-heading = Eller skriv inn målingen selv
measure-manual-save = Lagre målingen
manual-check = Sjekk tallene som er merket.
manual-field-8480-6 = Øvre trykk (systolisk)
manual-field-8462-4 = Nedre trykk (diastolisk)
manual-field-8478-0 = Middeltrykk
manual-field-8867-4 = Puls
manual-field-2708-6 = Oksygenmetning
manual-field-8310-5 = Temperatur
manual-field-29463-7 = Vekt
manual-field-15074-8 = Blodsukker
manual-field-2339-0 = Blodsukker
manual-field-19935-6 = Toppstrøm (PEF)
manual-field-20150-9 = FEV1
manual-field-74465-6 = Poengsum
manual-missing = Skriv inn et tall her.
manual-not-a-number = «{ $typed }» er ikke et tall. Bruk bare siffer og eventuelt komma.
manual-too-many-decimals = «{ $typed }» har for mange desimaler.
manual-implausible = { $typed } kan ikke stemme. Sjekk tallet – det skal være mellom { $min } og { $max }.
manual-systolic-below-diastolic = Øvre trykk må være høyere enn nedre trykk. Sjekk at tallene ikke er byttet om.
manual-unknown-choice = Velg et av svarene.
manual-meal-legend = Når tok du blodsukkeret? (kan stå tomt)
meal-before-meal = Før et måltid
meal-after-meal = Etter et måltid
meal-fasting = Fastende
meal-casual = Tilfeldig tidspunkt
meal-bedtime = Ved sengetid
result-heading-green = Grønn: alt ser bra ut
result-heading-yellow = Gul: følg ekstra med, og gjør det rådet under sier
result-heading-red = Rød: gjør dette nå
result-heading-not-judged = Målingen er lagret
result-cause = { $what } { $value } er grunnen til fargen.
result-not-judged-no-limits = Planen din har ingen grenser for denne målingen.
result-not-judged-value-absent = Apparatet sendte ingen verdi, så målingen kunne ikke vurderes. Mål på nytt.
result-not-judged-outside-bands = Verdien faller utenfor grensene i planen din. Ring oppfølgingstjenesten hvis du er usikker.
result-not-judged-unit-mismatch = Målingen kunne ikke vurderes. Ring oppfølgingstjenesten hvis du er usikker.
result-to-today = Tilbake til I dag
result-to-history = Se historikken
questionnaire-count = Spørsmål { $n } av { $total }
questionnaire-next = Neste
questionnaire-back = Tilbake
questionnaire-skip = Hopp over
questionnaire-summary = Sjekk svarene før du sender
questionnaire-not-answered = Ikke svart
questionnaire-change = Endre
questionnaire-send = Send svarene
questionnaire-sent = Svarene er lagret
questionnaire-score = Poengsum: { $score }
plan-heading = Min plan
plan-version = Planversjon { $version }
plan-print = Skriv ut planen
plan-timing-daily = Hver dag klokka { $times }
plan-timing-weekly = { $days } klokka { $times }
plan-timing-per-week = { $count ->
    [one] { $count } gang i uka
   *[other] { $count } ganger i uka
}
plan-timing-when-needed = Ved behov
plan-limit-between = { $what }: fra { $low } til { $high }
plan-limit-from = { $what }: { $low } eller mer
plan-limit-up-to = { $what }: opp til { $high }
plan-best = Beste verdi for { $what }: { $value }. Grensene er regnet ut fra den.
weekday-mon = mandag
weekday-tue = tirsdag
weekday-wed = onsdag
weekday-thu = torsdag
weekday-fri = fredag
weekday-sat = lørdag
weekday-sun = søndag
history-heading = Historikk
history-choose-kind = Velg måling
history-choose-period = Velg periode
history-period-7 = 1 uke
history-period-30 = 1 måned
history-period-90 = 3 måneder
history-plot-title = { $what }, siste { $days ->
    [one] døgn
   *[other] { $days } dager
}
history-plot-label = Kurve over { $what }: { $count ->
    [one] { $count } måling
   *[other] { $count } målinger
}. Tallene står i tabellen under.
history-legend = Fargene bak kurven er grensene dine: grønn, gul og rød sone.
history-empty = Ingen målinger i denne perioden.
history-col-time = Tid
history-col-value = Verdi
history-col-colour = Sone
history-col-sent = Sendt
messages-heading = Meldinger
messages-empty = Ingen meldinger ennå.
message-write = Skriv en melding til oppfølgingstjenesten
message-send = Send meldingen
message-sent = Meldingen er lagret og sendes.
message-from-me = Deg
message-from-service = Oppfølgingstjenesten
message-new = Ny
devices-paired-heading = Sammenkoblede apparater
devices-none-paired = Ingen apparater er koblet til ennå. Sykepleieren kobler dem til.
devices-battery = Batteri { $percent } %
devices-seen = Sist brukt { $when }
devices-never-seen = Ikke brukt ennå
nurse-entry-heading = For sykepleier
nurse-open = Åpne sykepleiersiden
nurse-heading = Sykepleiersiden
nurse-intro = Denne siden er for sykepleieren ved oppstartsbesøket.
nurse-code-label = Sykepleierkode
nurse-code-submit = Åpne
nurse-demo-code = Demo: koden er { $code }.
nurse-lock = Lukk sykepleiersiden
enrol-intro = Skann QR-koden fra oppfølgingstjenesten med kameraet, skriv inn aktiveringskoden, eller logg inn hos tjenesten.
enrol-scan-start = Skann QR-koden med kameraet
enrol-scan-view = Det kameraet ser
enrol-scan-looking = Hold QR-koden fra oppfølgingstjenesten rolig foran kameraet.
enrol-scan-other-code = Denne QR-koden er ikke en Heima-kode. Bruk QR-koden fra oppfølgingstjenesten.
enrol-scan-read = QR-koden er lest. Sjekk tjenesten og pasienten under.
enrol-scan-gave-up = Fant ingen QR-kode. Prøv igjen, eller skriv inn koden.
enrol-scan-stop = Slå av kameraet
pair-heading = Koble til måleapparater
pair-step-1 = Slå på apparatet.
pair-step-2 = Hold inne koblingsknappen til lyset blinker.
pair-step-3 = Trykk «Søk etter apparater».
pair-step-4 = Velg apparatet i lista.
pair-search = Søk etter apparater
pair-searching = Søker …
pair-none-found = Fant ingen apparater. Sjekk at apparatet blinker, og søk igjen.
pair-this = Koble til
pair-done = Koblet til
pair-already = Allerede koblet til
training-heading = Øvingsmodus
training-intro = Vis pasienten hvordan en måler og svarer. Alt som gjøres i øvingsmodus er merket, teller ikke og sendes ikke.
training-start = Start øvingsmodus
training-stop = Avslutt øvingsmodus
training-started = Øvingsmodus er på.
training-stopped = Øvingsmodus er av.
demo-reply = Takk for meldingen! Vi har lest den og svarer deg i løpet av dagen. (Dette er et demosvar.)
end-heading = Avslutt oppfølgingen
end-intro = Når oppfølgingen er over: det som ikke er sendt, sendes først. Så fjernes alt om pasienten fra nettbrettet, og det kan lånes ut til en ny pasient.
end-open = Avslutt oppfølgingen …
end-unreadable = Dataene på nettbrettet kan ikke leses, så det som ikke er sendt, kan ikke sendes.
end-all-sent = Alt er sendt til oppfølgingstjenesten.
end-copies = { $count ->
    [one] En fil med pasientens data er lagret på nettbrettet. Den slettes når oppfølgingen avsluttes, så flytt den først hvis pasienten vil beholde den:
   *[other] { $count } filer med pasientens data er lagret på nettbrettet. De slettes når oppfølgingen avsluttes, så flytt dem først hvis pasienten vil beholde dem:
}
end-copy = { $file } i { $folder }
end-waiting = Ikke sendt ennå: { $readings ->
    [one] { $readings } måling
   *[other] { $readings } målinger
}, { $answers } svar, { $messages ->
    [one] { $messages } melding
   *[other] { $messages } meldinger
} og { $other } { $other ->
    [one] annen
   *[other] andre
}.
end-what-happens = Tilgangen til tjenesten trekkes tilbake, og alt om pasienten slettes fra nettbrettet. Det kan ikke angres.
end-send = Send og avslutt
end-give-up-consent = Jeg vet at det som ikke er sendt, går tapt
end-give-up = Avslutt uten å sende
recovery-nurse-intro = Dataene på nettbrettet kan ikke åpnes fordi nøkkelen mangler. Filen er ikke rørt. Du kan avslutte oppfølgingen her og koble nettbrettet til på nytt.
plan-goals-heading = Målene dine
plan-goal-due = innen { $date }
messages-taken-by = Hvem skriver?
questionnaire-taken-by = Hvem svarer?
message-from-relative = Skrevet av en pårørende
message-from-training = Øving – sendes ikke
measure-to-history = Se historikken
settings-to-devices = Måleapparater og Bluetooth
result-not-judged-no-plan = Oppfølgingstjenesten har ikke sendt planen din ennå, så målingen kunne ikke vurderes. Den er lagret og blir sendt.
plan-medicines-heading = Medisinene dine
plan-medicines-daily = Fast
plan-team-heading = Hvem kan du kontakte?
plan-team-member = { $role }: { $name }
plan-phone = Telefon { $phone }
plan-hours-heading = Åpningstider
plan-hours-slot = { $days } klokka { $from }–{ $until }
plan-hours-all-day = { $days } hele døgnet
plan-closed = Stengt: { $description }
plan-out-of-hours = Når oppfølgingstjenesten er stengt: { $name }, telefon { $phone }
plan-material-heading = Les mer
plan-how = Slik gjør du det
plan-summary = Sammendrag og utskrift
material-back = Tilbake til planen
summary-heading = Sammendrag av oppfølgingen
summary-print = Skriv ut
summary-readings-heading = Målinger de siste tre månedene
summary-count = { $count ->
    [one] { $count } måling
   *[other] { $count } målinger
}
measure-taken-by-other-relative = En annen pårørende for meg

# The side of the limits and the change over days that set a colour.
result-cause-below = { $what }: { $value } – under grensen din.
result-cause-above = { $what }: { $value } – over grensen din.
result-cause-trend-above = { $what }: opp { $change } på { $days ->
    [one] ett døgn
   *[other] { $days } dager
}.
result-cause-trend-below = { $what }: ned { $change } på { $days ->
    [one] ett døgn
   *[other] { $days } dager
}.
result-cause-answer = Du svarte på «{ $question }». Derfor har svarene dine denne fargen.
plan-side-below = – for lav
plan-side-above = – for høy
plan-trend-above = { $what }: opp { $change } eller mer på { $days ->
    [one] ett døgn
   *[other] { $days } dager
}
plan-trend-below = { $what }: ned { $change } eller mer på { $days ->
    [one] ett døgn
   *[other] { $days } dager
}
plan-trend-either = { $what }: endret { $change } eller mer på { $days ->
    [one] ett døgn
   *[other] { $days } dager
}
service-not-for-urgent = Ikke for det som haster. Vi svarer på meldinger og videosamtaler bare når tjenesten er åpen.
service-open-now = Oppfølgingstjenesten er åpen nå.
service-closed-now = Oppfølgingstjenesten er stengt nå.
service-urgent-out-of-hours = Haster det og tjenesten er stengt: ring { $name }, { $phone }

training-ended-locked = Øvingsmodus er slått av. Målinger og svar teller nå og sendes til oppfølgingstjenesten.
medicine-take = Jeg har tatt denne nå
medicine-taken-at = Notert: tatt klokka { $time }.
