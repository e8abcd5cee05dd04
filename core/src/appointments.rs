//! What the patient's appointments mean now: the cards of the today screen
//! and the appointment list ([`AppointmentCard`], [`list`]), when a video
//! call can be joined from its card ([`can_join`]: from [`JOIN_EARLY`]
//! before its start until its end), and when each is reminded
//! ([`reminder_times`]: [`REMIND_BEFORE`] its start, out of the plan's
//! quiet hours, and a video call again as it can be joined), with the
//! notification's words (the time and the kind of meeting, nothing of the
//! patient's illness).

use jiff::{tz::TimeZone, SignedDuration, Timestamp};
use serde::Serialize;

use crate::{
    locale::{self, Locale},
    plan::QuietHours,
    reminders::Reminder,
    vocabulary::{Appointment, AppointmentKind, AppointmentStatus},
};

/// A video call can be joined this long before it starts.
pub const JOIN_EARLY: SignedDuration = SignedDuration::from_mins(15);

/// An appointment is reminded this long before it starts.
pub const REMIND_BEFORE: SignedDuration = SignedDuration::from_hours(1);

/// The list shows appointments this far ahead…
pub const LIST_AHEAD: SignedDuration = SignedDuration::from_hours(24 * 90);
/// …and those that ended this long ago.
pub const LIST_BACK: SignedDuration = SignedDuration::from_hours(24 * 30);

/// Reminder ids of appointments begin with this (tasks' are activity ids).
pub const REMINDER_PREFIX: &str = "appointment:";

/// One appointment as a card shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppointmentCard {
    #[serde(flatten)]
    pub appointment: Appointment,
    /// Its start as local civil time (`2026-12-04T10:00:00`).
    pub starts_local: String,
    /// Its start and end as local clock times (`10:00`, `10:30`).
    pub start_local: String,
    pub end_local: String,
    /// It starts today (local).
    pub today: bool,
    /// It is on now (started, not ended).
    pub now: bool,
    /// A video call that can be joined now.
    pub can_join: bool,
    /// For a booked video call not yet joinable: from when (`10:45`).
    pub join_from_local: Option<String>,
}

/// The appointment list: those to come (and on now), and those of the
/// last [`LIST_BACK`], newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppointmentList {
    pub upcoming: Vec<AppointmentCard>,
    pub earlier: Vec<AppointmentCard>,
}

/// Whether `a` is a booked video call that can be joined at `now`.
pub fn can_join(a: &Appointment, now: Timestamp) -> bool {
    a.kind == AppointmentKind::Video
        && a.status == AppointmentStatus::Booked
        && a.start - JOIN_EARLY <= now
        && now < a.end
}

/// The card of `a` at `now`.
pub fn card(a: &Appointment, now: Timestamp, tz: &TimeZone) -> AppointmentCard {
    let zoned = |t: Timestamp| t.to_zoned(tz.clone());
    let clock = |t: Timestamp| crate::clock::clock_time(t, tz);
    let joinable_later =
        a.kind == AppointmentKind::Video && a.status == AppointmentStatus::Booked && now < a.start - JOIN_EARLY;
    AppointmentCard {
        starts_local: crate::clock::local_date_time(a.start, tz),
        start_local: clock(a.start),
        end_local: clock(a.end),
        today: zoned(a.start).date() == zoned(now).date(),
        now: a.start <= now && now < a.end,
        can_join: can_join(a, now),
        join_from_local: joinable_later.then(|| clock(a.start - JOIN_EARLY)),
        appointment: a.clone(),
    }
}

/// The cards of `appointments` (any order) for the list at `now`.
pub fn list(appointments: &[Appointment], now: Timestamp, tz: &TimeZone) -> AppointmentList {
    let mut sorted: Vec<&Appointment> = appointments.iter().collect();
    sorted.sort_by_key(|a| (a.start, a.id.clone()));
    let (mut earlier, upcoming): (Vec<&Appointment>, Vec<&Appointment>) =
        sorted.into_iter().partition(|a| a.end <= now);
    earlier.reverse();
    AppointmentList {
        upcoming: upcoming.into_iter().map(|a| card(a, now, tz)).collect(),
        earlier: earlier.into_iter().map(|a| card(a, now, tz)).collect(),
    }
}

