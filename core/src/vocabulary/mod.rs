//! Shared vocabulary: the plain types that the decoders, the store, the
//! traffic light, FHIR and the UI all speak of. It imports nothing of the
//! domain, so every other module may import it (a tidy test keeps this).

mod appointment;
mod decimal;
mod health_service;
mod judgement;
mod reading;

pub use appointment::{Appointment, AppointmentKind, AppointmentStatus};
pub use decimal::{Decimal, Special};
pub use health_service::HealthService;
pub use judgement::{Cause, Colour, Direction, Judgement, NotJudged, ResultItem, Rule};
pub use reading::{
    loinc, Component, ComponentValue, DeviceInfo, EnteredBy, Meal, Measurement, MeasurementKind, Recorder, ShownValue,
};
