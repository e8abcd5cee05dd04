//! Whom the patient can reach: the follow-up service with its opening hours
//! (weekdays, hours past midnight, closures), the out-of-hours route (the
//! plan's, else the national legevakt number 116 117), the care team — and
//! [`whom_now`]: whom to call *now* for a colour at a given time: 113 first
//! where the plan says so for red, the service while it is open, the
//! out-of-hours route for red when it is closed, and when the service opens
//! again. A public holiday keeps the service's Sunday hours (unless the plan
//! says it is open on holidays). No hours given means *unknown*: the service
//! is offered, and for red the out-of-hours route too. Data-driven tests.

use jiff::{
    civil::{DateTime, Time, Weekday},
    tz::TimeZone,
    Timestamp, ToSpan,
};
use serde::{Deserialize, Serialize};

use crate::{
    locale::Text,
    traffic_light::{Call, Colour},
};

/// The national out-of-hours number (legevakt), used when the plan names
/// no out-of-hours route of its own.
pub const LEGEVAKT_PHONE: &str = "116 117";
/// Its name, the same in every language the app speaks.
pub const LEGEVAKT_NAME: &str = "Legevakt";

/// A place to call: a name and a number as the service wants it shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneRoute {
    pub name: String,
    pub phone: String,
}

/// When the service answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHours {
    /// Open on these days at these local times (`HealthcareService.availableTime`).
    pub open: Vec<OpenTime>,
    /// Closed for these periods (`notAvailable`), e.g. a holiday; one
    /// without dates is only shown, it closes nothing.
    pub closed: Vec<Closure>,
    /// Open on Norwegian public holidays as on other days (the plan says
    /// so); otherwise a holiday keeps the service's Sunday hours.
    #[serde(default)]
    pub open_on_holidays: bool,
}

/// Open on `days` from `from` until `until` (local time); both absent: all day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenTime {
    #[serde(with = "crate::clock::weekday_codes")]
    pub days: Vec<Weekday>,
    pub from: Option<Time>,
    pub until: Option<Time>,
}

/// A period the service is closed, in its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub description: Option<Text>,
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

/// How the patient reaches the follow-up service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceContact {
    pub name: String,
    /// Phone number as the service wants it shown.
    pub phone: String,
    /// None: the plan gives no hours, so when it answers is unknown.
    pub hours: Option<OpeningHours>,
    /// Where to call when the service is closed.
    pub out_of_hours: PhoneRoute,
}

/// A member of the care team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub name: String,
    /// The role in the service's words ("Kontaktsykepleier").
    pub role: Option<Text>,
    pub phone: Option<String>,
}

/// One call the screen offers, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "whom", rename_all = "kebab-case")]
pub enum Callee {
    /// 113.
    Emergency113,
    /// The follow-up service, open now.
    Service(PhoneRoute),
    /// The service is closed: the out-of-hours route.
    OutOfHours(PhoneRoute),
}

/// Whom to call now, and when the service opens again if it is closed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WhomNow {
    pub now: Vec<Callee>,
    /// The service is closed now (and the plan asked for it).
    pub service_closed: bool,
    /// When it opens again, local time (`YYYY-MM-DDTHH:MM:SS`), within 16 days.
    pub opens: Option<DateTime>,
    /// The plan does not say when the service answers: it is offered, and
    /// for red the out-of-hours route beside it.
    #[serde(default)]
    pub hours_unknown: bool,
    /// Today is a public holiday, and the service is closed now.
    #[serde(default)]
    pub holiday: bool,
}

