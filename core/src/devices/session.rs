//! One connection to a paired health device, from "connected" to "quiet" or
//! "disconnected": read the battery and the Device Information Service's
//! manufacturer, model and serial number (clean text only), read and correct
//! the device's clock (and set it where Current Time is writable), subscribe
//! to every health measurement it offers, fetch the records stored while the
//! tablet was off with the Record Access Control Point ("greater than the
//! last sequence number"), then take live readings until the device goes
//! quiet. Duplicates are skipped. A glucose record whose Glucose
//! Measurement Context follows is held until that context (its meal) or
//! any other packet comes, or the session ends, then stored once.
//!
//! Every reading is handed to a [`ReadingSink`] as soon as it arrives, so a
//! disconnect mid-transfer keeps what came; the sequence number advances
//! only after the sink has stored the record, so the next connection asks
//! for exactly what is missing and nothing arrives twice.
//!
//! Clock correction: records stamped before the moment the clock was set (in
//! the device's old time) are corrected by the offset measured at connect;
//! later ones carry the new, correct time. A live reading taken within one
//! offset of connecting to a fast device may be misplaced by that offset —
//! the price of devices that report no "clock was set" flag.

use std::time::Duration;

use jiff::{civil, tz::TimeZone};
use serde::Serialize;

use super::transport::{
    Notification, Transport, TransportError, BATTERY_LEVEL, CURRENT_TIME, DATE_TIME, MANUFACTURER_NAME,
    MEASUREMENT_CHARACTERISTICS, MODEL_NUMBER, RECORD_ACCESS_CONTROL_POINT, SERIAL_NUMBER,
};
use crate::{
    clock::Clock,
    error::CoreError,
    gatt::{
        self,
        racp::{RacpMessage, ResponseValue},
        time::{encode_current_time, AdjustReason},
        Characteristic, DecodeError, Decoded,
    },
    measurement::{from_decoded, ClockCorrection, Measurement, MeasurementError, ReadingContext},
    vocabulary::{DeviceInfo, Meal},
};

/// Where readings go; the app's sink stores them durably.
pub trait ReadingSink {
    /// Stores the measurements of one record; `sequence` is its record
    /// number when the device numbers records. Returns only once durable.
    fn store(&mut self, measurements: &[Measurement], sequence: Option<u16>) -> Result<(), CoreError>;
}

/// A Device Information Service string: UTF-8, trailing NULs and spaces
/// dropped, at most 64 characters; anything else is not kept.
fn information_string(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?.trim_end_matches(['\0', ' ']).trim();
    let printable = !text.is_empty() && text.chars().count() <= 64 && !text.chars().any(char::is_control);
    printable.then(|| text.to_string())
}

/// What the session needs to know.
pub struct SessionConfig<'a> {
    pub device_id: &'a str,
    /// The patient's time zone, which device clocks are taken to run in.
    pub time_zone: &'a TimeZone,
    pub clock: &'a dyn Clock,
    /// Highest record sequence number already stored for this device.
    pub last_sequence: Option<u16>,
    /// Write the tablet's time to the device when it offers Current Time.
    pub set_clock: bool,
    /// How long to wait for the next packet before calling the device quiet.
    pub wait: Duration,
}

/// How the stored-record transfer went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "transfer", rename_all = "kebab-case")]
pub enum Transfer {
    /// The device has no Record Access Control Point.
    NotOffered,
    Complete,
    NoNewRecords,
    /// The device disconnected before the transfer finished; what came is
    /// stored and the next connection continues from there.
    Interrupted,
    TimedOut,
    Refused {
        response: ResponseValue,
    },
}

/// How the session ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "ended", content = "detail", rename_all = "kebab-case")]
pub enum Ended {
    Quiet,
    Disconnected,
    NeedsBonding,
    Failed(String),
}

/// What happened, for the registry and the device screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionReport {
    pub measurements_stored: usize,
    pub duplicates_skipped: usize,
    /// Records the sink could not store (the device's record number is not
    /// advanced, so a numbered record is fetched again next time).
    pub store_failures: Vec<CoreError>,
    /// Packets that did not decode: (characteristic, error). Nothing from
    /// them was stored.
    pub bad_packets: Vec<(u16, DecodeError)>,
    pub clock: Option<ClockCorrection>,
    pub clock_set: bool,
    pub battery_percent: Option<u8>,
    /// Manufacturer, model and serial number, as far as the device offers them.
    pub device_info: DeviceInfo,
    pub last_sequence: Option<u16>,
    pub transfer: Transfer,
    pub ended: Ended,
}

