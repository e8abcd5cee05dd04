error-generic = Noko gjekk gale. Prøv igjen, eller ring oppfølgingstenesta.
error-unknown-locale = Dette språket finst ikkje i appen.
error-settings-unreadable = Innstillingane kunne ikkje lesast. Appen brukar standardval.
error-settings-unwritable = Innstillingane kunne ikkje lagrast. Prøv igjen.
error-bluetooth-unavailable = Bluetooth er ikkje tilgjengeleg.
