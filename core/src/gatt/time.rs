//! Date Time (0x2A08) and Current Time (0x2A2B), and the 7-byte Date Time
//! field that measurement characteristics embed as their time stamp.
//!
//! A zero year, month or day means "not known" in the specification; such a
//! time stamp decodes, but has no civil date ([`DateTime::to_civil`] is
//! `None`) and is never guessed.

use serde::Serialize;

pub use super::date_time::DateTime;
use super::{reader::Reader, DecodeError};

/// Decodes the Date Time characteristic (0x2A08).
pub fn decode_date_time(bytes: &[u8]) -> Result<DateTime, DecodeError> {
    let mut r = Reader::new(bytes);
    let dt = r.date_time("date time")?;
    r.finish()?;
    Ok(dt)
}

/// Why the device's clock was last adjusted (Current Time, byte 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct AdjustReason {
    pub manual_time_update: bool,
    pub external_reference_time_update: bool,
    pub change_of_time_zone: bool,
    pub change_of_dst: bool,
}

impl AdjustReason {
    pub fn bits(self) -> u8 {
        u8::from(self.manual_time_update)
            | u8::from(self.external_reference_time_update) << 1
            | u8::from(self.change_of_time_zone) << 2
            | u8::from(self.change_of_dst) << 3
    }
}

/// The Current Time characteristic (0x2A2B): Exact Time 256 plus the reason
/// for the last adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CurrentTime {
    pub date_time: DateTime,
    /// 1 = Monday … 7 = Sunday; `None` when the device sent 0 (not known).
    pub day_of_week: Option<u8>,
    /// 1/256 s.
    pub fractions256: u8,
    pub adjust_reason: AdjustReason,
}

/// Decodes the Current Time characteristic (0x2A2B, 10 bytes).
pub fn decode_current_time(bytes: &[u8]) -> Result<CurrentTime, DecodeError> {
    let mut r = Reader::new(bytes);
    let date_time = r.date_time("date time")?;
    let day_of_week = r.u8("day of week")?;
    if day_of_week > 7 {
        return Err(DecodeError::InvalidValue { field: "day of week", value: day_of_week.into() });
    }
    let fractions256 = r.u8("fractions256")?;
    let reason = r.u8("adjust reason")?;
    r.finish()?;
    Ok(CurrentTime {
        date_time,
        day_of_week: (day_of_week != 0).then_some(day_of_week),
        fractions256,
        // Bits 4–7 are reserved; receivers ignore them.
        adjust_reason: AdjustReason {
            manual_time_update: reason & 1 != 0,
            external_reference_time_update: reason & 2 != 0,
            change_of_time_zone: reason & 4 != 0,
            change_of_dst: reason & 8 != 0,
        },
    })
}

/// Encodes Current Time for writing the tablet's clock to a device.
pub fn encode_current_time(now: jiff::civil::DateTime, reason: AdjustReason) -> [u8; 10] {
    let dt = DateTime::from_civil(now).encode();
    let weekday = now.weekday().to_monday_one_offset() as u8;
    let fractions = (u64::from(now.subsec_nanosecond().unsigned_abs()) * 256 / 1_000_000_000) as u8;
    [dt[0], dt[1], dt[2], dt[3], dt[4], dt[5], dt[6], weekday, fractions, reason.bits()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn date_time_decodes_and_round_trips() {
        let bytes = [0xEA, 0x07, 11, 23, 14, 5, 9]; // 2026-11-23 14:05:09
        let dt = decode_date_time(&bytes).unwrap();
        assert_eq!(dt.to_civil(), Some(date(2026, 11, 23).at(14, 5, 9, 0)));
        assert_eq!(dt.encode(), bytes);
    }

    #[test]
    fn unknown_parts_decode_but_have_no_civil_time() {
        let dt = decode_date_time(&[0, 0, 0, 0, 8, 0, 0]).unwrap();
        assert_eq!((dt.year, dt.month, dt.day), (None, None, None));
        assert_eq!(dt.to_civil(), None);
        // 31 February is in range per field but not a date.
        assert_eq!(decode_date_time(&[0xEA, 0x07, 2, 31, 0, 0, 0]).unwrap().to_civil(), None);
    }

    #[test]
    fn out_of_range_fields_are_named() {
        let cases: &[([u8; 7], u32)] = &[
            ([0x2D, 0x06, 1, 1, 0, 0, 0], 1581),
            ([0x10, 0x27, 1, 1, 0, 0, 0], 10000),
            ([0xEA, 0x07, 13, 1, 0, 0, 0], 13),
            ([0xEA, 0x07, 1, 32, 0, 0, 0], 32),
            ([0xEA, 0x07, 1, 1, 24, 0, 0], 24),
            ([0xEA, 0x07, 1, 1, 0, 60, 0], 60),
            ([0xEA, 0x07, 1, 1, 0, 0, 60], 60),
        ];
        for (bytes, value) in cases {
            assert_eq!(
                decode_date_time(bytes).unwrap_err(),
                DecodeError::InvalidValue { field: "date time", value: *value },
                "{bytes:02x?}"
            );
        }
    }

    #[test]
    fn short_and_long_packets() {
        assert!(matches!(
            decode_date_time(&[0xEA, 0x07, 11]),
            Err(DecodeError::TooShort { field: "date time", needed: 7, available: 3, .. })
        ));
        assert_eq!(
            decode_date_time(&[0xEA, 0x07, 11, 23, 14, 5, 9, 0]).unwrap_err(),
            DecodeError::TrailingBytes { offset: 7, count: 1 }
        );
    }

    #[test]
    fn current_time_decodes_all_reason_bits() {
        for reason in 0u8..=0xFF {
            let bytes = [0xEA, 0x07, 11, 23, 14, 5, 9, 1, 128, reason];
            let ct = decode_current_time(&bytes).unwrap();
            assert_eq!(ct.day_of_week, Some(1));
            assert_eq!(ct.fractions256, 128);
            assert_eq!(ct.adjust_reason.bits(), reason & 0x0F);
        }
        assert_eq!(
            decode_current_time(&[0xEA, 0x07, 11, 23, 14, 5, 9, 8, 0, 0]).unwrap_err(),
            DecodeError::InvalidValue { field: "day of week", value: 8 }
        );
        assert_eq!(decode_current_time(&[0xEA, 0x07, 11, 23, 14, 5, 9, 0, 0, 0]).unwrap().day_of_week, None);
        assert!(matches!(
            decode_current_time(&[0xEA, 0x07, 11, 23, 14, 5, 9, 1, 0]),
            Err(DecodeError::TooShort { field: "adjust reason", offset: 9, .. })
        ));
    }

    #[test]
    fn current_time_encodes_the_tablet_clock() {
        // 2026-11-23 is a Monday.
        let now = date(2026, 11, 23).at(14, 5, 9, 500_000_000);
        let reason = AdjustReason { manual_time_update: true, ..AdjustReason::default() };
        let bytes = encode_current_time(now, reason);
        assert_eq!(bytes, [0xEA, 0x07, 11, 23, 14, 5, 9, 1, 128, 1]);
        assert_eq!(
            decode_current_time(&bytes).unwrap().date_time.to_civil(),
            Some(now.with().subsec_nanosecond(0).build().unwrap())
        );
    }
}
