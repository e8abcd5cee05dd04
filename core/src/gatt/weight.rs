//! Weight Measurement (0x2A9D), Weight Scale Service.
//!
//! | bytes | field | present when |
//! |---|---|---|
//! | 1 | flags: 0 imperial, 1 time stamp, 2 user id, 3 BMI and height | always |
//! | 2 | weight: SI 0.005 kg, imperial 0.01 lb; 0xFFFF = unsuccessful | always |
//! | 7 | time stamp | flag 1 |
//! | 1 | user id (0xFF = unknown) | flag 2 |
//! | 2+2 | BMI (0.1 kg/m²), height (SI 0.001 m, imperial 0.1 in) | flag 3 |
//!
//! Values are exact decimals at the resolution the scale sent.

use serde::Serialize;

use super::{
    ieee11073::Decimal,
    reader::{bit, Reader},
    time::DateTime,
    DecodeError,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnitSystem {
    /// kg and m.
    Si,
    /// lb and in.
    Imperial,
}

/// A mass field: SI resolution 0.005 kg, imperial 0.01 lb.
pub(crate) fn mass(raw: u16, units: UnitSystem) -> Decimal {
    match units {
        UnitSystem::Si => Decimal::new(i32::from(raw) * 5, -3),
        UnitSystem::Imperial => Decimal::new(i32::from(raw), -2),
    }
}

/// A height field: SI resolution 0.001 m, imperial 0.1 in.
pub(crate) fn height(raw: u16, units: UnitSystem) -> Decimal {
    match units {
        UnitSystem::Si => Decimal::new(i32::from(raw), -3),
        UnitSystem::Imperial => Decimal::new(i32::from(raw), -1),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightMeasurement {
    pub units: UnitSystem,
    /// kg or lb.
    pub weight: Decimal,
    pub time_stamp: Option<DateTime>,
    pub user_id: Option<u8>,
    /// kg/m².
    pub bmi: Option<Decimal>,
    /// m or in.
    pub height: Option<Decimal>,
}

/// Decodes Weight Measurement (0x2A9D).
pub fn decode(bytes: &[u8]) -> Result<WeightMeasurement, DecodeError> {
    let mut r = Reader::new(bytes);
    let flags = u32::from(r.u8("flags")?);
    let units = if bit(flags, 0) { UnitSystem::Imperial } else { UnitSystem::Si };
    let raw = r.u16("weight")?;
    if raw == 0xFFFF {
        return Err(DecodeError::MeasurementUnsuccessful { field: "weight" });
    }
    let time_stamp = r.optional(bit(flags, 1), |r| r.date_time("time stamp"))?;
    let user_id = r.optional(bit(flags, 2), |r| r.u8("user id"))?.filter(|&id| id != 0xFF);
    let bmi_height = r.optional(bit(flags, 3), |r| Ok((r.u16("BMI")?, r.u16("height")?)))?;
    r.finish()?;
    Ok(WeightMeasurement {
        units,
        weight: mass(raw, units),
        time_stamp,
        user_id,
        bmi: bmi_height.map(|(bmi, _)| Decimal::new(i32::from(bmi), -1)),
        height: bmi_height.map(|(_, h)| height(h, units)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(flags: u8) -> Vec<u8> {
        let mut p = vec![flags, 0xB0, 0x36]; // 14000 → 70.000 kg / 140.00 lb
        if flags & 0x02 != 0 {
            p.extend([0xEA, 0x07, 11, 23, 7, 34, 0]);
        }
        if flags & 0x04 != 0 {
            p.push(1);
        }
        if flags & 0x08 != 0 {
            p.extend([0xF1, 0x00, 0xBE, 0x06]); // BMI 24.1, height 1.726 m / 172.6 in
        }
        p
    }

    #[test]
    fn every_flag_combination_and_truncation() {
        for flags in 0..=0xFFu8 {
            let bytes = packet(flags);
            let m = decode(&bytes).unwrap_or_else(|e| panic!("{flags:#04x}: {e}"));
            let imperial = flags & 1 != 0;
            assert_eq!(m.weight.to_string(), if imperial { "140.00" } else { "70.000" });
            assert_eq!(m.time_stamp.is_some(), flags & 2 != 0);
            assert_eq!(m.user_id, (flags & 4 != 0).then_some(1));
            if flags & 8 != 0 {
                assert_eq!(m.bmi.unwrap().to_string(), "24.1");
                assert_eq!(m.height.unwrap().to_string(), if imperial { "172.6" } else { "1.726" });
            } else {
                assert_eq!((m.bmi, m.height), (None, None));
            }
            crate::gatt::assert_exact_length(decode, &bytes);
        }
    }

    #[test]
    fn resolution_is_kept() {
        assert_eq!(decode(&[0x00, 0x01, 0x00]).unwrap().weight.to_string(), "0.005");
        assert_eq!(decode(&[0x00, 0xFE, 0xFF]).unwrap().weight.to_string(), "327.670");
        assert_eq!(decode(&[0x00, 0xFE, 0xFF]).unwrap().weight.to_f64(), 327.67);
    }

    #[test]
    fn unsuccessful_measurement_is_an_error_not_a_weight() {
        assert_eq!(decode(&[0x00, 0xFF, 0xFF]).unwrap_err(), DecodeError::MeasurementUnsuccessful { field: "weight" });
    }
}
