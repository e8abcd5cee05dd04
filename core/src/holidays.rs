//! Norwegian public holidays (*helligdager* and the two national days, as in
//! lov om helligdager og helligdagsfred and lov om 1. og 17. mai som
//! høgtidsdager): the fixed dates and those counted from Easter Sunday
//! (computed; tested 2026–2035 against the almanac). A follow-up service
//! with opening hours keeps its Sunday hours on them (`contacts`), so a red
//! result on 17 May sends the patient to the legevakt, not to a closed
//! office.

use jiff::civil::{date, Date};
use serde::Serialize;

/// One public holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Holiday {
    NewYearsDay,
    MaundyThursday,
    GoodFriday,
    EasterSunday,
    EasterMonday,
    LabourDay,
    ConstitutionDay,
    AscensionDay,
    WhitSunday,
    WhitMonday,
    ChristmasDay,
    BoxingDay,
}

/// Easter Sunday of `year` in the Gregorian calendar (the anonymous
/// Gregorian algorithm of Meeus/Jones/Butcher).
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    date(year, month as i8, day as i8)
}

/// The public holidays of `year`, in calendar order.
pub fn of_year(year: i16) -> Vec<(Date, Holiday)> {
    use Holiday::*;
    let easter = easter_sunday(year);
    let from_easter = |days: i64| easter.checked_add(jiff::Span::new().days(days)).expect("within the year");
    let mut out = vec![
        (date(year, 1, 1), NewYearsDay),
        (from_easter(-3), MaundyThursday),
        (from_easter(-2), GoodFriday),
        (easter, EasterSunday),
        (from_easter(1), EasterMonday),
        (date(year, 5, 1), LabourDay),
        (date(year, 5, 17), ConstitutionDay),
        (from_easter(39), AscensionDay),
        (from_easter(49), WhitSunday),
        (from_easter(50), WhitMonday),
        (date(year, 12, 25), ChristmasDay),
        (date(year, 12, 26), BoxingDay),
    ];
    out.sort_by_key(|(d, _)| *d);
    out
}

/// The holiday on `day`, if it is one.
pub fn holiday(day: Date) -> Option<Holiday> {
    of_year(day.year()).into_iter().find(|(d, _)| *d == day).map(|(_, h)| h)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Norway's public holidays 2026–2035 as the almanac publishes them
    /// (Easter Sundays: 5 Apr 2026, 28 Mar 2027, 16 Apr 2028, 1 Apr 2029,
    /// 21 Apr 2030, 13 Apr 2031, 28 Mar 2032, 17 Apr 2033, 9 Apr 2034,
    /// 25 Mar 2035); the moving ones per year: Maundy Thursday, Good
    /// Friday, Easter Sunday and Monday, Ascension Day, Whit Sunday and
    /// Monday.
    const MOVING: [(i16, [&str; 7]); 10] = [
        (2026, ["04-02", "04-03", "04-05", "04-06", "05-14", "05-24", "05-25"]),
        (2027, ["03-25", "03-26", "03-28", "03-29", "05-06", "05-16", "05-17"]),
        (2028, ["04-13", "04-14", "04-16", "04-17", "05-25", "06-04", "06-05"]),
        (2029, ["03-29", "03-30", "04-01", "04-02", "05-10", "05-20", "05-21"]),
        (2030, ["04-18", "04-19", "04-21", "04-22", "05-30", "06-09", "06-10"]),
        (2031, ["04-10", "04-11", "04-13", "04-14", "05-22", "06-01", "06-02"]),
        (2032, ["03-25", "03-26", "03-28", "03-29", "05-06", "05-16", "05-17"]),
        (2033, ["04-14", "04-15", "04-17", "04-18", "05-26", "06-05", "06-06"]),
        (2034, ["04-06", "04-07", "04-09", "04-10", "05-18", "05-28", "05-29"]),
        (2035, ["03-22", "03-23", "03-25", "03-26", "05-03", "05-13", "05-14"]),
    ];

    #[test]
    fn holidays_2026_to_2035_match_the_almanac() {
        for (year, moving) in MOVING {
            let mut expected: Vec<String> = ["01-01", "05-01", "05-17", "12-25", "12-26"]
                .iter()
                .chain(moving.iter())
                .map(|md| format!("{year}-{md}"))
                .collect();
            expected.sort();
            let got: Vec<String> = of_year(year).iter().map(|(d, _)| d.to_string()).collect();
            assert_eq!(got, expected, "{year}");
        }
    }

    #[test]
    fn a_day_is_named() {
        assert_eq!(holiday(date(2026, 5, 17)), Some(Holiday::ConstitutionDay));
        assert_eq!(holiday(date(2030, 4, 19)), Some(Holiday::GoodFriday));
        assert_eq!(holiday(date(2026, 5, 14)), Some(Holiday::AscensionDay), "Ascension and 17 May apart in 2026");
        assert_eq!(holiday(date(2027, 5, 17)), Some(Holiday::ConstitutionDay), "17 May is Whit Monday too in 2027");
        assert_eq!(holiday(date(2026, 12, 24)), None, "Christmas Eve is not a public holiday");
        assert_eq!(holiday(date(2026, 12, 3)), None);
    }
}
