nav-measure = Measure
nav-plan = My plan
nav-messages = Messages
nav-unread = { $count } new
training-banner = Training mode – readings and answers do not count and are not sent
training-note = Training mode: this does not count and is not sent.
latest-training = Training – does not count and is not sent
answer-yes = Yes
answer-no = No
measure-heading = Take a reading
measure-choose = What do you want to measure?
measure-taken-by = Who is measuring?
measure-taken-by-patient = Me
measure-taken-by-relative = A relative, for me
measure-device-hint = Switch the device on and keep it near the tablet.
measure-typed-hint = Measure with your meter, then type in the number it shows.
measure-with-device = Measure with the device
measure-now = Measure now. Waiting for the reading from the device …
measure-now-demo = Measure now. The demo device is measuring …
measure-manual-heading = Or type in the reading yourself
measure-manual-save = Save the reading
manual-check = Check the marked numbers.
manual-field-8480-6 = Upper pressure (systolic)
manual-field-8462-4 = Lower pressure (diastolic)
manual-field-8478-0 = Mean pressure
manual-field-8867-4 = Pulse
manual-field-2708-6 = Oxygen saturation
manual-field-8310-5 = Temperature
manual-field-29463-7 = Weight
manual-field-15074-8 = Blood sugar
manual-field-2339-0 = Blood sugar
manual-field-19935-6 = Peak flow (PEF)
manual-field-20150-9 = FEV1
manual-field-74465-6 = Score
manual-missing = Type a number here.
manual-not-a-number = “{ $typed }” is not a number. Use digits and at most one decimal mark.
manual-too-many-decimals = “{ $typed }” has too many decimals.
manual-implausible = { $typed } cannot be right. Check the number – it should be between { $min } and { $max }.
manual-systolic-below-diastolic = The upper pressure must be higher than the lower one. Check that the numbers are not swapped.
manual-unknown-choice = Choose one of the answers.
manual-meal-legend = When did you take the blood sugar? (optional)
meal-before-meal = Before a meal
meal-after-meal = After a meal
meal-fasting = Fasting
meal-casual = At any time
meal-bedtime = At bedtime
result-heading-green = Green: all looks well
result-heading-yellow = Yellow: keep a closer eye, and do what the advice below says
result-heading-red = Red: do this now
result-heading-not-judged = The reading is saved
result-cause = { $what } { $value } is why it has this colour.
result-not-judged-no-limits = Your plan has no limits for this reading.
result-not-judged-value-absent = The device sent no value, so the reading could not be judged. Measure again.
result-not-judged-outside-bands = The value is outside the limits in your plan. Call the follow-up service if you are unsure.
result-not-judged-unit-mismatch = The reading could not be judged. Call the follow-up service if you are unsure.
result-to-today = Back to Today
result-to-history = See the history
questionnaire-count = Question { $n } of { $total }
questionnaire-next = Next
questionnaire-back = Back
questionnaire-skip = Skip
questionnaire-summary = Check your answers before sending
questionnaire-not-answered = Not answered
questionnaire-change = Change
questionnaire-send = Send the answers
questionnaire-sent = The answers are saved
questionnaire-score = Score: { $score }
plan-heading = My plan
plan-version = Plan version { $version }
plan-print = Print the plan
plan-timing-daily = Every day at { $times }
plan-timing-weekly = { $days } at { $times }
plan-timing-per-week = { $count ->
    [one] once a week
   *[other] { $count } times a week
}
plan-timing-when-needed = When needed
plan-limit-between = { $what }: from { $low } to { $high }
plan-limit-from = { $what }: { $low } or more
plan-limit-up-to = { $what }: up to { $high }
plan-best = Best value for { $what }: { $value }. The limits are worked out from it.
weekday-mon = Monday
weekday-tue = Tuesday
weekday-wed = Wednesday
weekday-thu = Thursday
weekday-fri = Friday
weekday-sat = Saturday
weekday-sun = Sunday
history-heading = History
history-choose-kind = Choose a reading
history-choose-period = Choose a period
history-period-7 = 1 week
history-period-30 = 1 month
history-period-90 = 3 months
history-plot-title = { $what }, last { $days ->
    [one] 24 hours
   *[other] { $days } days
}
history-plot-label = Plot of { $what }: { $count ->
    [one] { $count } reading
   *[other] { $count } readings
}. The numbers are in the table below.
history-legend = The colours behind the plot are your limits: green, yellow and red zone.
history-empty = No readings in this period.
history-col-time = Time
history-col-value = Value
history-col-colour = Zone
history-col-sent = Sent
messages-heading = Messages
messages-empty = No messages yet.
message-write = Write a message to the follow-up service
message-send = Send the message
message-sent = The message is saved and will be sent.
message-from-me = You
message-from-service = The follow-up service
message-new = New
devices-paired-heading = Paired devices
devices-none-paired = No devices are paired yet. The nurse pairs them.
devices-battery = Battery { $percent } %
devices-seen = Last used { $when }
devices-never-seen = Not used yet
nurse-entry-heading = For the nurse
nurse-open = Open the nurse's page
nurse-heading = The nurse's page
nurse-intro = This page is for the nurse at the start-up visit.
nurse-code-label = Nurse code
nurse-code-submit = Open
nurse-demo-code = Demo: the code is { $code }.
nurse-lock = Close the nurse's page
enrol-intro = Scan the follow-up service's QR code with the camera, type the activation code, or log in at the service.
enrol-scan-start = Scan the QR code with the camera
enrol-scan-view = What the camera sees
enrol-scan-looking = Hold the QR code from the follow-up service still in front of the camera.
enrol-scan-other-code = This QR code is not a Heima code. Use the QR code from the follow-up service.
enrol-scan-read = The QR code has been read. Check the service and the patient below.
enrol-scan-gave-up = No QR code was found. Try again, or type the code.
enrol-scan-stop = Turn off the camera
pair-heading = Pair measuring devices
pair-step-1 = Switch the device on.
pair-step-2 = Hold the pairing button until the light blinks.
pair-step-3 = Press “Search for devices”.
pair-step-4 = Choose the device in the list.
pair-search = Search for devices
pair-searching = Searching …
pair-none-found = No devices found. Check that the device is blinking, and search again.
pair-this = Pair
pair-done = Paired
pair-already = Already paired
training-heading = Training mode
training-intro = Show the patient how to measure and answer. Everything done in training mode is marked, does not count and is not sent.
training-start = Start training mode
training-stop = End training mode
training-started = Training mode is on.
training-stopped = Training mode is off.
demo-reply = Thank you for your message! We have read it and will answer during the day. (This is a demo reply.)
end-heading = End the follow-up
end-intro = When the follow-up is over: whatever has not been sent is sent first. Then everything about the patient is removed from the tablet, and it can be lent to a new patient.
end-open = End the follow-up …
end-unreadable = The data on the tablet cannot be read, so what has not been sent cannot be sent.
end-all-sent = Everything has been sent to the follow-up service.
end-copies = { $count ->
    [one] A file with the patient's data is saved on the tablet. It is deleted when the follow-up ends, so move it first if the patient wants to keep it:
   *[other] { $count } files with the patient's data are saved on the tablet. They are deleted when the follow-up ends, so move them first if the patient wants to keep them:
}
end-copy = { $file } in { $folder }
end-waiting = Not sent yet: { $readings ->
    [one] { $readings } reading
   *[other] { $readings } readings
}, { $answers ->
    [one] { $answers } answer
   *[other] { $answers } answers
}, { $messages ->
    [one] { $messages } message
   *[other] { $messages } messages
} and { $other } { $other ->
    [one] other
   *[other] others
}.
end-what-happens = The tablet's access to the service is withdrawn, and everything about the patient is deleted from the tablet. This cannot be undone.
end-send = Send and end
end-give-up-consent = I know that what has not been sent will be lost
end-give-up = End without sending
recovery-nurse-intro = The data on the tablet cannot be opened because its key is missing. The file has not been touched. You can end the follow-up here and connect the tablet again.
plan-goals-heading = Your goals
plan-goal-due = by { $date }
messages-taken-by = Who is writing?
questionnaire-taken-by = Who is answering?
message-from-relative = Written by a relative
message-from-training = Training – not sent
measure-to-history = See the history
settings-to-devices = Measuring devices and Bluetooth
result-not-judged-no-plan = The follow-up service has not sent your plan yet, so the reading could not be judged. It is saved and will be sent.
plan-medicines-heading = Your medicines
plan-medicines-daily = Regular
plan-team-heading = Whom can you contact?
plan-team-member = { $role }: { $name }
plan-phone = Phone { $phone }
plan-hours-heading = Opening hours
plan-hours-slot = { $days } from { $from } to { $until }
plan-hours-all-day = { $days } day and night
plan-closed = Closed: { $description }
plan-out-of-hours = When the follow-up service is closed: { $name }, phone { $phone }
plan-material-heading = Read more
plan-how = How to do it
plan-summary = Summary and printing
material-back = Back to the plan
summary-heading = Summary of your follow-up
summary-print = Print
summary-readings-heading = Readings in the last three months
summary-count = { $count ->
    [one] { $count } reading
   *[other] { $count } readings
}
measure-taken-by-other-relative = Another relative, for me

