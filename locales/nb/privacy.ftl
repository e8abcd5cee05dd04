# The privacy notice (ui/screens/privacy.js): what Heima does with the
# patient's information. Raise PRIVACY_NOTICE_VERSION (core/src/app/screens.rs)
# when a change here must be read again. Facts: docs/privacy.md.

privacy-heading = Personvern i Heima
privacy-intro = Her står det hva som skjer med opplysningene dine når du bruker Heima.
privacy-demo = Dette er demoen av Heima: det du gjør her, blir bare på nettbrettet og sendes ikke til noen. Teksten under gjelder når nettbrettet er koblet til tjenesten som følger deg opp.
privacy-who-heading = Hvem har ansvaret
privacy-who = { $service } har ansvaret for opplysningene dine (behandlingsansvarlig). Spørsmål om personvern stiller du til dem.
privacy-who-unknown = Tjenesten som følger deg opp, har ansvaret for opplysningene dine (behandlingsansvarlig). Spørsmål om personvern stiller du til dem.
privacy-what-heading = Hva Heima tar vare på
privacy-what = Målingene dine, svarene dine på spørsmålene, medisinene du sier at du har tatt etter planen, meldingene mellom deg og tjenesten, planen din og hvilke måleapparater som er koblet til. Heima skriver også ned om det var du eller en pårørende som målte eller svarte. Fødselsnummeret ditt, hvis tjenesten oppgir det, brukes til å sjekke at nettbrettet er ditt.
privacy-where-heading = Hvor opplysningene er
privacy-where = Opplysningene lagres kryptert på nettbrettet. Målinger, svar, medisiner du har tatt og meldinger sendes over en sikker forbindelse til tjenesten, som tar dem inn i journalen din. Heima sender ingenting til andre enn tjenesten og de serverne tjenesten har valgt for innlogging og videosamtaler, heller ikke til dem som har laget appen.
privacy-call = Videosamtaler går mellom deg og tjenesten, eventuelt gjennom en server tjenesten har valgt. Heima tar dem ikke opp.
privacy-how-long-heading = Hvor lenge
privacy-how-long = På nettbrettet til oppfølgingen avsluttes. Da sletter sykepleieren alt om deg fra nettbrettet, også filer Heima har lagret der (men ikke en fil du selv har flyttet). Hos tjenesten gjelder reglene for pasientjournaler.
privacy-copy-heading = Kopi av opplysningene
privacy-copy = Når oppfølgingen er over, kan du lagre opplysningene dine som en fil i Heima. Filen slettes fra nettbrettet når oppfølgingen avsluttes, så flytt den først hvis du vil beholde den. Du kan også be tjenesten om innsyn i journalen din og en kopi av den.
privacy-read = Jeg har lest dette
privacy-open = Personvern
privacy-ask = Les hva Heima gjør med opplysningene dine.
privacy-ask-open = Les om personvern
privacy-back = Tilbake til innstillingene
