//! IEEE-11073-20601 SFLOAT (16 bit) and FLOAT (32 bit) as the health
//! profiles carry them, with every special value, keeping the precision the
//! device sent: `0xF014` is 20 × 10⁻¹, shown as `2.0`, not `2`.

use serde::{Serialize, Serializer};

pub use crate::vocabulary::{Decimal, Special};

/// A field that is either a number or a special "absent" value. Absent is
/// never turned into a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    Number(Decimal),
    Absent(Special),
}

impl From<Value> for crate::vocabulary::ComponentValue {
    fn from(v: Value) -> Self {
        match v {
            Value::Number(d) => crate::vocabulary::ComponentValue::Value(d),
            Value::Absent(s) => crate::vocabulary::ComponentValue::Absent(s),
        }
    }
}

impl Value {
    pub fn number(self) -> Option<Decimal> {
        match self {
            Value::Number(d) => Some(d),
            Value::Absent(_) => None,
        }
    }

    pub fn map(self, f: impl FnOnce(Decimal) -> Decimal) -> Value {
        match self {
            Value::Number(d) => Value::Number(f(d)),
            absent => absent,
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Number(d) => d.serialize(s),
            Value::Absent(special) => {
                use serde::ser::SerializeMap;
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("absent", special)?;
                map.end()
            }
        }
    }
}

/// Decodes an SFLOAT: a signed 4-bit exponent over a signed 12-bit mantissa.
pub fn sfloat(raw: u16) -> Value {
    match raw {
        0x07FF => Value::Absent(Special::Nan),
        0x0800 => Value::Absent(Special::Nres),
        0x07FE => Value::Absent(Special::PositiveInfinity),
        0x0802 => Value::Absent(Special::NegativeInfinity),
        0x0801 => Value::Absent(Special::Reserved),
        _ => {
            let exponent = ((raw as i16) >> 12) as i8;
            let mantissa = (((raw << 4) as i16) >> 4) as i32;
            Value::Number(Decimal { mantissa, exponent })
        }
    }
}

/// Decodes a FLOAT: a signed 8-bit exponent over a signed 24-bit mantissa.
pub fn float(raw: u32) -> Value {
    match raw {
        0x007F_FFFF => Value::Absent(Special::Nan),
        0x0080_0000 => Value::Absent(Special::Nres),
        0x007F_FFFE => Value::Absent(Special::PositiveInfinity),
        0x0080_0002 => Value::Absent(Special::NegativeInfinity),
        0x0080_0001 => Value::Absent(Special::Reserved),
        _ => {
            let exponent = (raw >> 24) as u8 as i8;
            let mantissa = ((raw << 8) as i32) >> 8;
            Value::Number(Decimal { mantissa, exponent })
        }
    }
}

/// Encodes an SFLOAT (for simulated devices and tests). `None` when the
/// value does not fit or would collide with a special value.
pub fn encode_sfloat(value: Decimal) -> Option<u16> {
    if !(-8..=7).contains(&value.exponent) || !(-2045..=2045).contains(&value.mantissa) {
        return None;
    }
    Some(((value.exponent as u16 & 0x0F) << 12) | (value.mantissa as u16 & 0x0FFF))
}

/// Encodes a FLOAT; `None` when the mantissa does not fit.
pub fn encode_float(value: Decimal) -> Option<u32> {
    if !(-8_388_606..=8_388_605).contains(&value.mantissa) {
        return None;
    }
    Some(((value.exponent as u8 as u32) << 24) | (value.mantissa as u32 & 0x00FF_FFFF))
}