# The side of the limits and the change over days that set a colour.
result-cause-below = { $what }: { $value } – below your limit.
result-cause-above = { $what }: { $value } – above your limit.
result-cause-trend-above = { $what }: up { $change } in { $days ->
    [one] one day
   *[other] { $days } days
}.
result-cause-trend-below = { $what }: down { $change } in { $days ->
    [one] one day
   *[other] { $days } days
}.
result-cause-answer = You answered “{ $question }”. That is why your answers have this colour.
plan-side-below = – too low
plan-side-above = – too high
plan-trend-above = { $what }: up { $change } or more in { $days ->
    [one] one day
   *[other] { $days } days
}
plan-trend-below = { $what }: down { $change } or more in { $days ->
    [one] one day
   *[other] { $days } days
}
plan-trend-either = { $what }: changed { $change } or more in { $days ->
    [one] one day
   *[other] { $days } days
}
service-not-for-urgent = Not for anything urgent. Messages and video calls are only answered while the service is open.
service-open-now = The follow-up service is open now.
service-closed-now = The follow-up service is closed now.
service-urgent-out-of-hours = If it is urgent and the service is closed: call { $name }, { $phone }

training-ended-locked = Training mode is off. Readings and answers now count and are sent to the follow-up service.
medicine-take = I have taken this now
medicine-taken-at = Noted: taken at { $time }.
