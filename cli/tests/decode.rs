//! Runs the real `heima-cli` binary: golden JSON for good packets, the same
//! output every time, and clear failures for bad input.

use std::process::Command;

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_heima-cli")).args(args).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn blood_pressure_golden_json() {
    let (code, out, err) = cli(&["decode", "2A35", "1e 78 00 50 00 5d 00 ea 07 0b 17 08 01 1e 48 00 02 00 00"]);
    assert_eq!(code, 0, "{err}");
    let expected = r#"{
  "characteristic": "blood-pressure-measurement",
  "unit": "mm-hg",
  "systolic": "120",
  "diastolic": "80",
  "mean_arterial_pressure": "93",
  "time_stamp": {
    "year": 2026,
    "month": 11,
    "day": 23,
    "hours": 8,
    "minutes": 1,
    "seconds": 30
  },
  "pulse_rate": "72",
  "user_id": 2,
  "status": {
    "body_movement": false,
    "cuff_too_loose": false,
    "irregular_pulse": false,
    "pulse_rate_range": "within-range",
    "improper_position": false
  }
}
"#;
    assert_eq!(out, expected);
}

#[test]
fn same_input_same_output_in_every_spelling() {
    let runs = [
        cli(&["decode", "0x2a1c", "06700100ffea070b17072d0006"]),
        cli(&["decode", "00002a1c-0000-1000-8000-00805f9b34fb", "0x06:70:01:00:ff:ea:07:0b:17:07:2d:00:06"]),
        cli(&["decode", "2A1C", "06 70 01 00 FF EA 07 0B 17 07 2D 00 06"]),
    ];
    for run in &runs {
        assert_eq!(run.0, 0, "{}", run.2);
        assert_eq!(run.1, runs[0].1);
    }
    assert!(runs[0].1.contains("\"value\": \"36.8\""), "{}", runs[0].1);
    assert!(runs[0].1.contains("\"temperature_type\": \"mouth\""));
}

#[test]
fn nan_is_absent_in_json() {
    let (code, out, _) = cli(&["decode", "2A5E", "00 ff 07 ff 07"]);
    assert_eq!(code, 0);
    assert!(out.contains("\"spo2\": {\n      \"absent\": \"nan\"\n    }"), "{out}");
}

#[test]
fn bad_input_fails_clearly() {
    // (args, exit code, text the message must contain)
    let cases: &[(&[&str], i32, &str)] = &[
        (&["decode", "2A35", "1e7800"], 1, "packet too short: diastolic needs 2 byte(s) at offset 3, only 0 left"),
        (&["decode", "2A35", "0078005000"], 1, "mean arterial pressure"),
        (&["decode", "2A9D", "00ffff"], 1, "measurement as unsuccessful"),
        (&["decode", "2A08", "ea070d0100000000"], 1, "invalid value 13"),
        (&["decode", "2A08", "ea070b170000000000"], 1, "unexpected byte(s)"),
        (&["decode", "2A00", "00"], 2, "unknown characteristic 2A00"),
        (&["decode", "2A35", "zz"], 2, "is not hex"),
        (&["decode", "2A35", "123"], 2, "is not hex"),
        (&["decode", "2A35"], 2, "usage: heima-cli decode"),
        (&[], 2, "usage: heima-cli decode"),
    ];
    for (args, code, needle) in cases {
        let (got, out, err) = cli(args);
        assert_eq!(got, *code, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?} printed {out}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}