impl OpeningHours {
    /// Whether the service is open at `at`. Times are local; an opening
    /// that ends before it starts runs past midnight.
    pub fn is_open(&self, at: Timestamp, tz: &TimeZone) -> bool {
        if self.closed_by_closure(at) {
            return false;
        }
        let local = at.to_zoned(tz.clone()).datetime();
        // A public holiday keeps the service's Sunday hours.
        let weekday = self.hours_of(local.date());
        let yesterday = local.date().yesterday().map(|d| self.hours_of(d)).unwrap_or(weekday);
        self.open.iter().any(|o| {
            let (from, until) = (o.from.unwrap_or(Time::midnight()), o.until);
            let today = o.days.contains(&weekday);
            match until {
                None => today && local.time() >= from,
                Some(until) if from < until => today && local.time() >= from && local.time() < until,
                // Past midnight: the evening of an opening day, or the
                // early hours after one.
                Some(until) => (today && local.time() >= from) || (o.days.contains(&yesterday) && local.time() < until),
            }
        })
    }

    /// Whether a dated closure (`notAvailable`) covers `at`. A closure
    /// without dates only describes (e.g. "closed on public holidays"); it
    /// cannot say when, so it closes nothing.
    fn closed_by_closure(&self, at: Timestamp) -> bool {
        let dated = |c: &&Closure| c.from.is_some() || c.until.is_some();
        self.closed.iter().filter(dated).any(|c| c.from.is_none_or(|f| f <= at) && c.until.is_none_or(|u| at < u))
    }

    /// Whose hours `day` keeps: its own weekday's, or on a Norwegian public
    /// holiday Sunday's (none for an office closed on Sundays; a rota
    /// service such as home care works as on a Sunday) — unless the plan
    /// says the service is open on public holidays as on other days.
    fn hours_of(&self, day: jiff::civil::Date) -> Weekday {
        if self.closed_for_holiday(day) {
            Weekday::Sunday
        } else {
            day.weekday()
        }
    }

    /// Whether `day` is a public holiday that the service keeps Sunday
    /// hours on (closed all day when it has none). Named for what the
    /// patient is told: "closed today because it is a public holiday".
    pub fn closed_for_holiday(&self, day: jiff::civil::Date) -> bool {
        !self.open_on_holidays && crate::holidays::holiday(day).is_some()
    }

    /// The next time the service opens after `at`, within 16 days (past a
    /// Christmas closure), found by the quarter hour.
    pub fn next_opening(&self, at: Timestamp, tz: &TimeZone) -> Option<DateTime> {
        let start = at.to_zoned(tz.clone());
        let mut t = start.clone();
        let end = start.checked_add(16.days()).ok()?;
        while t < end {
            t = t.checked_add(15.minutes()).ok()?;
            if self.is_open(t.timestamp(), tz) {
                // Back to the opening's own minute.
                let mut exact = t.checked_sub(15.minutes()).ok()?;
                while !self.is_open(exact.timestamp(), tz) {
                    exact = exact.checked_add(1.minute()).ok()?;
                }
                return Some(exact.datetime());
            }
        }
        None
    }
}

