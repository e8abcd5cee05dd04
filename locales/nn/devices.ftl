devices-heading = Måleapparat
bluetooth-checking = Ser etter Bluetooth …
bluetooth-available = Bluetooth er klart. Måleapparata kan koplast til.
bluetooth-unavailable = Bluetooth er ikkje tilgjengeleg på dette nettbrettet.
bluetooth-unavailable-no-service = Nettbrettet fann ikkje Bluetooth-tenesta. Du kan framleis skrive inn målingar sjølv.
bluetooth-unavailable-no-adapter = Nettbrettet har ingen Bluetooth-radio. Du kan framleis skrive inn målingar sjølv.
bluetooth-unavailable-switched-off = Bluetooth er slått av på nettbrettet. Slå det på i innstillingane til nettbrettet, eller skriv inn målingar sjølv.

demo-background-heading = Demo: ei måling som kjem av seg sjølv
demo-background-intro = Nokre apparat sender målinga sjølv om Heima er lukka. Trykk, så sender demo-pulsoksymeteret ei måling om nokre sekund.
demo-background-send = Send ei måling frå pulsoksymeteret
demo-background-started = Pulsoksymeteret sender om nokre sekund.
