devices-heading = Måleapparat
bluetooth-checking = Ser etter Bluetooth …
bluetooth-available = Bluetooth er klart. Måleapparata kan koplast til.
bluetooth-unavailable = Bluetooth er ikkje tilgjengeleg på dette nettbrettet.
bluetooth-unavailable-no-service = Nettbrettet fann ikkje Bluetooth-tenesta. Du kan framleis skrive inn målingar sjølv.
bluetooth-unavailable-no-adapter = Nettbrettet har ingen Bluetooth-radio. Du kan framleis skrive inn målingar sjølv.
