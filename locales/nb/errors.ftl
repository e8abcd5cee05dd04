error-generic = Noe gikk galt. Prøv igjen, eller ring oppfølgingstjenesten.
error-unknown-locale = Dette språket finnes ikke i appen.
error-settings-unreadable = Innstillingene kunne ikke leses. Appen bruker standardvalg.
error-settings-unwritable = Innstillingene kunne ikke lagres. Prøv igjen.
error-bluetooth-unavailable = Bluetooth er ikke tilgjengelig.