/// The today screen's cards: today's appointments not yet ended.
pub fn today(appointments: &[Appointment], now: Timestamp, tz: &TimeZone) -> Vec<AppointmentCard> {
    list(appointments, now, tz).upcoming.into_iter().filter(|c| c.today).collect()
}

/// When a booked appointment is reminded: [`REMIND_BEFORE`] its start —
/// moved to the end of the `quiet` hours when it falls in them, and left
/// out if that is not before the start — and a video call again when it
/// can be joined. A cancelled or past one has none.
pub fn reminder_times(a: &Appointment, quiet: &QuietHours, tz: &TimeZone) -> Vec<Timestamp> {
    if a.status != AppointmentStatus::Booked {
        return vec![];
    }
    let mut times = vec![];
    let before = a.start - REMIND_BEFORE;
    let zoned = before.to_zoned(tz.clone());
    let early = if quiet.holds(zoned.time()) {
        // The quiet hours end on the day of the start (they may begin the evening before).
        let day = a.start.to_zoned(tz.clone()).date();
        day.to_datetime(quiet.until).to_zoned(tz.clone()).ok().map(|z| z.timestamp()).filter(|t| *t < a.start)
    } else {
        Some(before)
    };
    times.extend(early);
    if a.kind == AppointmentKind::Video {
        let join = a.start - JOIN_EARLY;
        if times.last().is_none_or(|t| *t < join) {
            times.push(join);
        }
    }
    times
}

/// The appointments with a reminder in `(after, until]`.
pub fn due<'a>(
    appointments: &'a [Appointment],
    quiet: &QuietHours,
    tz: &TimeZone,
    after: Timestamp,
    until: Timestamp,
) -> Vec<&'a Appointment> {
    appointments.iter().filter(|a| reminder_times(a, quiet, tz).iter().any(|t| *t > after && *t <= until)).collect()
}

/// When a card of `a` changes by itself: a video call can be joined, it
/// begins, it ends.
pub fn turns(a: &Appointment) -> [Timestamp; 3] {
    [a.start - JOIN_EARLY, a.start, a.end]
}

/// Whether a card of `appointments` changed by itself in `(after, until]`.
pub fn turned(appointments: &[Appointment], after: Timestamp, until: Timestamp) -> bool {
    appointments.iter().flat_map(turns).any(|t| t > after && t <= until)
}

