//! A simulated BlueZ at its D-Bus API: a private bus that stands for the
//! system bus (its address goes in `DBUS_SYSTEM_BUS_ADDRESS`), and on it
//! python-dbusmock's `bluez5` template extended with GATT
//! (`tests/bluez/heima_bluez.py`). Peripherals are the core's simulated
//! devices ([`SimulatedDevice`]) turned into the template's JSON, so the
//! real btleplug adapter receives the same byte-exact payloads the core's
//! simulator sends. BlueZ can be stopped and started again (the daemon
//! going away); the bus stays.

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use heima_core::devices::simulator::{SimulatedDevice, StoredRecord};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);
/// The adapter every test uses.
pub const ADAPTER: &str = "hci0";

/// The private bus with BlueZ on it; both end when dropped.
pub struct Bluez {
    bus: Child,
    mock: Option<Child>,
    /// The bus's address, for `DBUS_SYSTEM_BUS_ADDRESS`.
    pub address: String,
    log: tempfile::NamedTempFile,
}

fn template() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../bluez/heima_bluez.py")
}

impl Bluez {
    /// Starts the bus and BlueZ with one powered adapter.
    pub fn start() -> Bluez {
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (scripts/setup.sh installs dbus)");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap()).read_line(&mut address).unwrap();
        let log = tempfile::NamedTempFile::new().unwrap();
        let mut bluez = Bluez { bus, mock: None, address: address.trim().to_string(), log };
        bluez.start_daemon();
        bluez
    }

    /// Starts BlueZ (again) with one powered adapter and no devices.
    pub fn start_daemon(&mut self) {
        assert!(self.mock.is_none(), "BlueZ runs already");
        let mock = Command::new("/usr/bin/python3")
            .args(["-m", "dbusmock", "--system", "--template"])
            .arg(template())
            .arg("-l")
            .arg(self.log.path())
            .env("DBUS_SYSTEM_BUS_ADDRESS", &self.address)
            .stdout(Stdio::null())
            .spawn()
            .expect("python3-dbusmock (scripts/setup.sh installs it)");
        self.mock = Some(mock);
        let started = Instant::now();
        while !self.has_owner("org.bluez") {
            assert!(started.elapsed() < WAIT, "the simulated BlueZ did not come up");
            std::thread::sleep(Duration::from_millis(100));
        }
        self.call("AddAdapter", &[ADAPTER, "heima-test"]);
    }

