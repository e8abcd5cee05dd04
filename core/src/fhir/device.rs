//! The paired devices as FHIR `Device`s, the PHD guide's way: the type and
//! its 11073 specialisation coded; manufacturer, model and serial number
//! when the device told them; the Bluetooth address in its
//! `00-E5-DE-AD-77-C3` form under HL7's `eui-48/bluetooth` system, typed
//! BTMAC; a peripheral the operating system names only by its own id (macOS)
//! under Heima's own system. A `Device` is sent as a conditional update, so
//! it changes in place.

use serde_json::{json, Value as Json};

use super::canonical;
use crate::{store::devices::PairedDevice, vocabulary::HealthService};

/// The Bluetooth address identifier system (HL7 terminology's
/// `eui-48/bluetooth`), with the PHD guide's identifier type.
pub const BLUETOOTH_SYSTEM: &str = "http://hl7.org/fhir/sid/eui-48/bluetooth";
const DEVICE_IDENTIFIER_TYPES: &str = "http://hl7.org/fhir/uv/phd/CodeSystem/ContinuaDeviceIdentifiers";

/// A Bluetooth address in the PHD guide's form (`00-E5-DE-AD-77-C3`), if
/// `id` is one (`00:e5:de:ad:77:c3` as the operating system writes it).
pub fn phd_address(id: &str) -> Option<String> {
    let parts: Vec<&str> = id.split([':', '-']).collect();
    let valid = parts.len() == 6 && parts.iter().all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit()));
    valid.then(|| parts.join("-").to_ascii_uppercase())
}

/// The identifier of a device the app knows by `id`: its Bluetooth
/// address (typed BTMAC), or the operating system's own id for the
/// peripheral when that is all there is (macOS).
pub fn device_identifier(id: &str) -> Json {
    let (system, value) = device_system_value(id);
    let mut identifier = json!({ "system": system, "value": value });
    if system == BLUETOOTH_SYSTEM {
        identifier["type"] = json!({ "coding": [{ "system": DEVICE_IDENTIFIER_TYPES, "code": "BTMAC" }] });
    }
    identifier
}

/// The system and value of [`device_identifier`], as a search matches them.
pub fn device_system_value(id: &str) -> (&'static str, String) {
    match phd_address(id) {
        Some(address) => (BLUETOOTH_SYSTEM, address),
        None => (canonical::PERIPHERAL_IDENTIFIER, id.to_string()),
    }
}

const MDC: &str = "urn:iso:std:iso:11073:10101";

/// The IEEE EUI-64 system identifier's system (the PHD guide's PHG).
pub const EUI64_SYSTEM: &str = "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680";
/// The core extension on an Observation naming the gateway it came through.
pub const GATEWAY_EXTENSION: &str = "http://hl7.org/fhir/StructureDefinition/observation-gatewayDevice";
/// The app's version, as its gateway `Device` and its User-Agent give it.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// An EUI-64 made from `random`: locally administered (bit 1 of the first
/// octet set), unicast (bit 0 clear), written as the guide writes it
/// (`02-5E-10-FF-FE-00-00-01`).
pub fn gateway_eui64(random: [u8; 8]) -> String {
    let mut bytes = random;
    bytes[0] = (bytes[0] | 0x02) & !0x01;
    bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join("-")
}

/// The gateway's identifier, as its Observations name it.
fn gateway_identifier(eui64: &str) -> Json {
    json!({
        "system": EUI64_SYSTEM,
        "value": eui64,
        "type": { "coding": [{ "system": DEVICE_IDENTIFIER_TYPES, "code": "SYSID" }] }
    })
}

/// The app as the guide's gateway: its system id, type, maker, name and
/// software version; `subject`'s, as the patient-scoped access requires.
pub fn gateway(eui64: &str, subject: Option<&str>) -> Json {
    let mut j = json!({
        "resourceType": "Device",
        "identifier": [gateway_identifier(eui64)],
        "status": "active",
        "manufacturer": "Heima",
        "deviceName": [{ "name": "Heima", "type": "manufacturer-name" }],
        "type": { "coding": [{ "system": MDC, "code": "531981", "display": "MDC_MOC_VMS_MDS_AHD" }] },
        "version": [{
            "type": { "coding": [{ "system": MDC, "code": "531975", "display": "MDC_ID_PROD_SPEC_SW" }] },
            "value": APP_VERSION
        }],
    });
    if let Some(s) = subject {
        j["patient"] = json!({ "reference": s });
    }
    j
}

/// Names the gateway `eui64` on an Observation (`resource`), by its
/// identifier as `device` names the measuring device.
pub fn name_gateway(resource: &mut Json, eui64: &str) {
    let extension = json!({
        "url": GATEWAY_EXTENSION,
        "valueReference": { "identifier": { "system": EUI64_SYSTEM, "value": eui64 } }
    });
    match resource["extension"].as_array_mut() {
        Some(extensions) => extensions.push(extension),
        None => resource["extension"] = json!([extension]),
    }
}

/// The IEEE 11073-10101 device specialisation (the PHD guide's
/// `DeviceTypes11073MDC`) of a Bluetooth health service, where one is
/// defined for it.
fn specialisation(service: HealthService) -> Option<(&'static str, &'static str)> {
    Some(match service {
        HealthService::BloodPressure => ("528391", "MDC_DEV_SPEC_PROFILE_BP"),
        HealthService::PulseOximeter => ("528388", "MDC_DEV_SPEC_PROFILE_PULS_OXIM"),
        HealthService::HealthThermometer => ("528392", "MDC_DEV_SPEC_PROFILE_TEMP"),
        HealthService::WeightScale => ("528399", "MDC_DEV_SPEC_PROFILE_SCALE"),
        HealthService::Glucose => ("528401", "MDC_DEV_SPEC_PROFILE_GLUCOSE"),
        HealthService::BodyComposition | HealthService::HeartRate => return None,
    })
}

/// A paired device as a FHIR `Device`, identified as its Observations
/// name it in `device`: its type coded (an 11073 medical device system,
/// with its specialisation where the service has one), and the
/// manufacturer, model and serial number when the device told them.
pub fn device(d: &PairedDevice, subject: Option<&str>) -> Json {
    let mut j = json!({
        "resourceType": "Device",
        "identifier": [device_identifier(&d.id)],
        "status": "active",
        "deviceName": [{ "name": d.name, "type": "user-friendly-name" }],
        "type": {
            "coding": [{ "system": MDC, "code": "65573", "display": "MDC_MOC_VMS_MDS_SIMP" }],
            "text": format!("Bluetooth health service 0x{}", d.service.hex())
        },
    });
    if let Some((code, display)) = specialisation(d.service) {
        j["specialization"] =
            json!([{ "systemType": { "coding": [{ "system": MDC, "code": code, "display": display }] } }]);
    }
    for (field, value) in
        [("manufacturer", &d.info.manufacturer), ("modelNumber", &d.info.model), ("serialNumber", &d.info.serial)]
    {
        if let Some(value) = value {
            j[field] = json!(value);
        }
    }
    if let Some(s) = subject {
        j["patient"] = json!({ "reference": s });
    }
    j
}
