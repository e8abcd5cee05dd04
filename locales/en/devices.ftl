devices-heading = Devices
bluetooth-checking = Checking Bluetooth …
bluetooth-available = Bluetooth is ready. Devices can connect.
bluetooth-unavailable = Bluetooth is not available on this tablet.
bluetooth-unavailable-no-service = The tablet could not find its Bluetooth service. You can still type in readings yourself.
bluetooth-unavailable-no-adapter = The tablet has no Bluetooth radio. You can still type in readings yourself.
