devices-heading = Måleapparater
bluetooth-checking = Ser etter Bluetooth …
bluetooth-available = Bluetooth er klart. Måleapparatene kan kobles til.
bluetooth-unavailable = Bluetooth er ikke tilgjengelig på dette nettbrettet.
bluetooth-unavailable-no-service = Nettbrettet fant ikke Bluetooth-tjenesten. Du kan fortsatt skrive inn målinger selv.
bluetooth-unavailable-no-adapter = Nettbrettet har ingen Bluetooth-radio. Du kan fortsatt skrive inn målinger selv.
bluetooth-unavailable-switched-off = Bluetooth er slått av på nettbrettet. Slå det på i nettbrettets innstillinger, eller skriv inn målinger selv.

demo-background-heading = Demo: en måling som kommer av seg selv
demo-background-intro = Noen apparater sender målingen selv om Heima er lukket. Trykk, så sender demo-pulsoksymeteret en måling om noen sekunder.
demo-background-send = Send en måling fra pulsoksymeteret
demo-background-started = Pulsoksymeteret sender om noen sekunder.
