//! The 7-byte Date Time field (year, month, day, hours, minutes, seconds)
//! that the time characteristics and every measurement's time stamp use.
//! A zero year, month or day means "not known" and is never guessed.

use serde::Serialize;

use super::DecodeError;

/// The 7-byte Date Time as the device sent it (device-local, no zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct DateTime {
    /// 1582–9999, or `None` when the device sent 0 (not known).
    pub year: Option<u16>,
    /// 1–12, or `None` (not known).
    pub month: Option<u8>,
    /// 1–31, or `None` (not known).
    pub day: Option<u8>,
    pub hours: u8,
    pub minutes: u8,
    pub seconds: u8,
}

impl DateTime {
    /// The civil date and time, when every part is known and valid
    /// (e.g. not 31 February).
    pub fn to_civil(self) -> Option<jiff::civil::DateTime> {
        jiff::civil::DateTime::new(
            i16::try_from(self.year?).ok()?,
            i8::try_from(self.month?).ok()?,
            i8::try_from(self.day?).ok()?,
            self.hours as i8,
            self.minutes as i8,
            self.seconds as i8,
            0,
        )
        .ok()
    }

    /// Encodes the 7 bytes; unknown parts are written as 0.
    pub fn encode(self) -> [u8; 7] {
        let year = self.year.unwrap_or(0).to_le_bytes();
        [year[0], year[1], self.month.unwrap_or(0), self.day.unwrap_or(0), self.hours, self.minutes, self.seconds]
    }

    pub fn from_civil(dt: jiff::civil::DateTime) -> DateTime {
        DateTime {
            year: Some(dt.year() as u16),
            month: Some(dt.month() as u8),
            day: Some(dt.day() as u8),
            hours: dt.hour() as u8,
            minutes: dt.minute() as u8,
            seconds: dt.second() as u8,
        }
    }
}

/// Parses the 7-byte Date Time field; `field` names it in errors.
pub(crate) fn parse_date_time(b: &[u8], field: &'static str) -> Result<DateTime, DecodeError> {
    let year = u16::from_le_bytes([b[0], b[1]]);
    let (month, day, hours, minutes, seconds) = (b[2], b[3], b[4], b[5], b[6]);
    let invalid = |value: u32| DecodeError::InvalidValue { field, value };
    if year != 0 && !(1582..=9999).contains(&year) {
        return Err(invalid(year.into()));
    }
    if month > 12 {
        return Err(invalid(month.into()));
    }
    if day > 31 {
        return Err(invalid(day.into()));
    }
    if hours > 23 {
        return Err(invalid(hours.into()));
    }
    if minutes > 59 {
        return Err(invalid(minutes.into()));
    }
    if seconds > 59 {
        return Err(invalid(seconds.into()));
    }
    Ok(DateTime {
        year: (year != 0).then_some(year),
        month: (month != 0).then_some(month),
        day: (day != 0).then_some(day),
        hours,
        minutes,
        seconds,
    })
}