/// Encodes a special SFLOAT value.
pub fn encode_sfloat_special(special: Special) -> u16 {
    match special {
        Special::Nan => 0x07FF,
        Special::Nres => 0x0800,
        Special::PositiveInfinity => 0x07FE,
        Special::NegativeInfinity => 0x0802,
        Special::Reserved => 0x0801,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(mantissa: i32, exponent: i8) -> Value {
        Value::Number(Decimal::new(mantissa, exponent))
    }

    #[test]
    fn sfloat_table() {
        // (raw, expected, text)
        let cases: &[(u16, Value, &str)] = &[
            (0xF014, n(20, -1), "2.0"),
            (0x0078, n(120, 0), "120"),
            (0x0000, n(0, 0), "0"),
            (0xF4D3, n(1235, -1), "123.5"),
            (0xEFFF, n(-1, -2), "-0.01"),
            (0x1002, n(2, 1), "20"),
            (0x7001, n(1, 7), "10000000"),
            (0x8001, n(1, -8), "0.00000001"),
            (0x07FD, n(2045, 0), "2045"),
            (0x0803, n(-2045, 0), "-2045"),
            (0xF7FF, n(2047, -1), "204.7"),
            (0xF800, n(-2048, -1), "-204.8"),
            (0x0FFF, n(-1, 0), "-1"),
        ];
        for &(raw, expected, text) in cases {
            let got = sfloat(raw);
            assert_eq!(got, expected, "{raw:#06x}");
            assert_eq!(got.number().unwrap().to_string(), text, "{raw:#06x}");
        }
    }

    #[test]
    fn sfloat_specials_are_absent_never_numbers() {
        for (raw, special) in [
            (0x07FF, Special::Nan),
            (0x0800, Special::Nres),
            (0x07FE, Special::PositiveInfinity),
            (0x0802, Special::NegativeInfinity),
            (0x0801, Special::Reserved),
        ] {
            assert_eq!(sfloat(raw), Value::Absent(special), "{raw:#06x}");
            assert_eq!(encode_sfloat_special(special), raw);
        }
        // 2047 with exponent 0 is NaN, not 2047 (complaint no. 6).
        assert_eq!(sfloat(0x07FF).number(), None);
    }

    #[test]
    fn float_table() {
        let cases: &[(u32, Value, &str)] = &[
            (0xFF00_0170, n(368, -1), "36.8"),
            (0xFE00_0E4D, n(3661, -2), "36.61"),
            (0x0000_0064, n(100, 0), "100"),
            (0xFFFF_FFFF, n(-1, -1), "-0.1"),
            (0x0100_0001, n(1, 1), "10"),
            (0x80FF_FFFF, n(-1, -128), ""),
        ];
        for &(raw, expected, text) in cases {
            let got = float(raw);
            assert_eq!(got, expected, "{raw:#010x}");
            if !text.is_empty() {
                assert_eq!(got.number().unwrap().to_string(), text);
            }
        }
        for (raw, special) in [
            (0x007F_FFFF, Special::Nan),
            (0x0080_0000, Special::Nres),
            (0x007F_FFFE, Special::PositiveInfinity),
            (0x0080_0002, Special::NegativeInfinity),
            (0x0080_0001, Special::Reserved),
        ] {
            assert_eq!(float(raw), Value::Absent(special), "{raw:#010x}");
        }
    }

    #[test]
    fn encoders_round_trip() {
        for raw in 0..=u16::MAX {
            if let Value::Number(d) = sfloat(raw) {
                if let Some(back) = encode_sfloat(d) {
                    assert_eq!(sfloat(back), Value::Number(d));
                }
            }
        }
        for d in [Decimal::new(368, -1), Decimal::new(-5, 3), Decimal::new(8_388_605, -128)] {
            assert_eq!(float(encode_float(d).unwrap()), Value::Number(d));
        }
        assert_eq!(encode_sfloat(Decimal::new(2047, 0)), None);
    }

    #[test]
    fn to_f64_and_scale() {
        assert_eq!(Decimal::new(368, -1).to_f64(), 36.8);
        assert_eq!(Decimal::new(55, -4).scale(3).to_string(), "5.5");
        assert_eq!(Decimal::new(55, -4).scale(3).to_f64(), 5.5);
        assert_eq!(Decimal::new(12, 2).to_f64(), 1200.0);
        assert_eq!(Decimal::new(20, -1).decimals(), 1);
    }

    #[test]
    fn parses_back_exactly() {
        for text in ["2.0", "120", "-0.05", "36.80", "0", "0.005"] {
            assert_eq!(text.parse::<Decimal>().unwrap().to_string(), text);
        }
        assert_eq!("2.0".parse::<Decimal>().unwrap(), Decimal::new(20, -1));
        for bad in ["", "-", "1.", ".5", "1e3", "1,5", "x", "99999999999"] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad}");
        }
    }

    #[test]
    fn serialises_exactly() {
        assert_eq!(serde_json::to_string(&n(20, -1)).unwrap(), "\"2.0\"");
        assert_eq!(serde_json::to_string(&Value::Absent(Special::Nan)).unwrap(), "{\"absent\":\"nan\"}");
    }
}
