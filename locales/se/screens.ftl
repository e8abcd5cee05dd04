nav-measure = Mihtit
nav-plan = Mu plána
nav-messages = Dieđáhusat
nav-unread = { $count ->
    [one] { $count } ođđa
    [two] { $count } ođđa
   *[other] { $count } ođđa
}
training-banner = Hárjehallanvuohki – mihtideamit ja vástádusat eai rehkenasto eaige sáddejuvvo
training-note = Hárjehallanvuohki: dát ii rehkenasto iige sáddejuvvo.
latest-training = Hárjehallan – ii rehkenasto iige sáddejuvvo
answer-yes = Juo
answer-no = Ii
measure-heading = Daga mihtideami
measure-choose = Maid don háliidat mihtidit?
measure-taken-by = Gii mihtida?
measure-taken-by-patient = Mun ieš
measure-taken-by-relative = Oapmahaš mu ovddas
measure-device-hint = Cahkket rusttega ja doala dan dihtordulbosa lahka.
measure-typed-hint = Mihtit du mihttáriin, ja čále logu maid dat čájeha.
measure-with-device = Mihtit rusttegiin
measure-now = Mihtit dál. Vuordimin mihtideami rusttegis …
measure-now-demo = Mihtit dál. Demorusttet mihtida …
measure-manual-heading = Dahje čále mihtideami ieš
measure-manual-save = Vurke mihtideami
manual-check = Dárkkis merkejuvvon loguid.
manual-field-8480-6 = Bajit deaddu (systolalaš)
manual-field-8462-4 = Vuolit deaddu (diastolalaš)
manual-field-8478-0 = Gaskamearálaš deaddu
manual-field-8867-4 = Váibmocapmin
manual-field-2708-6 = Oksygena dássi
manual-field-8310-5 = Temperatuvra
manual-field-29463-7 = Deaddu
manual-field-15074-8 = Varrasohkar
manual-field-2339-0 = Varrasohkar
manual-field-19935-6 = Bosadanleaktu (PEF)
manual-field-20150-9 = FEV1
manual-field-74465-6 = Čuoggát oktiibuot
manual-missing = Čále logu dása.
manual-not-a-number = «{ $typed }» ii leat lohku. Geavat dušše loguid ja dárbbu mielde rihku.
manual-too-many-decimals = Logus «{ $typed }» leat menddo ollu desimálat.
manual-implausible = { $typed } ii sáhte leat riekta. Dárkkis logu – dat galgá leat gaskkal { $min } ja { $max }.
manual-systolic-below-diastolic = Bajit deaddu ferte leat alit go vuolit deaddu. Dárkkis ahte logut eai leat molsašuvvan.
manual-unknown-choice = Vállje ovtta vástádusain.
manual-meal-legend = Goas don mihtidit varrasohkara? (sáhttá guođđit guorusin)
meal-before-meal = Ovdal mállásiid
meal-after-meal = Mállásiid maŋŋel
meal-fasting = Borakeahttá
meal-casual = Vaikko goas
meal-bedtime = Ovdal go manat oađđit
result-heading-green = Ruoná avádat: buot orru buorre
result-heading-yellow = Fiskes avádat: čuovo bures mielde, ja daga nugo ráđđi vuolábealde dadjá
result-heading-red = Rukses avádat: daga dán dál
result-heading-not-judged = Mihtideapmi lea vurkejuvvon
result-cause = Ivnni sivva: { $what } { $value }.
result-not-judged-no-limits = Du plánas eai leat rájit dán mihtideapmái.
result-not-judged-value-absent = Rusttet ii sádden árvvu, nu ahte mihtideami ii sáhttán árvvoštallat. Mihtit ođđasit.
result-not-judged-outside-bands = Árvu lea du plána rájiid olggobealde. Riŋge čuovvulanbálvalussii jus leat eahpesihkar.
result-not-judged-unit-mismatch = Mihtideami ii sáhttán árvvoštallat. Riŋge čuovvulanbálvalussii jus leat eahpesihkar.
result-to-today = Ruovttoluotta Odne-siidui
result-to-history = Geahča historihka
questionnaire-count = Gažaldat { $n }/{ $total }
questionnaire-next = Boahtte
questionnaire-back = Ruovttoluotta
questionnaire-skip = Njuike badjel
questionnaire-summary = Dárkkis vástádusaid ovdal go sáddet
questionnaire-not-answered = Ii vástiduvvon
questionnaire-change = Rievdat
questionnaire-send = Sádde vástádusaid
questionnaire-sent = Vástádusat leat vurkejuvvon
questionnaire-score = Čuoggát oktiibuot: { $score }
plan-heading = Mu plána
plan-version = Plána veršuvdna { $version }
plan-print = Prente plána
plan-timing-daily = Juohke beaivve diibmu { $times }
plan-timing-weekly = { $days } diibmu { $times }
plan-timing-per-week = { $count ->
    [one] Oktii vahkus
    [two] Guktii vahkus
   *[other] { $count } gearddi vahkus
}
plan-timing-when-needed = Dárbbu mielde
plan-limit-between = { $what }: { $low } rájes { $high } rádjái
plan-limit-from = { $what }: { $low } dahje eambbo
plan-limit-up-to = { $what }: gitta { $high } rádjái
plan-best = { $what }: buoremus árvu lea { $value }. Rájit leat mearriduvvon dan vuođul.
weekday-mon = mánnodat
weekday-tue = disdat
weekday-wed = gaskavahkku
weekday-thu = duorastat
weekday-fri = bearjadat
weekday-sat = lávvardat
weekday-sun = sotnabeaivi
history-heading = Historihkka
history-choose-kind = Vállje mihtideami
history-choose-period = Vállje áigodaga
history-period-7 = 1 vahkku
history-period-30 = 1 mánnu
history-period-90 = 3 mánu
history-plot-title = { $what }, maŋimuš { $days ->
    [one] jándor
    [two] { $days } beaivvi
   *[other] { $days } beaivvi
}
history-plot-label = Kurva, { $what }: { $count ->
    [one] { $count } mihtideapmi
    [two] { $count } mihtideami
   *[other] { $count } mihtideami
}. Logut leat tabeallas vuolábealde.
history-legend = Ivnnit kurvva duohken leat du rájit: ruoná, fiskes ja rukses avádat.
history-empty = Dán áigodagas eai leat mihtideamit.
history-col-time = Áigi
history-col-value = Árvu
history-col-colour = Avádat
history-col-sent = Sáddejuvvon
messages-heading = Dieđáhusat
messages-empty = Ii vel oktage dieđáhus.
message-write = Čále dieđáhusa čuovvulanbálvalussii
message-send = Sádde dieđáhusa
message-sent = Dieđáhus lea vurkejuvvon ja sáddejuvvo.
message-from-me = Don
message-from-service = Čuovvulanbálvalus
message-new = Ođas
devices-paired-heading = Čadnojuvvon rusttegat
devices-none-paired = Rusttegat eai leat vel čadnojuvvon. Buohccedivššár čatná daid.
devices-battery = Batteriija { $percent } %
devices-seen = Maŋimuš geavahuvvon { $when }
devices-never-seen = Ii vel geavahuvvon
nurse-entry-heading = Buohccedivššára várás
nurse-open = Raba buohccedivššára siiddu
nurse-heading = Buohccedivššára siidu
nurse-intro = Dát siidu lea buohccedivššára várás vuosttaš galledeamis.
nurse-code-label = Buohccedivššárkoda
nurse-code-submit = Raba
nurse-demo-code = Demo: koda lea { $code }.
nurse-lock = Gidde buohccedivššára siiddu
enrol-intro = Skánne čuovvulanbálvalusa QR-koda kámerain, čále aktiverenkoda, dahje čálit sisa bálvalussii.
enrol-scan-start = Skánne QR-koda kámerain
enrol-scan-view = Maid kámera oaidná
enrol-scan-looking = Doala čuovvulanbálvalusa QR-koda lihkatmeahttumin kámera ovddas.
enrol-scan-other-code = Dát QR-koda ii leat Heima-koda. Geavat čuovvulanbálvalusa QR-koda.
enrol-scan-read = QR-koda lea lohkkojuvvon. Dárkkis bálvalusa ja pasieantta vuolábealde.
enrol-scan-gave-up = QR-koda ii gávdnon. Geahččal ođđasit, dahje čále koda.
enrol-scan-stop = Jáddat kámera
pair-heading = Čatna mihttorusttegiid
pair-step-1 = Cahkket rusttega.
pair-step-2 = Doala čatnanboalu deddon dassážii go čuovga šleađgu.
pair-step-3 = Deaddil «Oza rusttegiid».
pair-step-4 = Vállje rusttega listtus.
pair-search = Oza rusttegiid
pair-searching = Ohcamin …
pair-none-found = Rusttegat eai gávdnon. Dárkkis ahte rusttet šleađgu, ja oza fas.
pair-this = Čatna
pair-done = Čadnojuvvon
pair-already = Juo čadnojuvvon
training-heading = Hárjehallanvuohki
training-intro = Čájet pasientii mo galgá mihtidit ja vástidit. Buot mii dahkkojuvvo hárjehallanvuogis, merkejuvvo, ii rehkenasto iige sáddejuvvo.
training-start = Álggat hárjehallanvuogi
training-stop = Loahpat hárjehallanvuogi
training-started = Hárjehallanvuohki lea cahkkehuvvon.
training-stopped = Hárjehallanvuohki lea jáddaduvvon.
demo-reply = Giitu dieđáhusa ovddas! Mii leat lohkan dan ja vástidit dutnje odne. (Dát lea demovástádus.)
end-heading = Loahpat čuovvuleami
end-intro = Go čuovvuleapmi lea nohkan: dat mii ii leat sáddejuvvon, sáddejuvvo vuos. Dasto sihkkojuvvo buot pasieantta birra dihtordulbosis, ja dan sáhttá luoikkahit ođđa pasientii.
end-open = Loahpat čuovvuleami …
end-unreadable = Dihtordulbosa dieđuid ii sáhte lohkat, nu ahte dan mii ii leat sáddejuvvon, ii sáhte sáddet.
end-all-sent = Buot lea sáddejuvvon čuovvulanbálvalussii.
end-copies = { $count ->
    [one] Dihtordulbosii lea vurkejuvvon okta fiila mas leat pasieantta dieđut. Dat sihkkojuvvo go čuovvuleapmi loahpahuvvo, nu ahte sirdde dan vuos jus pasieanta háliida doalahit dan:
    [two] Dihtordulbosii leat vurkejuvvon { $count } fiilla main leat pasieantta dieđut. Dat sihkkojuvvojit go čuovvuleapmi loahpahuvvo, nu ahte sirdde daid vuos jus pasieanta háliida doalahit daid:
   *[other] Dihtordulbosii leat vurkejuvvon { $count } fiilla main leat pasieantta dieđut. Dat sihkkojuvvojit go čuovvuleapmi loahpahuvvo, nu ahte sirdde daid vuos jus pasieanta háliida doalahit daid:
}
end-copy = { $file } – máhppa: { $folder }
end-waiting = Ii vel sáddejuvvon: { $readings ->
    [one] { $readings } mihtideapmi
    [two] { $readings } mihtideami
   *[other] { $readings } mihtideami
}, { $answers ->
    [one] { $answers } vástádus
    [two] { $answers } vástádusa
   *[other] { $answers } vástádusa
}, { $messages ->
    [one] { $messages } dieđáhus
    [two] { $messages } dieđáhusa
   *[other] { $messages } dieđáhusa
} ja { $other ->
    [one] { $other } eará ášši
    [two] { $other } eará ášši
   *[other] { $other } eará ášši
}.
end-what-happens = Beassan bálvalussii váldojuvvo eret, ja buot pasieantta birra sihkkojuvvo dihtordulbosis. Dán ii sáhte šat rievdadit.
end-send = Sádde ja loahpat
end-give-up-consent = Mun dieđán ahte dat mii ii leat sáddejuvvon, láhppo
end-give-up = Loahpat sáddekeahttá
recovery-nurse-intro = Dihtordulbosa dieđuid ii sáhte rahpat go čoavdda váilu. Fiila ii leat rievdaduvvon. Sáhtát loahpahit čuovvuleami dás ja čatnat dihtordulbosa ođđasit.
plan-goals-heading = Du ulbmilat
plan-goal-due = { $date } rádjái
messages-taken-by = Gii čállá?
questionnaire-taken-by = Gii vástida?
message-from-relative = Oapmahaš čálii
message-from-training = Hárjehallan – ii sáddejuvvo
measure-to-history = Geahča historihka
settings-to-devices = Mihttorusttegat ja Bluetooth
result-not-judged-no-plan = Čuovvulanbálvalus ii leat vel sádden du plána, nu ahte mihtideami ii sáhttán árvvoštallat. Dat lea vurkejuvvon ja sáddejuvvo.
plan-medicines-heading = Du dálkasat
plan-medicines-daily = Bissovaš
plan-team-heading = Geainna sáhtát váldit oktavuođa?
plan-team-member = { $role }: { $name }
plan-phone = Telefovdna { $phone }
plan-hours-heading = Rahpanáiggit
plan-hours-slot = { $days } diibmu { $from }–{ $until }
plan-hours-all-day = { $days } birra jándora
plan-closed = Giddejuvvon: { $description }
plan-out-of-hours = Go čuovvulanbálvalus lea giddejuvvon: { $name }, telefovdna { $phone }
plan-material-heading = Loga eambbo
plan-how = Ná don dagat dan
plan-summary = Čoahkkáigeassu ja prentehus
material-back = Ruovttoluotta plánii
summary-heading = Čuovvuleami čoahkkáigeassu
summary-print = Prente
summary-readings-heading = Mihtideamit maŋimuš golmma mánu áigge
summary-count = { $count ->
    [one] { $count } mihtideapmi
    [two] { $count } mihtideami
   *[other] { $count } mihtideami
}
measure-taken-by-other-relative = Eará oapmahaš mu ovddas

