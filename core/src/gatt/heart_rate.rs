//! Heart Rate Measurement (0x2A37), Heart Rate Service.
//!
//! Flags: 0 value is u16 (else u8), 1–2 sensor contact, 3 energy expended
//! present, 4 RR-intervals present. RR-intervals fill the rest of the packet
//! as u16 values in 1/1024 s; an odd byte left over is an error.

use serde::Serialize;

use super::{
    reader::{bit, Reader},
    DecodeError,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SensorContact {
    NotSupported,
    NotDetected,
    Detected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeartRateMeasurement {
    /// Beats per minute.
    pub heart_rate: u16,
    pub sensor_contact: SensorContact,
    /// kJ since the last reset.
    pub energy_expended: Option<u16>,
    /// 1/1024 s each; empty when absent.
    pub rr_intervals: Vec<u16>,
}

/// Decodes Heart Rate Measurement (0x2A37).
pub fn decode(bytes: &[u8]) -> Result<HeartRateMeasurement, DecodeError> {
    let mut r = Reader::new(bytes);
    let flags = u32::from(r.u8("flags")?);
    let heart_rate = if bit(flags, 0) { r.u16("heart rate")? } else { u16::from(r.u8("heart rate")?) };
    let sensor_contact = match (flags >> 1) & 0b11 {
        0 | 1 => SensorContact::NotSupported,
        2 => SensorContact::NotDetected,
        _ => SensorContact::Detected,
    };
    let energy_expended = r.optional(bit(flags, 3), |r| r.u16("energy expended"))?;
    let mut rr_intervals = vec![];
    if bit(flags, 4) {
        if r.remaining() == 0 {
            r.u16("RR-interval")?;
        }
        while r.remaining() > 0 {
            rr_intervals.push(r.u16("RR-interval")?);
        }
    }
    r.finish()?;
    Ok(HeartRateMeasurement { heart_rate, sensor_contact, energy_expended, rr_intervals })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(flags: u8) -> Vec<u8> {
        let mut p = vec![flags];
        if flags & 1 != 0 {
            p.extend(72u16.to_le_bytes());
        } else {
            p.push(72);
        }
        if flags & 8 != 0 {
            p.extend(300u16.to_le_bytes());
        }
        if flags & 0x10 != 0 {
            p.extend(1024u16.to_le_bytes());
            p.extend(850u16.to_le_bytes());
        }
        p
    }

    #[test]
    fn every_flag_combination() {
        for flags in 0..=0xFFu8 {
            let bytes = packet(flags);
            let m = decode(&bytes).unwrap_or_else(|e| panic!("{flags:#04x}: {e}"));
            assert_eq!(m.heart_rate, 72);
            assert_eq!(
                m.sensor_contact,
                match (flags >> 1) & 3 {
                    2 => SensorContact::NotDetected,
                    3 => SensorContact::Detected,
                    _ => SensorContact::NotSupported,
                }
            );
            assert_eq!(m.energy_expended, (flags & 8 != 0).then_some(300));
            assert_eq!(m.rr_intervals, if flags & 0x10 != 0 { vec![1024, 850] } else { vec![] });
            // Truncation: fails unless the cut falls between two RR-intervals.
            for cut in 0..bytes.len() {
                let fixed = bytes.len() - if flags & 0x10 != 0 { 4 } else { 0 };
                let result = decode(&bytes[..cut]);
                if flags & 0x10 != 0 && cut == fixed + 2 {
                    assert_eq!(result.unwrap().rr_intervals, vec![1024]);
                } else {
                    assert!(result.is_err(), "{flags:#04x}/{cut}");
                }
            }
        }
    }

    #[test]
    fn odd_rr_byte_and_trailing_bytes() {
        assert!(matches!(
            decode(&[0x10, 72, 0x00, 0x04, 0x52]),
            Err(DecodeError::TooShort { field: "RR-interval", .. })
        ));
        assert!(matches!(decode(&[0x00, 72, 0x00]), Err(DecodeError::TrailingBytes { count: 1, .. })));
    }
}