/// Whom to call now for a result of `colour` whose plan asks for `calls`.
/// Red: 113 first where the plan says so, then the service if it is open,
/// else the out-of-hours route. Yellow or green with the service closed:
/// call it when it opens; yellow with no reopening within 16 days: the
/// out-of-hours route. Hours not given: the service, and for red the
/// out-of-hours route too.
pub fn whom_now(service: &ServiceContact, colour: Colour, calls: &[Call], at: Timestamp, tz: &TimeZone) -> WhomNow {
    let mut out = WhomNow::default();
    if calls.contains(&Call::Emergency113) {
        out.now.push(Callee::Emergency113);
    }
    if calls.contains(&Call::Service) {
        let route = PhoneRoute { name: service.name.clone(), phone: service.phone.clone() };
        // No opening times given: when it answers is unknown (a dated
        // closure in force still closes it).
        let known = service.hours.as_ref().filter(|h| h.open.iter().any(|o| !o.days.is_empty()));
        let closed_now = match (&service.hours, known) {
            (_, Some(hours)) => !hours.is_open(at, tz),
            (Some(hours), None) => hours.closed_by_closure(at),
            (None, None) => false,
        };
        if closed_now {
            out.service_closed = true;
            out.holiday = known.is_some_and(|h| h.closed_for_holiday(at.to_zoned(tz.clone()).date()));
            out.opens = known.and_then(|h| h.next_opening(at, tz));
            // Red: the out-of-hours route now. Yellow: call when it opens —
            // unless nobody can say when, then the out-of-hours route too.
            if colour == Colour::Red || (colour == Colour::Yellow && out.opens.is_none()) {
                out.now.push(Callee::OutOfHours(service.out_of_hours.clone()));
            }
        } else if known.is_some() {
            out.now.push(Callee::Service(route));
        } else {
            // Nobody has said when it answers: offer it, and for red the
            // out-of-hours route too, rather than trust it is open.
            out.hours_unknown = true;
            out.now.push(Callee::Service(route));
            if colour == Colour::Red {
                out.now.push(Callee::OutOfHours(service.out_of_hours.clone()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oslo() -> TimeZone {
        crate::clock::oslo()
    }

    fn at(local: &str) -> Timestamp {
        local.parse::<DateTime>().unwrap().to_zoned(oslo()).unwrap().timestamp()
    }

    fn weekdays_8_to_15_30() -> OpeningHours {
        use Weekday::*;
        OpeningHours {
            open: vec![OpenTime {
                days: vec![Monday, Tuesday, Wednesday, Thursday, Friday],
                from: Some(Time::constant(8, 0, 0, 0)),
                until: Some(Time::constant(15, 30, 0, 0)),
            }],
            closed: vec![],
            open_on_holidays: false,
        }
    }

    fn service(hours: Option<OpeningHours>) -> ServiceContact {
        ServiceContact {
            name: "Tjenesten".into(),
            phone: "22 00 00 00".into(),
            hours,
            out_of_hours: PhoneRoute { name: "Legevakt".into(), phone: LEGEVAKT_PHONE.into() },
        }
    }

    /// 2026-11-30 is a Monday.
    #[test]
    fn weekday_hours() {
        let hours = weekdays_8_to_15_30();
        for (when, open) in [
            ("2026-11-30T07:59", false),
            ("2026-11-30T08:00", true),
            ("2026-11-30T15:29", true),
            ("2026-11-30T15:30", false),
            ("2026-12-05T10:00", false),
            ("2026-12-04T10:00", true),
        ] {
            assert_eq!(hours.is_open(at(when), &oslo()), open, "{when}");
        }
        assert_eq!(hours.next_opening(at("2026-12-04T16:00"), &oslo()), Some("2026-12-07T08:00".parse().unwrap()));
        assert_eq!(hours.next_opening(at("2026-11-30T06:10"), &oslo()), Some("2026-11-30T08:00".parse().unwrap()));
    }

    #[test]
    fn hours_past_midnight_all_day_and_closures() {
        use Weekday::*;
        let night = OpeningHours {
            open: vec![OpenTime {
                days: vec![Friday],
                from: Some(Time::constant(22, 0, 0, 0)),
                until: Some(Time::constant(2, 0, 0, 0)),
            }],
            closed: vec![],
            open_on_holidays: false,
        };
        assert!(night.is_open(at("2026-12-04T23:00"), &oslo()));
        assert!(night.is_open(at("2026-12-05T01:00"), &oslo()), "Saturday's early hours belong to Friday");
        assert!(!night.is_open(at("2026-12-05T23:00"), &oslo()));
        let mut always = OpeningHours {
            open: vec![OpenTime {
                days: vec![Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday],
                from: None,
                until: None,
            }],
            closed: vec![],
            open_on_holidays: false,
        };
        assert!(always.is_open(at("2026-12-06T03:00"), &oslo()));
        always.closed.push(Closure {
            description: Some(Text::plain("Stengt på grunn av flytting")),
            from: Some(at("2026-12-06T00:00")),
            until: Some(at("2026-12-07T00:00")),
        });
        assert!(!always.is_open(at("2026-12-06T03:00"), &oslo()));
        always.closed.push(Closure {
            description: Some(Text::plain("Stengt på helligdager")),
            from: None,
            until: None,
        });
        assert!(always.is_open(at("2026-12-08T03:00"), &oslo()), "a closure without dates closes nothing");
        assert_eq!(always.next_opening(at("2026-12-06T03:00"), &oslo()), Some("2026-12-07T00:00".parse().unwrap()));
    }

    #[test]
    fn whom_to_call_now() {
        let open = at("2026-11-30T10:00");
        let closed = at("2026-11-30T22:00");
        let both = [Call::Emergency113, Call::Service];
        let legevakt = Callee::OutOfHours(PhoneRoute { name: "Legevakt".into(), phone: LEGEVAKT_PHONE.into() });
        let tjenesten = Callee::Service(PhoneRoute { name: "Tjenesten".into(), phone: "22 00 00 00".into() });
        let hours = Some(weekdays_8_to_15_30());
        let cases = [
            (hours.clone(), Colour::Red, &both[..], open, vec![Callee::Emergency113, tjenesten.clone()], false),
            (hours.clone(), Colour::Red, &both[..], closed, vec![Callee::Emergency113, legevakt.clone()], true),
            (hours.clone(), Colour::Red, &both[1..], closed, vec![legevakt.clone()], true),
            // 17 May 2027 is a Monday: closed at 10:00, the legevakt instead.
            (hours.clone(), Colour::Red, &both[1..], at("2027-05-17T10:00"), vec![legevakt.clone()], true),
            (hours.clone(), Colour::Red, &both[1..], at("2027-05-18T10:00"), vec![tjenesten.clone()], false),
            (hours.clone(), Colour::Yellow, &both[1..], closed, vec![], true),
            (hours.clone(), Colour::Yellow, &both[1..], open, vec![tjenesten.clone()], false),
            (None, Colour::Red, &both[1..], closed, vec![tjenesten.clone(), legevakt.clone()], false),
            (None, Colour::Yellow, &both[1..], closed, vec![tjenesten.clone()], false),
            (hours, Colour::Green, &[][..], closed, vec![], false),
        ];
        for (hours, colour, calls, when, expected, service_closed) in cases {
            let whom = whom_now(&service(hours), colour, calls, when, &oslo());
            assert_eq!((whom.now, whom.service_closed), (expected, service_closed), "{colour:?} {calls:?} {when}");
        }
        let whom = whom_now(&service(Some(weekdays_8_to_15_30())), Colour::Red, &both, closed, &oslo());
        assert_eq!(whom.opens, Some("2026-12-01T08:00".parse().unwrap()));
    }

    /// Public holidays close a service with office hours, whatever weekday
    /// they fall on; a service open around the clock, or one the plan says
    /// is open on holidays, stays open.
    #[test]
    fn public_holidays() {
        let hours = weekdays_8_to_15_30();
        for (when, open) in [
            ("2026-05-14T10:00", false), // Ascension Day, a Thursday
            ("2026-05-15T10:00", true),
            ("2026-04-02T10:00", false), // Maundy Thursday
            ("2026-04-06T10:00", false), // Easter Monday
            ("2026-12-25T10:00", false), // Christmas Day, a Friday
            ("2026-12-24T10:00", true),  // Christmas Eve is a working day
            ("2027-05-17T10:00", false), // 17 May, a Monday
        ] {
            assert_eq!(hours.is_open(at(when), &oslo()), open, "{when}");
        }
        assert_eq!(
            hours.next_opening(at("2026-12-24T16:00"), &oslo()),
            Some("2026-12-28T08:00".parse().unwrap()),
            "after Christmas Eve: Monday 28th"
        );
        let mut open_on_holidays = weekdays_8_to_15_30();
        open_on_holidays.open_on_holidays = true;
        assert!(open_on_holidays.is_open(at("2026-05-14T10:00"), &oslo()));
        use Weekday::*;
        let around_the_clock = OpeningHours {
            open: vec![OpenTime {
                days: vec![Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday],
                from: None,
                until: None,
            }],
            closed: vec![],
            open_on_holidays: false,
        };
        assert!(around_the_clock.is_open(at("2026-05-17T03:00"), &oslo()));
        let whom = whom_now(&service(Some(hours)), Colour::Red, &[Call::Service], at("2026-05-14T10:00"), &oslo());
        assert!(whom.holiday && whom.service_closed);
    }

    #[test]
    fn unknown_hours_are_said() {
        let whom = whom_now(&service(None), Colour::Red, &[Call::Service], at("2026-11-30T22:00"), &oslo());
        assert!(whom.hours_unknown && !whom.service_closed);
        // A service given without opening times is unknown too, not closed.
        let no_times = OpeningHours { open: vec![], closed: vec![], open_on_holidays: false };
        let whom = whom_now(
            &service(Some(no_times.clone())),
            Colour::Yellow,
            &[Call::Service],
            at("2026-11-30T10:00"),
            &oslo(),
        );
        assert!(whom.hours_unknown && !whom.service_closed, "{whom:?}");
        assert!(matches!(whom.now.as_slice(), [Callee::Service(_)]));
        // Times without days say no more.
        let no_days = OpeningHours {
            open: vec![OpenTime { days: vec![], from: Some(Time::constant(8, 0, 0, 0)), until: None }],
            closed: vec![],
            open_on_holidays: false,
        };
        let whom = whom_now(&service(Some(no_days)), Colour::Yellow, &[Call::Service], at("2026-11-30T10:00"), &oslo());
        assert!(whom.hours_unknown && !whom.service_closed, "{whom:?}");
        // But a dated closure in force still closes it.
        let mut closed = no_times;
        closed.closed.push(Closure {
            description: Some(Text::plain("Stengt")),
            from: Some(at("2026-11-30T00:00")),
            until: Some(at("2026-12-01T00:00")),
        });
        let whom = whom_now(&service(Some(closed)), Colour::Yellow, &[Call::Service], at("2026-11-30T10:00"), &oslo());
        assert!(whom.service_closed && matches!(whom.now.as_slice(), [Callee::OutOfHours(_)]), "{whom:?}");
    }

    /// A service open every day works on public holidays; a long closure
    /// is looked past, and yellow with no reopening in sight gets the
    /// out-of-hours route.
    #[test]
    fn rota_services_and_long_closures() {
        use Weekday::*;
        let rota = OpeningHours {
            open: vec![OpenTime {
                days: vec![Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday],
                from: Some(Time::constant(7, 0, 0, 0)),
                until: Some(Time::constant(22, 0, 0, 0)),
            }],
            closed: vec![],
            open_on_holidays: false,
        };
        assert!(rota.is_open(at("2027-05-17T10:00"), &oslo()), "home care works on 17 May");
        // A holiday keeps Sunday's hours: an office with an hour on weekends
        // is open that hour on Christmas Day (a Friday), not all day.
        let mut office = weekdays_8_to_15_30();
        office.open.push(OpenTime {
            days: vec![Saturday, Sunday],
            from: Some(Time::constant(9, 0, 0, 0)),
            until: Some(Time::constant(10, 0, 0, 0)),
        });
        assert!(office.is_open(at("2026-12-25T09:30"), &oslo()));
        assert!(!office.is_open(at("2026-12-25T12:00"), &oslo()));
        let mut christmas = weekdays_8_to_15_30();
        christmas.closed.push(Closure {
            description: Some(Text::plain("Stengt romjulen")),
            from: Some(at("2026-12-24T00:00")),
            until: Some(at("2027-01-03T00:00")),
        });
        assert_eq!(christmas.next_opening(at("2026-12-24T10:00"), &oslo()), Some("2027-01-04T08:00".parse().unwrap()));
        let mut sabbatical = weekdays_8_to_15_30();
        sabbatical.closed.push(Closure {
            description: Some(Text::plain("Stengt")),
            from: Some(at("2026-11-30T00:00")),
            until: Some(at("2027-01-30T00:00")),
        });
        let whom =
            whom_now(&service(Some(sabbatical)), Colour::Yellow, &[Call::Service], at("2026-11-30T10:00"), &oslo());
        assert_eq!(whom.opens, None);
        assert!(matches!(whom.now.as_slice(), [Callee::OutOfHours(_)]), "{whom:?}");
    }
}