/// Runs one connection to its end.
pub async fn run<T: Transport, S: ReadingSink>(
    link: &mut T,
    config: &SessionConfig<'_>,
    sink: &mut S,
) -> SessionReport {
    let mut session = Session {
        config,
        report: SessionReport {
            measurements_stored: 0,
            duplicates_skipped: 0,
            store_failures: vec![],
            bad_packets: vec![],
            clock: None,
            clock_set: false,
            battery_percent: None,
            device_info: DeviceInfo::default(),
            last_sequence: config.last_sequence,
            transfer: Transfer::NotOffered,
            ended: Ended::Quiet,
        },
        set_at_device_time: None,
        awaiting_context: None,
    };
    let driven = session.drive(link, sink).await;
    // A glucose record whose context never came is stored without it.
    session.store_awaiting(sink);
    session.report.ended = match driven {
        Ok(()) => Ended::Quiet,
        Err(TransportError::Disconnected) => Ended::Disconnected,
        Err(TransportError::NeedsBonding) => Ended::NeedsBonding,
        Err(other) => Ended::Failed(other.to_string()),
    };
    if session.report.ended == Ended::Disconnected && session.report.transfer == Transfer::TimedOut {
        session.report.transfer = Transfer::Interrupted;
    }
    session.report
}

struct Session<'c, 'a> {
    config: &'c SessionConfig<'a>,
    report: SessionReport,
    /// The device's (old) time when its clock was set; records stamped
    /// before it are corrected.
    set_at_device_time: Option<civil::DateTime>,
    /// A glucose record whose Glucose Measurement Context follows (the
    /// meter sends it next): held until the context comes, another packet
    /// comes, or the session ends, then stored with the meal or without.
    awaiting_context: Option<(Vec<Measurement>, u16)>,
}

impl Session<'_, '_> {
    async fn drive<T: Transport, S: ReadingSink>(&mut self, link: &mut T, sink: &mut S) -> Result<(), TransportError> {
        let offered = link.characteristics();
        if offered.contains(&BATTERY_LEVEL) {
            if let Ok(bytes) = link.read(BATTERY_LEVEL).await {
                self.report.battery_percent = bytes.first().copied().filter(|&b| b <= 100);
            }
        }
        for (characteristic, field) in [
            (MANUFACTURER_NAME, &mut self.report.device_info.manufacturer),
            (MODEL_NUMBER, &mut self.report.device_info.model),
            (SERIAL_NUMBER, &mut self.report.device_info.serial),
        ] {
            if offered.contains(&characteristic) {
                match link.read(characteristic).await {
                    Ok(bytes) => *field = information_string(&bytes),
                    Err(TransportError::Disconnected) => return Err(TransportError::Disconnected),
                    Err(_) => {}
                }
            }
        }
        self.synchronise_clock(link, &offered).await?;
        for characteristic in MEASUREMENT_CHARACTERISTICS {
            if offered.contains(&characteristic) {
                link.subscribe(characteristic).await?;
            }
        }
        if offered.contains(&RECORD_ACCESS_CONTROL_POINT) {
            link.subscribe(RECORD_ACCESS_CONTROL_POINT).await?;
            self.fetch_stored_records(link, sink).await?;
        }
        // Live readings until the device goes quiet.
        while let Some(n) = link.next_notification(self.config.wait).await? {
            self.handle(n, sink);
        }
        Ok(())
    }

    async fn synchronise_clock<T: Transport>(&mut self, link: &mut T, offered: &[u16]) -> Result<(), TransportError> {
        let tz = self.config.time_zone;
        let (characteristic, kind) = if offered.contains(&CURRENT_TIME) {
            (CURRENT_TIME, Characteristic::CurrentTime)
        } else if offered.contains(&DATE_TIME) {
            (DATE_TIME, Characteristic::DateTime)
        } else {
            return Ok(());
        };
        let bytes = match link.read(characteristic).await {
            Ok(bytes) => bytes,
            Err(TransportError::Disconnected) => return Err(TransportError::Disconnected),
            Err(_) => return Ok(()),
        };
        let device_now = match gatt::decode(kind, &bytes) {
            Ok(Decoded::CurrentTime(t)) => t.date_time.to_civil(),
            Ok(Decoded::DateTime(t)) => t.to_civil(),
            Ok(_) => None,
            Err(e) => {
                self.report.bad_packets.push((characteristic, e));
                None
            }
        };
        let tablet_now = self.config.clock.now();
        self.report.clock = device_now.and_then(|d| ClockCorrection::measure(d, tablet_now, tz));
        if self.config.set_clock && characteristic == CURRENT_TIME {
            let local = tablet_now.to_zoned(tz.clone()).datetime();
            let reason = AdjustReason { external_reference_time_update: true, ..AdjustReason::default() };
            match link.write(CURRENT_TIME, &encode_current_time(local, reason)).await {
                Ok(()) => {
                    self.report.clock_set = true;
                    self.set_at_device_time = device_now;
                }
                Err(TransportError::Disconnected) => return Err(TransportError::Disconnected),
                Err(_) => {} // read-only on this device: keep correcting.
            }
        }
        Ok(())
    }