    /// Stops BlueZ, as when the daemon goes away (its name leaves the bus).
    pub fn stop_daemon(&mut self) {
        if let Some(mut mock) = self.mock.take() {
            let _ = mock.kill();
            let _ = mock.wait();
        }
        let started = Instant::now();
        while self.has_owner("org.bluez") {
            assert!(started.elapsed() < WAIT, "BlueZ did not leave the bus");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn has_owner(&self, name: &str) -> bool {
        let out = self.dbus_send(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &[name],
        );
        out.contains("boolean true")
    }

    fn dbus_send(&self, dest: &str, path: &str, method: &str, args: &[&str]) -> String {
        let out = Command::new("dbus-send")
            .args(["--system", "--print-reply", &format!("--dest={dest}"), path, method])
            .args(args.iter().map(|a| format!("string:{a}")))
            .env("DBUS_SYSTEM_BUS_ADDRESS", &self.address)
            .output()
            .expect("dbus-send");
        assert!(
            out.status.success() || method.ends_with("NameHasOwner"),
            "{method}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A method of the template's `org.bluez.Mock` with string arguments.
    fn call(&self, method: &str, args: &[&str]) -> String {
        self.dbus_send("org.bluez", "/", &format!("org.bluez.Mock.{method}"), args)
    }

    /// Adds a peripheral at `address`; returns its object path.
    pub fn add_device(&self, address: &str, device: &SimulatedDevice) -> String {
        let out = self.call("AddHealthDevice", &[ADAPTER, &spec(address, device).to_string()]);
        out.lines().find_map(|l| l.trim().strip_prefix("string \"")).expect("a path").trim_end_matches('"').into()
    }

    /// Adds a peripheral given as the template's JSON (see its module).
    pub fn add_device_json(&self, spec: &Value) -> String {
        let out = self.call("AddHealthDevice", &[ADAPTER, &spec.to_string()]);
        out.lines().find_map(|l| l.trim().strip_prefix("string \"")).expect("a path").trim_end_matches('"').into()
    }

    /// Records a peripheral took while away from the tablet.
    pub fn add_stored(&self, path: &str, records: &[StoredRecord]) {
        self.call(
            "AddStoredRecords",
            &[path, &Value::from(records.iter().map(record).collect::<Vec<_>>()).to_string()],
        );
    }

    /// Values a peripheral sends once its notifications are on (a new
    /// reading taken on the device): (characteristic, bytes).
    pub fn add_live(&self, path: &str, values: &[(u16, Vec<u8>)]) {
        let values: Vec<Value> =
            values.iter().map(|(c, b)| json!({ "characteristic": format!("{c:04x}"), "bytes": hex(b) })).collect();
        self.call("AddLiveValues", &[path, &Value::from(values).to_string()]);
    }

    /// Switches the adapter on or off, as the tablet's Bluetooth setting does.
    pub fn set_powered(&self, on: bool) {
        let out = Command::new("dbus-send")
            .args(["--system", "--print-reply", "--dest=org.bluez", "/", "org.bluez.Mock.SetPowered"])
            .arg(format!("string:{ADAPTER}"))
            .arg(format!("boolean:{on}"))
            .env("DBUS_SYSTEM_BUS_ADDRESS", &self.address)
            .output()
            .expect("dbus-send");
        assert!(out.status.success(), "SetPowered: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// What the simulated BlueZ was asked, in order (dbusmock's log).
    pub fn calls(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }
}

impl Drop for Bluez {
    fn drop(&mut self) {
        if let Some(mut mock) = self.mock.take() {
            let _ = mock.kill();
            let _ = mock.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn record(r: &StoredRecord) -> Value {
    json!({ "sequence": r.sequence, "characteristic": format!("{:04x}", r.characteristic), "bytes": hex(&r.bytes) })
}

/// The service a characteristic sits in on a real device: battery, device
/// information and current time in their own services, the rest (the
/// measurement, its context, RACP) in the device's health service.
fn service_of(characteristic: u16, device: &SimulatedDevice) -> u16 {
    match characteristic {
        0x2A19 => 0x180F,
        0x2A23..=0x2A29 | 0x2A50 => 0x180A,
        0x2A2B => 0x1805,
        _ => device.services.first().copied().unwrap_or(0x1800),
    }
}

/// Its properties as a real device gives them.
fn flags_of(characteristic: u16, device: &SimulatedDevice) -> Vec<&'static str> {
    match characteristic {
        // Measurements that are confirmed (indications) by their profiles.
        0x2A35 | 0x2A9D | 0x2A1C | 0x2A5E => vec!["indicate"],
        // Streams and glucose records (notifications).
        0x2A18 | 0x2A34 | 0x2A5F | 0x2A37 => vec!["notify"],
        0x2A52 => vec!["write", "indicate"],
        0x2A19 => vec!["read", "notify"],
        0x2A2B if device.clock_writable => vec!["read", "write", "notify"],
        0x2A2B => vec!["read", "notify"],
        _ => vec!["read"],
    }
}

/// A simulated device as the template's JSON, at `address`.
pub fn spec(address: &str, device: &SimulatedDevice) -> Value {
    let mut reads = serde_json::Map::new();
    if let Some(b) = device.battery_percent {
        reads.insert("2a19".into(), hex(&[b]).into());
    }
    if let Some(t) = &device.current_time {
        reads.insert("2a2b".into(), hex(t).into());
    }
    for (c, bytes) in &device.information {
        reads.insert(format!("{c:04x}"), hex(bytes).into());
    }
    json!({
        "address": address,
        "name": device.name,
        "rssi": -55,
        "advertised": device.services.iter().map(|s| format!("{s:04x}")).collect::<Vec<_>>(),
        "characteristics": device.characteristics.iter().map(|c| json!({
            "uuid": format!("{c:04x}"),
            "service": format!("{:04x}", service_of(*c, device)),
            "flags": flags_of(*c, device),
        })).collect::<Vec<_>>(),
        "reads": reads,
        "live": device.live.iter().map(|n| json!({
            "characteristic": format!("{:04x}", n.characteristic), "bytes": hex(&n.bytes)
        })).collect::<Vec<_>>(),
        "stored": device.stored.iter().map(record).collect::<Vec<_>>(),
        "disconnect_after": device.disconnect_after,
    })
}