/// The notification for an appointment: its time and kind only
/// ("Klokka 10:00: videosamtale i Heima").
pub fn reminder(a: &Appointment, locale: Locale, tz: &TimeZone) -> Reminder {
    let time = crate::clock::clock_time(a.start, tz);
    Reminder {
        activity_id: format!("{REMINDER_PREFIX}{}", a.id),
        due: Some(a.start),
        title: locale::format(locale, "reminder-appointment-title", &[]),
        body: locale::format(locale, &format!("reminder-appointment-{}", a.kind.as_str()), &[("time", &time)]),
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::{date, Time};

    use super::*;
    use crate::clock::oslo;

    /// Thursday 3 December 2026 in Oslo (UTC+1), at a local time.
    fn local(h: i8, m: i8) -> Timestamp {
        date(2026, 12, 3).at(h, m, 0, 0).to_zoned(oslo()).unwrap().timestamp()
    }

    fn appointment(kind: AppointmentKind, status: AppointmentStatus, start: Timestamp) -> Appointment {
        Appointment {
            id: "a".into(),
            kind,
            status,
            start,
            end: start + SignedDuration::from_mins(30),
            description: None,
            instruction: None,
            with: vec![],
        }
    }

    fn quiet() -> QuietHours {
        QuietHours { from: Time::constant(22, 0, 0, 0), until: Time::constant(7, 0, 0, 0) }
    }

    #[test]
    fn a_video_call_is_joined_from_a_quarter_before_until_it_ends() {
        use AppointmentKind::*;
        use AppointmentStatus::*;
        let start = local(10, 0);
        let cases = [
            (Video, Booked, local(9, 44), false),
            (Video, Booked, local(9, 45), true),
            (Video, Booked, local(10, 29), true),
            (Video, Booked, local(10, 30), false),
            (Video, Cancelled, local(10, 0), false),
            (Video, Over, local(10, 0), false),
            (HomeVisit, Booked, local(10, 0), false),
            (Other, Booked, local(10, 0), false),
        ];
        for (kind, status, now, expected) in cases {
            let a = appointment(kind, status, start);
            assert_eq!(can_join(&a, now), expected, "{kind:?} {status:?} at {now}");
            assert_eq!(card(&a, now, &oslo()).can_join, expected);
        }
        let early = card(&appointment(Video, Booked, start), local(8, 0), &oslo());
        assert_eq!(early.join_from_local.as_deref(), Some("09:45"));
        assert_eq!((early.start_local.as_str(), early.end_local.as_str()), ("10:00", "10:30"));
        assert_eq!(early.starts_local, "2026-12-03T10:00:00");
        assert!(early.today && !early.now);
        assert_eq!(card(&appointment(Video, Booked, start), local(9, 50), &oslo()).join_from_local, None);
    }

    #[test]
    fn when_appointments_are_reminded() {
        use AppointmentKind::*;
        use AppointmentStatus::*;
        let times = |kind, status, start| reminder_times(&appointment(kind, status, start), &quiet(), &oslo());
        assert_eq!(times(HomeVisit, Booked, local(10, 0)), [local(9, 0)]);
        assert_eq!(times(Video, Booked, local(10, 0)), [local(9, 0), local(9, 45)]);
        assert_eq!(times(HomeVisit, Booked, local(7, 30)), [local(7, 0)], "moved out of the quiet hours");
        assert_eq!(
            times(Video, Booked, local(7, 10)),
            [local(7, 0)],
            "the join reminder would come before the moved one"
        );
        assert_eq!(times(HomeVisit, Booked, local(6, 30)), Vec::<Timestamp>::new(), "in the quiet hours: none before");
        assert_eq!(times(HomeVisit, Cancelled, local(10, 0)), Vec::<Timestamp>::new());
        assert_eq!(times(Video, Over, local(10, 0)), Vec::<Timestamp>::new());
        let visit = appointment(HomeVisit, Booked, local(10, 0));
        let list = [visit.clone()];
        assert_eq!(due(&list, &quiet(), &oslo(), local(8, 59), local(9, 0)).len(), 1);
        assert!(due(&list, &quiet(), &oslo(), local(9, 0), local(9, 1)).is_empty(), "once");
        assert!(turned(&list, local(9, 44), local(9, 45)), "a video call's card would change at 09:45");
        assert!(turned(&list, local(10, 29), local(10, 30)), "it ends");
        assert!(!turned(&list, local(9, 0), local(9, 1)));
        let r = reminder(&visit, Locale::Nynorsk, &oslo());
        assert_eq!(r.activity_id, "appointment:a");
        assert!(r.body.contains("10:00"), "{}", r.body);
    }

    #[test]
    fn the_list_has_what_is_to_come_and_what_was() {
        let at = |h| appointment(AppointmentKind::HomeVisit, AppointmentStatus::Booked, local(h, 0));
        let (mut a, mut b, mut c) = (at(8), at(11), at(13));
        (a.id, b.id, c.id) = ("a".into(), "b".into(), "c".into());
        let l = list(&[c.clone(), a.clone(), b.clone()], local(11, 10), &oslo());
        let ids = |cards: &[AppointmentCard]| cards.iter().map(|c| c.appointment.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&l.upcoming), ["b", "c"]);
        assert!(l.upcoming[0].now);
        assert_eq!(ids(&l.earlier), ["a"]);
        let mut tomorrow = at(9);
        tomorrow.start += SignedDuration::from_hours(24);
        tomorrow.end += SignedDuration::from_hours(24);
        assert_eq!(today(&[tomorrow, b], local(11, 10), &oslo()).len(), 1);
    }
}
