# The privacy notice (ui/screens/privacy.js): what Heima does with the
# patient's information. Raise PRIVACY_NOTICE_VERSION (core/src/app/screens.rs)
# when a change here must be read again. Facts: docs/privacy.md.

privacy-heading = Personvern i Heima
privacy-intro = Her står det kva som skjer med opplysningane dine når du brukar Heima.
privacy-demo = Dette er demoen av Heima: det du gjer her, blir berre på nettbrettet og blir ikkje sendt til nokon. Teksten under gjeld når nettbrettet er kopla til tenesta som følgjer deg opp.
privacy-who-heading = Kven har ansvaret
privacy-who = { $service } har ansvaret for opplysningane dine (behandlingsansvarleg). Spørsmål om personvern stiller du til dei.
privacy-who-unknown = Tenesta som følgjer deg opp, har ansvaret for opplysningane dine (behandlingsansvarleg). Spørsmål om personvern stiller du til dei.
privacy-what-heading = Kva Heima tek vare på
privacy-what = Målingane dine, svara dine på spørsmåla, medisinane du seier at du har teke etter planen, meldingane mellom deg og tenesta, planen din og kva måleapparat som er kopla til. Heima skriv også ned om det var du eller ein pårørande som målte eller svarte. Fødselsnummeret ditt, om tenesta oppgir det, blir brukt til å sjekke at nettbrettet er ditt.
privacy-where-heading = Kvar opplysningane er
privacy-where = Opplysningane blir lagra kryptert på nettbrettet. Målingar, svar, medisinar du har teke og meldingar blir sende over ei trygg tilkopling til tenesta, som tek dei inn i journalen din. Heima sender ingenting til andre enn tenesta og dei serverane tenesta har valt for innlogging og videosamtalar, heller ikkje til dei som har laga appen.
privacy-call = Videosamtalar går mellom deg og tenesta, eventuelt gjennom ein server tenesta har valt. Heima tek dei ikkje opp.
privacy-how-long-heading = Kor lenge
privacy-how-long = På nettbrettet til oppfølginga blir avslutta. Då slettar sjukepleiaren alt om deg frå nettbrettet, også filer Heima har lagra der (men ikkje ei fil du sjølv har flytta). Hjå tenesta gjeld reglane for pasientjournalar.
privacy-copy-heading = Kopi av opplysningane
privacy-copy = Når oppfølginga er over, kan du lagre opplysningane dine som ei fil i Heima. Fila blir sletta frå nettbrettet når oppfølginga blir avslutta, så flytt ho først om du vil ta vare på ho. Du kan også be tenesta om innsyn i journalen din og ein kopi av han.
privacy-read = Eg har lese dette
privacy-open = Personvern
privacy-ask = Les kva Heima gjer med opplysningane dine.
privacy-ask-open = Les om personvern
privacy-back = Tilbake til innstillingane
