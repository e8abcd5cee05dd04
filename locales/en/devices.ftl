devices-heading = Devices
bluetooth-checking = Checking Bluetooth …
bluetooth-available = Bluetooth is ready. Devices can connect.
bluetooth-unavailable = Bluetooth is not available on this tablet.
bluetooth-unavailable-no-service = The tablet could not find its Bluetooth service. You can still type in readings yourself.
bluetooth-unavailable-no-adapter = The tablet has no Bluetooth radio. You can still type in readings yourself.
bluetooth-unavailable-switched-off = Bluetooth is switched off on the tablet. Switch it on in the tablet's settings, or type in readings yourself.

demo-background-heading = Demo: a reading that comes by itself
demo-background-intro = Some devices send their reading even when Heima is closed. Press, and the demo pulse oximeter sends a reading in a few seconds.
demo-background-send = Send a reading from the pulse oximeter
demo-background-started = The pulse oximeter sends in a few seconds.