# The side of the limits and the change over days that set a colour.
result-cause-below = { $what }: { $value } – du ráji vuolábealde.
result-cause-above = { $what }: { $value } – du ráji bajábealde.
result-cause-trend-above = { $what }: lassánan { $change } { $days ->
    [one] ovtta jándora siste
    [two] { $days } beaivvi siste
   *[other] { $days } beaivvi siste
}.
result-cause-trend-below = { $what }: unnon { $change } { $days ->
    [one] ovtta jándora siste
    [two] { $days } beaivvi siste
   *[other] { $days } beaivvi siste
}.
result-cause-answer = Don vástidit gažaldahkii «{ $question }». Danne du vástádusain lea dát ivdni.
plan-side-below = – menddo vuollegaš
plan-side-above = – menddo allat
plan-trend-above = { $what }: lassána { $change } dahje eambbo { $days ->
    [one] ovtta jándora siste
    [two] { $days } beaivvi siste
   *[other] { $days } beaivvi siste
}
plan-trend-below = { $what }: unnu { $change } dahje eambbo { $days ->
    [one] ovtta jándora siste
    [two] { $days } beaivvi siste
   *[other] { $days } beaivvi siste
}
plan-trend-either = { $what }: rievdá { $change } dahje eambbo { $days ->
    [one] ovtta jándora siste
    [two] { $days } beaivvi siste
   *[other] { $days } beaivvi siste
}
service-not-for-urgent = Ii dalle go lea hoahppu. Mii vástidit dieđáhusaide ja videoságastallamiidda dušše go bálvalus lea rabas.
service-open-now = Čuovvulanbálvalus lea rabas dál.
service-closed-now = Čuovvulanbálvalus lea giddejuvvon dál.
service-urgent-out-of-hours = Jus lea hoahppu ja bálvalus lea giddejuvvon, riŋge: { $name }, { $phone }

training-ended-locked = Hárjehallanvuohki lea jáddaduvvon. Mihtideamit ja vástádusat rehkenastojit dál ja sáddejuvvojit čuovvulanbálvalussii.
medicine-take = Lean váldán dán dál
medicine-taken-at = Merkejuvvon: váldon diibmu { $time }.
