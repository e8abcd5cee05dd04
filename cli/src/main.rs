//! `heima-cli`: a thin command line over `heima-core` for support staff.
//!
//! `heima-cli decode <characteristic-uuid> <hex>` prints the decoded packet
//! as JSON (the same JSON for the same input every time). Bad input gives a
//! clear message on stderr and a non-zero exit code: 2 for a usage error,
//! 1 for a packet that does not decode.

use std::process::ExitCode;

use heima_core::gatt::{self, Characteristic};

const USAGE: &str = "usage: heima-cli decode <characteristic-uuid> <hex>

  <characteristic-uuid>  2A35, 0x2a35 or 00002a35-0000-1000-8000-00805f9b34fb
  <hex>                  the payload, e.g. 1e780050005d00ea070b17080100480002 or '1e 78 00 ...'

characteristics: 2A35 blood pressure, 2A36 intermediate cuff pressure, 2A1C temperature,
  2A9D weight, 2A9C body composition, 2A18 glucose, 2A34 glucose context, 2A52 record access
  control point, 2A5E PLX spot-check, 2A5F PLX continuous, 2A37 heart rate, 2A08 date time,
  2A2B current time";

/// Parses hex with optional spaces, colons, dashes or a `0x` prefix.
fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim();
    let text = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")).unwrap_or(text);
    let digits: String = text.chars().filter(|c| !matches!(c, ' ' | ':' | '-' | '_')).collect();
    hex::decode(&digits).map_err(|e| format!("'{text}' is not hex: {e}"))
}

fn run(args: &[String]) -> Result<String, (u8, String)> {
    let usage = |why: &str| (2, format!("{why}\n\n{USAGE}"));
    match args {
        [command, uuid, payload] if command == "decode" => {
            let characteristic = Characteristic::from_uuid(uuid).map_err(|e| usage(&e.to_string()))?;
            let bytes = parse_hex(payload).map_err(|e| usage(&e))?;
            let decoded = gatt::decode(characteristic, &bytes).map_err(|e| {
                (1, format!("cannot decode {} ({:#06X}): {e}", characteristic.uuid(), characteristic.short_uuid()))
            })?;
            Ok(serde_json::to_string_pretty(&decoded).expect("decoded values serialise"))
        }
        [flag] if flag == "--help" || flag == "-h" => Ok(USAGE.to_string()),
        _ => Err(usage("expected: decode <characteristic-uuid> <hex>")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err((code, message)) => {
            eprintln!("heima-cli: {message}");
            ExitCode::from(code)
        }
    }
}
