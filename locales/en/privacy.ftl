# The privacy notice (ui/screens/privacy.js): what Heima does with the
# patient's information. Raise PRIVACY_NOTICE_VERSION (core/src/app/screens.rs)
# when a change here must be read again. Facts: docs/privacy.md.

privacy-heading = Privacy in Heima
privacy-intro = This is what happens to your information when you use Heima.
privacy-demo = This is the Heima demo: what you do here stays on the tablet and is not sent to anyone. The text below applies once the tablet is connected to the service that follows you up.
privacy-who-heading = Who is responsible
privacy-who = { $service } is responsible for your information (the data controller). Ask them your questions about privacy.
privacy-who-unknown = The service that follows you up is responsible for your information (the data controller). Ask them your questions about privacy.
privacy-what-heading = What Heima keeps
privacy-what = Your readings, your answers to the questions, the medicines you say you took as the plan says, the messages between you and the service, your plan and which measuring devices are connected. Heima also notes whether you or a relative took the reading or answered. Your national identity number, if the service gives it, is used to check that the tablet is yours.
privacy-where-heading = Where your information is
privacy-where = The information is stored encrypted on the tablet. Readings, answers, medicines you took and messages go over a secure connection to the service, which adds them to your health record. Heima sends nothing to anyone but the service and the servers it has chosen for logging in and for video calls, not even to the people who made the app.
privacy-call = Video calls go between you and the service, perhaps through a server the service has chosen. Heima does not record them.
privacy-how-long-heading = How long
privacy-how-long = On the tablet until the follow-up ends. Then the nurse deletes everything about you from the tablet, also files Heima saved there (but not a file you moved yourself). At the service, the rules for health records apply.
privacy-copy-heading = A copy of your information
privacy-copy = When the follow-up is over, you can save your information as a file in Heima. The file is deleted from the tablet when the follow-up ends, so move it first if you want to keep it. You can also ask the service to see your health record and for a copy of it.
privacy-read = I have read this
privacy-open = Privacy
privacy-ask = Read what Heima does with your information.
privacy-ask-open = Read about privacy
privacy-back = Back to the settings
