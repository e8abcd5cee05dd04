//! What a reading is, in the words every part of the app shares: its kind
//! ([`MeasurementKind`]), its LOINC-coded components with UCUM units (a
//! [`Measurement`] with its [`Component`]s, and for blood sugar its
//! [`Meal`] context), and who entered it
//! ([`EnteredBy`]; a [`Recorder`] is who, and for a relative the service
//! knows, their reference).

use jiff::{civil, Timestamp};
use serde::{Deserialize, Serialize};

use super::decimal::{Decimal, Special};

/// A kind of reading the app can take or receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MeasurementKind {
    BloodPressure,
    Pulse,
    OxygenSaturation,
    BodyTemperature,
    BodyWeight,
    BloodGlucose,
    /// Peak expiratory flow (PEF), typed from a peak-flow meter.
    PeakFlow,
    /// Forced expiratory volume in one second (FEV1), typed from a
    /// spirometer's display.
    Fev1,
}

impl MeasurementKind {
    /// The kind a LOINC code stands for, for the codes the plan may use.
    pub fn from_loinc(code: &str) -> Option<MeasurementKind> {
        Some(match code {
            "85354-9" => MeasurementKind::BloodPressure,
            "8867-4" => MeasurementKind::Pulse,
            "2708-6" | "59408-5" => MeasurementKind::OxygenSaturation,
            "8310-5" => MeasurementKind::BodyTemperature,
            "29463-7" => MeasurementKind::BodyWeight,
            "15074-8" | "2339-0" => MeasurementKind::BloodGlucose,
            "19935-6" => MeasurementKind::PeakFlow,
            "20150-9" => MeasurementKind::Fev1,
            _ => return None,
        })
    }

    /// Whether a Bluetooth health profile carries this kind (peak flow and
    /// FEV1 have none: they are typed from the meter's display).
    pub fn has_device_profile(self) -> bool {
        !matches!(self, MeasurementKind::PeakFlow | MeasurementKind::Fev1)
    }

    pub const ALL: [MeasurementKind; 8] = [
        MeasurementKind::BloodPressure,
        MeasurementKind::Pulse,
        MeasurementKind::OxygenSaturation,
        MeasurementKind::BodyTemperature,
        MeasurementKind::BodyWeight,
        MeasurementKind::BloodGlucose,
        MeasurementKind::PeakFlow,
        MeasurementKind::Fev1,
    ];
}

/// LOINC codes used for device readings.
pub mod loinc {
    pub const BLOOD_PRESSURE_PANEL: &str = "85354-9";
    pub const SYSTOLIC: &str = "8480-6";
    pub const DIASTOLIC: &str = "8462-4";
    pub const MEAN_ARTERIAL: &str = "8478-0";
    pub const HEART_RATE: &str = "8867-4";
    pub const SPO2: &str = "2708-6";
    pub const BODY_TEMPERATURE: &str = "8310-5";
    pub const BODY_WEIGHT: &str = "29463-7";
    pub const GLUCOSE_MOLAR: &str = "15074-8";
    pub const GLUCOSE_MASS: &str = "2339-0";
    /// Peak expiratory flow by peak-flow meter, L/min.
    pub const PEAK_FLOW: &str = "19935-6";
    /// FEV1, L.
    pub const FEV1: &str = "20150-9";
}

/// One coded value of a measurement (a blood-pressure reading has three).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    /// LOINC code.
    pub code: &'static str,
    /// The value as the device sent it, or why it has none.
    #[serde(flatten)]
    pub value: ComponentValue,
    /// UCUM unit.
    pub unit: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentValue {
    Value(Decimal),
    /// FHIR `dataAbsentReason`: the device sent NaN, NRes, ±INF or reserved.
    Absent(Special),
}

