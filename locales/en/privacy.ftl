# The privacy notice (ui/screens/privacy.js): what Heima does with the
# patient's information. Raise PRIVACY_NOTICE_VERSION (core/src/app/screens.rs)
# when a change here must be read again. Facts: docs/privacy.md.

privacy-heading = Privacy in Heima
privacy-intro = This is what happens to your information when you use Heima.
privacy-who-heading = Who is responsible
privacy-who = { $service } is responsible for your information (the data controller). Ask them your questions about privacy.
privacy-who-unknown = The follow-up service that follows you up is responsible for your information (the data controller). Ask them your questions about privacy.
privacy-what-heading = What Heima keeps
privacy-what = Your readings, your answers to the questions, the messages between you and the service, your plan and which measuring devices are connected. Heima also notes whether you or a relative took the reading or answered.
privacy-where-heading = Where it is
privacy-where = The information is stored encrypted on the tablet. Readings, answers and messages go over a secure connection to the service, which adds them to your health record. Heima sends nothing to anyone else, not even to the people who made the app.
privacy-call = Video calls go only between you and the service, and are not recorded.
privacy-how-long-heading = How long
privacy-how-long = On the tablet until the follow-up ends. Then the nurse deletes everything about you from the tablet. At the service, the rules for health records apply.
privacy-copy-heading = A copy of your information
privacy-copy = When the follow-up is over, you can save a copy as a file in Heima. You can also ask the service to see your health record and for a copy of it.
privacy-read = I have read this
privacy-open = Privacy
privacy-ask = Read what Heima does with your information.
privacy-ask-open = Read about privacy
privacy-back = Back to the settings
