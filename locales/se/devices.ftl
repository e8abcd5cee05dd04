devices-heading = Mihttorusttegat
bluetooth-checking = Ohcamin Bluetooth-oktavuođa …
bluetooth-available = Bluetooth lea gearggus. Mihttorusttegiid sáhttá čatnat.
bluetooth-unavailable = Bluetooth ii doaimma dán dihtordulbosis.
bluetooth-unavailable-no-service = Dihtorduolbbus ii gávdnan Bluetooth-bálvalusa. Don sáhtát goitge čállit mihtidemiid ieš.
bluetooth-unavailable-no-adapter = Dihtordulbosis ii leat Bluetooth-rádio. Don sáhtát goitge čállit mihtidemiid ieš.
bluetooth-unavailable-switched-off = Bluetooth lea jáddaduvvon dihtordulbosis. Cahkket dan dihtordulbosa ásahusain, dahje čále mihtidemiid ieš.

demo-background-heading = Demo: mihtideapmi mii boahtá iešalddis
demo-background-intro = Muhtin rusttegat sáddejit mihtideami vaikko Heima lea giddejuvvon. Deaddil, de demo-pulsoksymeahttar sádde mihtideami moatti sekundda geažes.
demo-background-send = Sádde mihtideami pulsoksymeahtaris
demo-background-started = Pulsoksymeahttar sádde mihtideami moatti sekundda geažes.