/// A reading ready to be judged and stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Measurement {
    pub kind: MeasurementKind,
    /// LOINC code of the whole observation (the panel for blood pressure).
    pub code: &'static str,
    pub components: Vec<Component>,
    /// The device's own time stamp, as sent (device-local).
    pub device_time: Option<civil::DateTime>,
    /// When it was taken, in UTC, after clock correction; the receive time
    /// when the device sent no usable time stamp.
    pub effective: Timestamp,
    /// PHD-style de-duplication key: device, type and device time (or the
    /// record's sequence number for glucose).
    pub identifier: String,
    pub device_id: String,
    /// A glucose reading's meal context: from the meter's Glucose
    /// Measurement Context, or as the patient said when typing it.
    pub meal: Option<Meal>,
}

/// When a blood sugar was taken, in relation to a meal (the Glucose
/// Measurement Context's meal field; IEEE 11073-10101 `MDC_CTXT_GLU_MEAL_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Meal {
    BeforeMeal,
    AfterMeal,
    Fasting,
    Casual,
    Bedtime,
}

impl Meal {
    pub const ALL: [Meal; 5] = [Meal::BeforeMeal, Meal::AfterMeal, Meal::Fasting, Meal::Casual, Meal::Bedtime];

    /// The stored and typed name (`before-meal` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Meal::BeforeMeal => "before-meal",
            Meal::AfterMeal => "after-meal",
            Meal::Fasting => "fasting",
            Meal::Casual => "casual",
            Meal::Bedtime => "bedtime",
        }
    }

    /// The inverse of [`Meal::as_str`].
    pub fn parse(text: &str) -> Option<Meal> {
        Meal::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// The IEEE 11073-10101 code (partition 128, `MDC_CTXT_GLU_MEAL_*`)
    /// and its reference id.
    pub fn mdc(self) -> (u32, &'static str) {
        const PARTITION: u32 = 128 << 16;
        match self {
            Meal::BeforeMeal => (PARTITION + 29260, "MDC_CTXT_GLU_MEAL_PREPRANDIAL"),
            Meal::AfterMeal => (PARTITION + 29264, "MDC_CTXT_GLU_MEAL_POSTPRANDIAL"),
            Meal::Fasting => (PARTITION + 29268, "MDC_CTXT_GLU_MEAL_FASTING"),
            Meal::Casual => (PARTITION + 29272, "MDC_CTXT_GLU_MEAL_CASUAL"),
            Meal::Bedtime => (PARTITION + 29300, "MDC_CTXT_GLU_MEAL_BEDTIME"),
        }
    }
}

impl Measurement {
    pub fn component(&self, code: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.code == code)
    }
}

/// Who records a reading, answers or a message: the patient, a relative
/// (by the service's own reference for them when the service knows them,
/// e.g. `RelatedPerson/12`), or the nurse in training.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorder {
    pub by: EnteredBy,
    /// A relative the service knows: its reference.
    pub relative: Option<String>,
}

impl Recorder {
    pub fn new(by: EnteredBy) -> Recorder {
        Recorder { by, relative: None }
    }
}

/// Who entered a reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnteredBy {
    Patient,
    Relative,
    /// The nurse's training visit: stored and shown, never sent or counted.
    NurseTraining,
}

impl EnteredBy {
    pub fn as_str(self) -> &'static str {
        match self {
            EnteredBy::Patient => "patient",
            EnteredBy::Relative => "relative",
            EnteredBy::NurseTraining => "nurse-training",
        }
    }

    /// The inverse of [`EnteredBy::as_str`].
    pub fn parse(text: &str) -> Option<EnteredBy> {
        Some(match text {
            "patient" => EnteredBy::Patient,
            "relative" => EnteredBy::Relative,
            "nurse-training" => EnteredBy::NurseTraining,
            _ => return None,
        })
    }
}

/// What a device says of itself (Device Information Service), when it
/// offers it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeviceInfo {
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
}

/// A value as the screens show it: its LOINC code, the exact decimal as
/// it was measured or typed, and its UCUM unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShownValue {
    pub code: String,
    pub value: String,
    pub unit: String,
}