    async fn fetch_stored_records<T: Transport, S: ReadingSink>(
        &mut self,
        link: &mut T,
        sink: &mut S,
    ) -> Result<(), TransportError> {
        let Some(request) = RacpMessage::report_after(self.report.last_sequence) else {
            self.report.transfer = Transfer::NoNewRecords;
            return Ok(());
        };
        self.report.transfer = Transfer::TimedOut;
        link.write(RECORD_ACCESS_CONTROL_POINT, &request.encode()).await?;
        while let Some(n) = link.next_notification(self.config.wait).await? {
            if n.characteristic == RECORD_ACCESS_CONTROL_POINT {
                match gatt::racp::decode(&n.bytes) {
                    Ok(RacpMessage::Response { value, .. }) => {
                        self.store_awaiting(sink);
                        self.report.transfer = match value {
                            ResponseValue::Success => Transfer::Complete,
                            ResponseValue::NoRecordsFound => Transfer::NoNewRecords,
                            response => Transfer::Refused { response },
                        };
                        return Ok(());
                    }
                    Ok(_) => {}
                    Err(e) => self.report.bad_packets.push((n.characteristic, e)),
                }
            } else {
                self.handle(n, sink);
            }
        }
        Ok(())
    }

    /// The correction for a record with this device time.
    fn correction_for(&self, device_time: Option<civil::DateTime>) -> ClockCorrection {
        let measured = self.report.clock.unwrap_or_default();
        match (self.set_at_device_time, device_time) {
            // Stamped after the clock was set: already correct.
            (Some(set_at), Some(t)) if t > set_at => ClockCorrection::default(),
            _ => measured,
        }
    }

    /// Stores the glucose record held for its context, without a meal.
    fn store_awaiting<S: ReadingSink>(&mut self, sink: &mut S) {
        if let Some((measurements, sequence)) = self.awaiting_context.take() {
            self.store(&measurements, Some(sequence), sink);
        }
    }

    fn store<S: ReadingSink>(&mut self, measurements: &[Measurement], sequence: Option<u16>, sink: &mut S) {
        match sink.store(measurements, sequence) {
            Ok(()) => {
                self.report.measurements_stored += measurements.len();
                if let Some(seq) = sequence {
                    self.report.last_sequence = Some(self.report.last_sequence.map_or(seq, |l| l.max(seq)));
                }
            }
            Err(e) => self.report.store_failures.push(e),
        }
    }

    fn handle<S: ReadingSink>(&mut self, n: Notification, sink: &mut S) {
        let Some(characteristic) = Characteristic::ALL.into_iter().find(|c| c.short_uuid() == n.characteristic) else {
            return;
        };
        let decoded = gatt::decode(characteristic, &n.bytes);
        // The context of the record held for it: stored together, once.
        if let Ok(Decoded::GlucoseMeasurementContext(context)) = &decoded {
            if let Some((mut measurements, sequence)) = self.awaiting_context.take() {
                if sequence == context.sequence_number {
                    for m in &mut measurements {
                        m.meal = context.meal.map(meal_of);
                    }
                }
                self.store(&measurements, Some(sequence), sink);
            }
            return;
        }
        self.store_awaiting(sink);
        let decoded = match decoded {
            Ok(decoded) => decoded,
            Err(e) => {
                self.report.bad_packets.push((n.characteristic, e));
                return;
            }
        };
        let sequence = match &decoded {
            Decoded::GlucoseMeasurement(g) => Some(g.sequence_number),
            _ => None,
        };
        if let (Some(seq), Some(last)) = (sequence, self.report.last_sequence) {
            if seq <= last {
                self.report.duplicates_skipped += 1;
                return;
            }
        }
        let device_time = device_time(&decoded);
        let ctx = ReadingContext {
            device_id: self.config.device_id,
            received_at: self.config.clock.now(),
            clock: self.correction_for(device_time),
            time_zone: self.config.time_zone,
        };
        let measurements = match from_decoded(&decoded, &ctx) {
            Ok(m) => m,
            Err(MeasurementError::Intermediate | MeasurementError::NotAMeasurement) => return,
            Err(MeasurementError::NoConcentration(_)) => vec![],
        };
        match (&decoded, sequence) {
            (Decoded::GlucoseMeasurement(g), Some(seq)) if g.context_follows && !measurements.is_empty() => {
                self.awaiting_context = Some((measurements, seq));
            }
            _ => self.store(&measurements, sequence, sink),
        }
    }
}

/// The meter's meal field in the app's words.
fn meal_of(meal: gatt::glucose::Meal) -> Meal {
    match meal {
        gatt::glucose::Meal::Preprandial => Meal::BeforeMeal,
        gatt::glucose::Meal::Postprandial => Meal::AfterMeal,
        gatt::glucose::Meal::Fasting => Meal::Fasting,
        gatt::glucose::Meal::Casual => Meal::Casual,
        gatt::glucose::Meal::Bedtime => Meal::Bedtime,
    }
}

fn device_time(decoded: &Decoded) -> Option<civil::DateTime> {
    match decoded {
        Decoded::BloodPressureMeasurement(m) => m.time_stamp?.to_civil(),
        Decoded::TemperatureMeasurement(m) => m.time_stamp?.to_civil(),
        Decoded::WeightMeasurement(m) => m.time_stamp?.to_civil(),
        Decoded::BodyCompositionMeasurement(m) => m.time_stamp?.to_civil(),
        Decoded::GlucoseMeasurement(m) => m.device_time(),
        Decoded::PlxSpotCheckMeasurement(m) => m.time_stamp?.to_civil(),
        _ => None,
    }
}
