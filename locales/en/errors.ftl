error-generic = Something went wrong. Try again, or call the follow-up service.
error-unknown-locale = This language is not in the app.
error-settings-unreadable = The settings could not be read. The app uses the defaults.
error-settings-unwritable = The settings could not be saved. Try again.
error-bluetooth-unavailable = Bluetooth is not available.
