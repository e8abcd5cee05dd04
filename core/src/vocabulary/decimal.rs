//! Exact decimal numbers as devices and people give them ([`Decimal`]), and
//! the reasons a value can be absent ([`Special`]). Shared by the decoders,
//! the store, FHIR and manual entry; `0xF014` is 20 × 10⁻¹, shown as `2.0`,
//! not `2`.

use std::fmt;

use serde::{Serialize, Serializer};

/// An exact decimal `mantissa × 10^exponent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    pub mantissa: i32,
    pub exponent: i8,
}

impl Decimal {
    pub const fn new(mantissa: i32, exponent: i8) -> Decimal {
        Decimal { mantissa, exponent }
    }

    /// The nearest `f64` (correctly rounded for the exponents the profiles use).
    pub fn to_f64(self) -> f64 {
        let m = f64::from(self.mantissa);
        let e = i32::from(self.exponent);
        if e >= 0 {
            m * 10f64.powi(e)
        } else if e >= -22 {
            // 10^k is exact for k <= 22, so this is one correctly rounded division.
            m / 10f64.powi(-e)
        } else {
            m * 10f64.powi(e)
        }
    }

    /// The same value with the decimal point moved: `scale(3)` turns mol/L
    /// into mmol/L without losing a digit.
    pub fn scale(self, by: i8) -> Decimal {
        Decimal { mantissa: self.mantissa, exponent: self.exponent.saturating_add(by) }
    }

    /// Number of digits after the decimal point as sent.
    pub fn decimals(self) -> u32 {
        if self.exponent < 0 {
            u32::from(self.exponent.unsigned_abs())
        } else {
            0
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.mantissa < 0 { "-" } else { "" };
        let digits = self.mantissa.unsigned_abs().to_string();
        if self.exponent >= 0 {
            write!(f, "{sign}{digits}{}", "0".repeat(self.exponent as usize))
        } else {
            let decimals = usize::from(self.exponent.unsigned_abs());
            let padded = format!("{digits:0>width$}", width = decimals + 1);
            let (int, frac) = padded.split_at(padded.len() - decimals);
            write!(f, "{sign}{int}.{frac}")
        }
    }
}

impl std::str::FromStr for Decimal {
    type Err = String;

    /// Parses `120`, `-0.05` or `36.80` exactly, keeping trailing zeros.
    fn from_str(text: &str) -> Result<Decimal, String> {
        let bad = || format!("{text:?} is not a decimal number");
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if digits.contains('.') && frac.is_empty() {
            return Err(bad());
        }
        let exponent = i8::try_from(frac.len()).map_err(|_| bad())?;
        let magnitude: i64 = format!("{int}{frac}").parse().map_err(|_| bad())?;
        let mantissa = i32::try_from(if negative { -magnitude } else { magnitude }).map_err(|_| bad())?;
        Ok(Decimal { mantissa, exponent: -exponent })
    }
}

impl<'de> serde::Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The IEEE-11073 values that are not numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Special {
    /// Not a number: the device has no valid value.
    Nan,
    /// Not at this resolution: the value cannot be represented.
    Nres,
    PositiveInfinity,
    NegativeInfinity,
    /// Reserved for future use by the standard.
    Reserved,
}
