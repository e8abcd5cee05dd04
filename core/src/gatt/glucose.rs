//! Glucose Measurement (0x2A18) and Glucose Measurement Context (0x2A34),
//! Glucose Service. Records are numbered by a sequence number so that the
//! Record Access Control Point can fetch only new ones.
//!
//! Measurement: flags (0 time offset, 1 concentration + type/location,
//! 2 units mol/L, 3 sensor status, 4 context follows), sequence number,
//! base time, [time offset s16 min], [concentration SFLOAT, type-location
//! nibbles], [sensor status u16].
//!
//! Context: flags (0 carbohydrate, 1 meal, 2 tester-health, 3 exercise,
//! 4 medication, 5 medication in litres, 6 HbA1c, 7 extended flags),
//! sequence number, [extended flags], [carbohydrate id + SFLOAT kg],
//! [meal], [tester-health nibbles], [exercise s + intensity %],
//! [medication id + SFLOAT kg or L], [HbA1c SFLOAT %].

use serde::Serialize;

use super::{
    ieee11073::{Decimal, Value},
    reader::{bit, set_bits, Reader},
    time::DateTime,
    DecodeError,
};

/// The concentration in the unit the meter sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConcentrationUnit {
    KgPerL,
    MolPerL,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SampleType {
    CapillaryWholeBlood,
    CapillaryPlasma,
    VenousWholeBlood,
    VenousPlasma,
    ArterialWholeBlood,
    ArterialPlasma,
    UndeterminedWholeBlood,
    UndeterminedPlasma,
    InterstitialFluid,
    ControlSolution,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SampleLocation {
    Finger,
    AlternateSiteTest,
    Earlobe,
    ControlSolution,
    NotAvailable,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concentration {
    pub unit: ConcentrationUnit,
    pub value: Value,
    pub sample_type: SampleType,
    pub sample_location: SampleLocation,
}

impl Concentration {
    /// The value in mmol/L when the meter sent mol/L (exact), else `None`.
    pub fn mmol_per_l(&self) -> Option<Decimal> {
        match self.unit {
            ConcentrationUnit::MolPerL => self.value.number().map(|d| d.scale(3)),
            ConcentrationUnit::KgPerL => None,
        }
    }

    /// The value in mg/dL when the meter sent kg/L (exact), else `None`.
    pub fn mg_per_dl(&self) -> Option<Decimal> {
        match self.unit {
            ConcentrationUnit::KgPerL => self.value.number().map(|d| d.scale(5)),
            ConcentrationUnit::MolPerL => None,
        }
    }
}

const SENSOR_STATUS: &[(u32, &str)] = &[
    (0, "device-battery-low"),
    (1, "sensor-malfunction"),
    (2, "sample-size-insufficient"),
    (3, "strip-insertion-error"),
    (4, "strip-type-incorrect"),
    (5, "result-too-high"),
    (6, "result-too-low"),
    (7, "temperature-too-high"),
    (8, "temperature-too-low"),
    (9, "strip-pulled-too-soon"),
    (10, "general-device-fault"),
    (11, "time-fault"),
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlucoseMeasurement {
    pub sequence_number: u16,
    pub base_time: DateTime,
    /// Minutes to add to the base time.
    pub time_offset_minutes: Option<i16>,
    pub concentration: Option<Concentration>,
    /// Names of the sensor status annunciations that are set.
    pub sensor_status: Option<Vec<&'static str>>,
    /// A Glucose Measurement Context with the same sequence number follows.
    pub context_follows: bool,
}

impl GlucoseMeasurement {
    /// Base time plus offset, as the meter's local civil time.
    pub fn device_time(&self) -> Option<jiff::civil::DateTime> {
        let base = self.base_time.to_civil()?;
        let offset = jiff::SignedDuration::from_mins(i64::from(self.time_offset_minutes.unwrap_or(0)));
        base.checked_add(offset).ok()
    }
}

fn sample_type(nibble: u8) -> Result<SampleType, DecodeError> {
    use SampleType::*;
    Ok(match nibble {
        1 => CapillaryWholeBlood,
        2 => CapillaryPlasma,
        3 => VenousWholeBlood,
        4 => VenousPlasma,
        5 => ArterialWholeBlood,
        6 => ArterialPlasma,
        7 => UndeterminedWholeBlood,
        8 => UndeterminedPlasma,
        9 => InterstitialFluid,
        10 => ControlSolution,
        _ => return Err(DecodeError::InvalidValue { field: "sample type", value: nibble.into() }),
    })
}

fn sample_location(nibble: u8) -> Result<SampleLocation, DecodeError> {
    use SampleLocation::*;
    Ok(match nibble {
        1 => Finger,
        2 => AlternateSiteTest,
        3 => Earlobe,
        4 => ControlSolution,
        15 => NotAvailable,
        _ => return Err(DecodeError::InvalidValue { field: "sample location", value: nibble.into() }),
    })
}

/// Decodes Glucose Measurement (0x2A18).
pub fn decode_measurement(bytes: &[u8]) -> Result<GlucoseMeasurement, DecodeError> {
    let mut r = Reader::new(bytes);
    let flags = u32::from(r.u8("flags")?);
    let sequence_number = r.u16("sequence number")?;
    let base_time = r.date_time("base time")?;
    let time_offset_minutes = r.optional(bit(flags, 0), |r| r.i16("time offset"))?;
    let concentration = r.optional(bit(flags, 1), |r| {
        let value = r.sfloat("glucose concentration")?;
        let type_location = r.u8("type-sample location")?;
        Ok(Concentration {
            unit: if bit(flags, 2) { ConcentrationUnit::MolPerL } else { ConcentrationUnit::KgPerL },
            value,
            sample_type: sample_type(type_location & 0x0F)?,
            sample_location: sample_location(type_location >> 4)?,
        })
    })?;
    let sensor_status =
        r.optional(bit(flags, 3), |r| r.u16("sensor status annunciation"))?.map(|s| set_bits(s.into(), SENSOR_STATUS));
    r.finish()?;
    Ok(GlucoseMeasurement {
        sequence_number,
        base_time,
        time_offset_minutes,
        concentration,
        sensor_status,
        context_follows: bit(flags, 4),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CarbohydrateId {
    Breakfast,
    Lunch,
    Dinner,
    Snack,
    Drink,
    Supper,
    Brunch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Meal {
    Preprandial,
    Postprandial,
    Fasting,
    Casual,
    Bedtime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tester {
    SelfTest,
    HealthCareProfessional,
    LabTest,
    NotAvailable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Health {
    MinorHealthIssues,
    MajorHealthIssues,
    DuringMenses,
    UnderStress,
    NoHealthIssues,
    NotAvailable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MedicationId {
    RapidActingInsulin,
    ShortActingInsulin,
    IntermediateActingInsulin,
    LongActingInsulin,
    PreMixedInsulin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MedicationUnit {
    Kilograms,
    Litres,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Carbohydrate {
    pub id: CarbohydrateId,
    /// kg.
    pub amount: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exercise {
    /// Seconds; `None` when the device sent 0xFFFF (overrun).
    pub duration_seconds: Option<u16>,
    /// Percent.
    pub intensity_percent: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Medication {
    pub id: MedicationId,
    pub unit: MedicationUnit,
    pub amount: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlucoseMeasurementContext {
    pub sequence_number: u16,
    pub extended_flags: Option<u8>,
    pub carbohydrate: Option<Carbohydrate>,
    pub meal: Option<Meal>,
    pub tester: Option<Tester>,
    pub health: Option<Health>,
    pub exercise: Option<Exercise>,
    pub medication: Option<Medication>,
    /// Percent.
    pub hba1c: Option<Value>,
}

fn invalid(field: &'static str, value: u8) -> DecodeError {
    DecodeError::InvalidValue { field, value: value.into() }
}

/// Decodes Glucose Measurement Context (0x2A34).
pub fn decode_context(bytes: &[u8]) -> Result<GlucoseMeasurementContext, DecodeError> {
    use CarbohydrateId as C;
    let mut r = Reader::new(bytes);
    let flags = u32::from(r.u8("flags")?);
    let sequence_number = r.u16("sequence number")?;
    let extended_flags = r.optional(bit(flags, 7), |r| r.u8("extended flags"))?;
    let carbohydrate = r.optional(bit(flags, 0), |r| {
        let id = r.u8("carbohydrate id")?;
        let id = match id {
            1 => C::Breakfast,
            2 => C::Lunch,
            3 => C::Dinner,
            4 => C::Snack,
            5 => C::Drink,
            6 => C::Supper,
            7 => C::Brunch,
            _ => return Err(invalid("carbohydrate id", id)),
        };
        Ok(Carbohydrate { id, amount: r.sfloat("carbohydrate")? })
    })?;
    let meal = r
        .optional(bit(flags, 1), |r| r.u8("meal"))?
        .map(|m| match m {
            1 => Ok(Meal::Preprandial),
            2 => Ok(Meal::Postprandial),
            3 => Ok(Meal::Fasting),
            4 => Ok(Meal::Casual),
            5 => Ok(Meal::Bedtime),
            _ => Err(invalid("meal", m)),
        })
        .transpose()?;
    let tester_health = r.optional(bit(flags, 2), |r| r.u8("tester-health"))?;
    let (tester, health) = match tester_health {
        None => (None, None),
        Some(byte) => {
            let tester = match byte & 0x0F {
                1 => Tester::SelfTest,
                2 => Tester::HealthCareProfessional,
                3 => Tester::LabTest,
                15 => Tester::NotAvailable,
                n => return Err(invalid("tester", n)),
            };
            let health = match byte >> 4 {
                1 => Health::MinorHealthIssues,
                2 => Health::MajorHealthIssues,
                3 => Health::DuringMenses,
                4 => Health::UnderStress,
                5 => Health::NoHealthIssues,
                15 => Health::NotAvailable,
                n => return Err(invalid("health", n)),
            };
            (Some(tester), Some(health))
        }
    };
    let exercise = r.optional(bit(flags, 3), |r| {
        let duration = r.u16("exercise duration")?;
        let intensity_percent = r.u8("exercise intensity")?;
        if intensity_percent > 100 {
            return Err(invalid("exercise intensity", intensity_percent));
        }
        Ok(Exercise { duration_seconds: (duration != 0xFFFF).then_some(duration), intensity_percent })
    })?;
    let medication = r.optional(bit(flags, 4), |r| {
        let id = r.u8("medication id")?;
        let id = match id {
            1 => MedicationId::RapidActingInsulin,
            2 => MedicationId::ShortActingInsulin,
            3 => MedicationId::IntermediateActingInsulin,
            4 => MedicationId::LongActingInsulin,
            5 => MedicationId::PreMixedInsulin,
            _ => return Err(invalid("medication id", id)),
        };
        let unit = if bit(flags, 5) { MedicationUnit::Litres } else { MedicationUnit::Kilograms };
        Ok(Medication { id, unit, amount: r.sfloat("medication")? })
    })?;
    let hba1c = r.optional(bit(flags, 6), |r| r.sfloat("HbA1c"))?;
    r.finish()?;
    Ok(GlucoseMeasurementContext {
        sequence_number,
        extended_flags,
        carbohydrate,
        meal,
        tester,
        health,
        exercise,
        medication,
        hba1c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measurement(flags: u8) -> Vec<u8> {
        let mut p = vec![flags, 0x2A, 0x00, 0xEA, 0x07, 11, 23, 6, 50, 0]; // seq 42
        if flags & 1 != 0 {
            p.extend((-30i16).to_le_bytes());
        }
        if flags & 2 != 0 {
            // 0.0055 mol/L = 55 × 10^-4 → 5.5 mmol/L; capillary plasma from finger.
            p.extend([0x37, 0xC0, 0x12]);
        }
        if flags & 8 != 0 {
            p.extend([0x01, 0x04]); // battery low, general device fault
        }
        p
    }

    #[test]
    fn every_measurement_flag_combination_and_truncation() {
        for flags in 0..=0xFFu8 {
            let bytes = measurement(flags);
            let m = decode_measurement(&bytes).unwrap_or_else(|e| panic!("{flags:#04x}: {e}"));
            assert_eq!(m.sequence_number, 42);
            assert_eq!(m.time_offset_minutes, (flags & 1 != 0).then_some(-30));
            assert_eq!(m.concentration.is_some(), flags & 2 != 0);
            if let Some(c) = &m.concentration {
                assert_eq!(c.sample_type, SampleType::CapillaryPlasma);
                assert_eq!(c.sample_location, SampleLocation::Finger);
                if flags & 4 != 0 {
                    assert_eq!(c.mmol_per_l().unwrap().to_string(), "5.5");
                    assert_eq!(c.mg_per_dl(), None);
                } else {
                    // Same bytes read as kg/L: 0.0055 kg/L = 550 mg/dL.
                    assert_eq!(c.mg_per_dl().unwrap().to_string(), "550");
                }
            }
            assert_eq!(m.sensor_status, (flags & 8 != 0).then(|| vec!["device-battery-low", "general-device-fault"]));
            assert_eq!(m.context_follows, flags & 0x10 != 0);
            crate::gatt::assert_exact_length(decode_measurement, &bytes);
        }
    }

    #[test]
    fn device_time_applies_the_offset() {
        let m = decode_measurement(&measurement(0x01)).unwrap();
        assert_eq!(m.device_time().unwrap().to_string(), "2026-11-23T06:20:00");
    }

    #[test]
    fn reserved_type_and_location_are_errors() {
        let mut bytes = measurement(0x02);
        let last = bytes.len() - 1;
        bytes[last] = 0x1B; // type 11
        assert_eq!(
            decode_measurement(&bytes).unwrap_err(),
            DecodeError::InvalidValue { field: "sample type", value: 11 }
        );
        bytes[last] = 0x51; // location 5
        assert_eq!(
            decode_measurement(&bytes).unwrap_err(),
            DecodeError::InvalidValue { field: "sample location", value: 5 }
        );
        bytes[last] = 0xF1;
        assert_eq!(
            decode_measurement(&bytes).unwrap().concentration.unwrap().sample_location,
            SampleLocation::NotAvailable
        );
    }

    #[test]
    fn nan_concentration_is_absent() {
        let mut bytes = measurement(0x06);
        let n = bytes.len();
        bytes[n - 3..n - 1].copy_from_slice(&[0xFF, 0x07]);
        let c = decode_measurement(&bytes).unwrap().concentration.unwrap();
        assert_eq!(c.mmol_per_l(), None);
    }

    fn context(flags: u8) -> Vec<u8> {
        let mut p = vec![flags, 0x2A, 0x00];
        if flags & 0x80 != 0 {
            p.push(0x00);
        }
        if flags & 0x01 != 0 {
            p.extend([1, 0x32, 0xD0]); // breakfast, 50 × 10^-3 kg
        }
        if flags & 0x02 != 0 {
            p.push(1);
        }
        if flags & 0x04 != 0 {
            p.push(0x51); // no health issues, self
        }
        if flags & 0x08 != 0 {
            p.extend([0x10, 0x0E, 50]); // 3600 s, 50 %
        }
        if flags & 0x10 != 0 {
            p.extend([1, 0x0A, 0xA0]); // rapid-acting insulin, 10 × 10^-6
        }
        if flags & 0x40 != 0 {
            p.extend([0x3E, 0xF0]); // 6.2 %
        }
        p
    }

    #[test]
    fn every_context_flag_combination_and_truncation() {
        for flags in 0..=0xFFu8 {
            let bytes = context(flags);
            let c = decode_context(&bytes).unwrap_or_else(|e| panic!("{flags:#04x}: {e}"));
            assert_eq!(c.sequence_number, 42);
            assert_eq!(c.extended_flags.is_some(), flags & 0x80 != 0);
            assert_eq!(c.carbohydrate.as_ref().map(|c| c.id), (flags & 1 != 0).then_some(CarbohydrateId::Breakfast));
            assert_eq!(c.meal, (flags & 2 != 0).then_some(Meal::Preprandial));
            assert_eq!(c.tester, (flags & 4 != 0).then_some(Tester::SelfTest));
            assert_eq!(c.health, (flags & 4 != 0).then_some(Health::NoHealthIssues));
            assert_eq!(c.exercise.as_ref().and_then(|e| e.duration_seconds), (flags & 8 != 0).then_some(3600));
            if let Some(m) = &c.medication {
                assert_eq!(m.unit, if flags & 0x20 != 0 { MedicationUnit::Litres } else { MedicationUnit::Kilograms });
            }
            assert_eq!(c.medication.is_some(), flags & 0x10 != 0);
            assert_eq!(c.hba1c.map(|v| v.number().unwrap().to_string()), (flags & 0x40 != 0).then(|| "6.2".into()));
            crate::gatt::assert_exact_length(decode_context, &bytes);
        }
    }

    #[test]
    fn context_enumerations_reject_reserved_values() {
        assert_eq!(
            decode_context(&[0x02, 0, 0, 6]).unwrap_err(),
            DecodeError::InvalidValue { field: "meal", value: 6 }
        );
        assert_eq!(
            decode_context(&[0x04, 0, 0, 0x54]).unwrap_err(),
            DecodeError::InvalidValue { field: "tester", value: 4 }
        );
        assert_eq!(
            decode_context(&[0x04, 0, 0, 0x61]).unwrap_err(),
            DecodeError::InvalidValue { field: "health", value: 6 }
        );
        assert_eq!(
            decode_context(&[0x08, 0, 0, 0xFF, 0xFF, 101]).unwrap_err(),
            DecodeError::InvalidValue { field: "exercise intensity", value: 101 }
        );
        assert_eq!(decode_context(&[0x08, 0, 0, 0xFF, 0xFF, 100]).unwrap().exercise.unwrap().duration_seconds, None);
        assert_eq!(
            decode_context(&[0x01, 0, 0, 8, 0, 0]).unwrap_err(),
            DecodeError::InvalidValue { field: "carbohydrate id", value: 8 }
        );
        assert_eq!(
            decode_context(&[0x10, 0, 0, 6, 0, 0]).unwrap_err(),
            DecodeError::InvalidValue { field: "medication id", value: 6 }
        );
    }
}
