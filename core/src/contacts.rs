//! Whom the patient can reach: the follow-up service with its opening
//! hours, the out-of-hours route (the plan's, else the national legevakt
//! number 116 117), the care team — and whom to call *now* for a colour,
//! given the time of day: 113 first where the plan says so for red, the
//! service while it is open, the out-of-hours route when it is closed.

use jiff::{
    civil::{DateTime, Time, Weekday},
    tz::TimeZone,
    Timestamp, ToSpan,
};
use serde::{Deserialize, Serialize};

use crate::traffic_light::{Call, Colour};

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
    pub description: String,
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

/// How the patient reaches the follow-up service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceContact {
    pub name: String,
    /// Phone number as the service wants it shown.
    pub phone: String,
    /// None: the plan gives no hours, and the service counts as open.
    pub hours: Option<OpeningHours>,
    /// Where to call when the service is closed.
    pub out_of_hours: PhoneRoute,
}

/// A member of the care team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    pub name: String,
    /// The role in the service's words ("Kontaktsykepleier").
    pub role: Option<String>,
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
    /// When it opens again, local time (`YYYY-MM-DDTHH:MM:SS`), within a week.
    pub opens: Option<DateTime>,
}

impl OpeningHours {
    /// Whether the service is open at `at`. Times are local; an opening
    /// that ends before it starts runs past midnight.
    pub fn is_open(&self, at: Timestamp, tz: &TimeZone) -> bool {
        // A closure without dates only describes (e.g. "closed on public
        // holidays"); it cannot say when, so it closes nothing.
        let dated = |c: &&Closure| c.from.is_some() || c.until.is_some();
        if self.closed.iter().filter(dated).any(|c| c.from.is_none_or(|f| f <= at) && c.until.is_none_or(|u| at < u)) {
            return false;
        }
        let local = at.to_zoned(tz.clone()).datetime();
        let yesterday = local.date().yesterday().map(|d| d.weekday()).unwrap_or(local.weekday());
        self.open.iter().any(|o| {
            let (from, until) = (o.from.unwrap_or(Time::midnight()), o.until);
            let today = o.days.contains(&local.weekday());
            match until {
                None => today && local.time() >= from,
                Some(until) if from < until => today && local.time() >= from && local.time() < until,
                // Past midnight: the evening of an opening day, or the
                // early hours after one.
                Some(until) => (today && local.time() >= from) || (o.days.contains(&yesterday) && local.time() < until),
            }
        })
    }

    /// The next time the service opens after `at`, within a week, found
    /// by the quarter hour.
    pub fn next_opening(&self, at: Timestamp, tz: &TimeZone) -> Option<DateTime> {
        let start = at.to_zoned(tz.clone());
        let mut t = start.clone();
        let end = start.checked_add(8.days()).ok()?;
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
/// call it when it opens.
pub fn whom_now(service: &ServiceContact, colour: Colour, calls: &[Call], at: Timestamp, tz: &TimeZone) -> WhomNow {
    let mut out = WhomNow::default();
    if calls.contains(&Call::Emergency113) {
        out.now.push(Callee::Emergency113);
    }
    if calls.contains(&Call::Service) {
        let route = PhoneRoute { name: service.name.clone(), phone: service.phone.clone() };
        match &service.hours {
            Some(hours) if !hours.is_open(at, tz) => {
                out.service_closed = true;
                out.opens = hours.next_opening(at, tz);
                if colour == Colour::Red {
                    out.now.push(Callee::OutOfHours(service.out_of_hours.clone()));
                }
            }
            _ => out.now.push(Callee::Service(route)),
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
        };
        assert!(always.is_open(at("2026-12-06T03:00"), &oslo()));
        always.closed.push(Closure {
            description: "Stengt på grunn av flytting".into(),
            from: Some(at("2026-12-06T00:00")),
            until: Some(at("2026-12-07T00:00")),
        });
        assert!(!always.is_open(at("2026-12-06T03:00"), &oslo()));
        always.closed.push(Closure { description: "Stengt på helligdager".into(), from: None, until: None });
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
            (hours.clone(), Colour::Red, &both[1..], closed, vec![legevakt], true),
            (hours.clone(), Colour::Yellow, &both[1..], closed, vec![], true),
            (hours.clone(), Colour::Yellow, &both[1..], open, vec![tjenesten.clone()], false),
            (None, Colour::Red, &both[1..], closed, vec![tjenesten], false),
            (hours, Colour::Green, &[][..], closed, vec![], false),
        ];
        for (hours, colour, calls, when, expected, service_closed) in cases {
            let whom = whom_now(&service(hours), colour, calls, when, &oslo());
            assert_eq!((whom.now, whom.service_closed), (expected, service_closed), "{colour:?} {calls:?} {when}");
        }
        let whom = whom_now(&service(Some(weekdays_8_to_15_30())), Colour::Red, &both, closed, &oslo());
        assert_eq!(whom.opens, Some("2026-12-01T08:00".parse().unwrap()));
    }
}
