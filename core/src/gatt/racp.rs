//! Record Access Control Point (0x2A52): requests the tablet writes and the
//! responses the device indicates. Both directions decode, and requests
//! encode, so the simulator and the session speak the same bytes.
//!
//! Layout: op code (u8), operator (u8), operand (rest). Filter operands
//! start with a filter type: 0x01 sequence number (u16 values) or 0x02
//! user-facing time (7-byte Date Time values).

use serde::Serialize;

use super::{reader::Reader, time::DateTime, DecodeError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OpCode {
    ReportStoredRecords = 1,
    DeleteStoredRecords = 2,
    AbortOperation = 3,
    ReportNumberOfStoredRecords = 4,
    NumberOfStoredRecordsResponse = 5,
    ResponseCode = 6,
}

/// Which records a request covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "operator", rename_all = "kebab-case")]
pub enum Selection {
    AllRecords,
    LessThanOrEqual { bound: Filter },
    GreaterThanOrEqual { bound: Filter },
    WithinRange { from: Filter, to: Filter },
    FirstRecord,
    LastRecord,
}

/// One filter value with its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "filter", content = "value", rename_all = "kebab-case")]
pub enum Filter {
    SequenceNumber(u16),
    UserFacingTime(DateTime),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResponseValue {
    Success = 1,
    OpCodeNotSupported = 2,
    InvalidOperator = 3,
    OperatorNotSupported = 4,
    InvalidOperand = 5,
    NoRecordsFound = 6,
    AbortUnsuccessful = 7,
    ProcedureNotCompleted = 8,
    OperandNotSupported = 9,
}

/// A message on the control point, in either direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum RacpMessage {
    ReportStoredRecords { selection: Selection },
    DeleteStoredRecords { selection: Selection },
    ReportNumberOfStoredRecords { selection: Selection },
    AbortOperation,
    NumberOfStoredRecords { count: u16 },
    Response { request: OpCode, value: ResponseValue },
}

impl RacpMessage {
    /// "Send me every record after `last_seen`": RACP has no "greater
    /// than", so this asks for ≥ `last_seen + 1`, or for all records when
    /// nothing has been seen yet. `None` when `last_seen` is the largest
    /// sequence number (nothing newer can exist).
    pub fn report_after(last_seen: Option<u16>) -> Option<RacpMessage> {
        let selection = match last_seen {
            None => Selection::AllRecords,
            Some(n) => Selection::GreaterThanOrEqual { bound: Filter::SequenceNumber(n.checked_add(1)?) },
        };
        Some(RacpMessage::ReportStoredRecords { selection })
    }

    /// The bytes to write to (or indicate on) the control point.
    pub fn encode(&self) -> Vec<u8> {
        fn selection(op: OpCode, s: &Selection) -> Vec<u8> {
            let mut out = vec![op as u8];
            let filter = |out: &mut Vec<u8>, f: &Filter| match f {
                Filter::SequenceNumber(n) => out.extend(n.to_le_bytes()),
                Filter::UserFacingTime(t) => out.extend(t.encode()),
            };
            let filter_type = |f: &Filter| match f {
                Filter::SequenceNumber(_) => 0x01,
                Filter::UserFacingTime(_) => 0x02,
            };
            match s {
                Selection::AllRecords => out.push(1),
                Selection::LessThanOrEqual { bound } => {
                    out.extend([2, filter_type(bound)]);
                    filter(&mut out, bound);
                }
                Selection::GreaterThanOrEqual { bound } => {
                    out.extend([3, filter_type(bound)]);
                    filter(&mut out, bound);
                }
                Selection::WithinRange { from, to } => {
                    out.extend([4, filter_type(from)]);
                    filter(&mut out, from);
                    filter(&mut out, to);
                }
                Selection::FirstRecord => out.push(5),
                Selection::LastRecord => out.push(6),
            }
            out
        }
        match self {
            RacpMessage::ReportStoredRecords { selection: s } => selection(OpCode::ReportStoredRecords, s),
            RacpMessage::DeleteStoredRecords { selection: s } => selection(OpCode::DeleteStoredRecords, s),
            RacpMessage::ReportNumberOfStoredRecords { selection: s } => {
                selection(OpCode::ReportNumberOfStoredRecords, s)
            }
            RacpMessage::AbortOperation => vec![OpCode::AbortOperation as u8, 0],
            RacpMessage::NumberOfStoredRecords { count } => {
                let c = count.to_le_bytes();
                vec![OpCode::NumberOfStoredRecordsResponse as u8, 0, c[0], c[1]]
            }
            RacpMessage::Response { request, value } => {
                vec![OpCode::ResponseCode as u8, 0, *request as u8, *value as u8]
            }
        }
    }
}

fn op_code(value: u8, field: &'static str) -> Result<OpCode, DecodeError> {
    use OpCode::*;
    Ok(match value {
        1 => ReportStoredRecords,
        2 => DeleteStoredRecords,
        3 => AbortOperation,
        4 => ReportNumberOfStoredRecords,
        5 => NumberOfStoredRecordsResponse,
        6 => ResponseCode,
        _ => return Err(DecodeError::InvalidValue { field, value: value.into() }),
    })
}

fn filter(r: &mut Reader<'_>, filter_type: u8) -> Result<Filter, DecodeError> {
    match filter_type {
        0x01 => Ok(Filter::SequenceNumber(r.u16("sequence number")?)),
        0x02 => Ok(Filter::UserFacingTime(r.date_time("user facing time")?)),
        other => Err(DecodeError::InvalidValue { field: "filter type", value: other.into() }),
    }
}

fn selection(r: &mut Reader<'_>, operator: u8) -> Result<Selection, DecodeError> {
    Ok(match operator {
        1 => Selection::AllRecords,
        2 | 3 => {
            let filter_type = r.u8("filter type")?;
            let bound = filter(r, filter_type)?;
            if operator == 2 {
                Selection::LessThanOrEqual { bound }
            } else {
                Selection::GreaterThanOrEqual { bound }
            }
        }
        4 => {
            let filter_type = r.u8("filter type")?;
            Selection::WithinRange { from: filter(r, filter_type)?, to: filter(r, filter_type)? }
        }
        5 => Selection::FirstRecord,
        6 => Selection::LastRecord,
        other => return Err(DecodeError::InvalidValue { field: "operator", value: other.into() }),
    })
}

fn expect_null_operator(operator: u8) -> Result<(), DecodeError> {
    if operator == 0 {
        Ok(())
    } else {
        Err(DecodeError::InvalidValue { field: "operator", value: operator.into() })
    }
}

/// Decodes a control point message.
pub fn decode(bytes: &[u8]) -> Result<RacpMessage, DecodeError> {
    let mut r = Reader::new(bytes);
    let op = op_code(r.u8("op code")?, "op code")?;
    let operator = r.u8("operator")?;
    let message = match op {
        OpCode::ReportStoredRecords => RacpMessage::ReportStoredRecords { selection: selection(&mut r, operator)? },
        OpCode::DeleteStoredRecords => RacpMessage::DeleteStoredRecords { selection: selection(&mut r, operator)? },
        OpCode::ReportNumberOfStoredRecords => {
            RacpMessage::ReportNumberOfStoredRecords { selection: selection(&mut r, operator)? }
        }
        OpCode::AbortOperation => {
            expect_null_operator(operator)?;
            RacpMessage::AbortOperation
        }
        OpCode::NumberOfStoredRecordsResponse => {
            expect_null_operator(operator)?;
            RacpMessage::NumberOfStoredRecords { count: r.u16("number of records")? }
        }
        OpCode::ResponseCode => {
            expect_null_operator(operator)?;
            let request = op_code(r.u8("request op code")?, "request op code")?;
            let code = r.u8("response code value")?;
            use ResponseValue::*;
            let value = match code {
                1 => Success,
                2 => OpCodeNotSupported,
                3 => InvalidOperator,
                4 => OperatorNotSupported,
                5 => InvalidOperand,
                6 => NoRecordsFound,
                7 => AbortUnsuccessful,
                8 => ProcedureNotCompleted,
                9 => OperandNotSupported,
                _ => return Err(DecodeError::InvalidValue { field: "response code value", value: code.into() }),
            };
            RacpMessage::Response { request, value }
        }
    };
    r.finish()?;
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (bytes, message): both directions, from the Glucose Profile's examples.
    fn table() -> Vec<(Vec<u8>, RacpMessage)> {
        let t = DateTime { year: Some(2026), month: Some(11), day: Some(23), hours: 6, minutes: 0, seconds: 0 };
        let seq = Filter::SequenceNumber;
        vec![
            (vec![1, 1], RacpMessage::ReportStoredRecords { selection: Selection::AllRecords }),
            (
                vec![1, 3, 1, 0x2B, 0x00],
                RacpMessage::ReportStoredRecords { selection: Selection::GreaterThanOrEqual { bound: seq(43) } },
            ),
            (
                vec![1, 2, 1, 0x10, 0x00],
                RacpMessage::ReportStoredRecords { selection: Selection::LessThanOrEqual { bound: seq(16) } },
            ),
            (
                vec![1, 4, 1, 0x01, 0x00, 0x0A, 0x00],
                RacpMessage::ReportStoredRecords { selection: Selection::WithinRange { from: seq(1), to: seq(10) } },
            ),
            (
                vec![1, 3, 2, 0xEA, 0x07, 11, 23, 6, 0, 0],
                RacpMessage::ReportStoredRecords {
                    selection: Selection::GreaterThanOrEqual { bound: Filter::UserFacingTime(t) },
                },
            ),
            (vec![1, 5], RacpMessage::ReportStoredRecords { selection: Selection::FirstRecord }),
            (vec![1, 6], RacpMessage::ReportStoredRecords { selection: Selection::LastRecord }),
            (vec![2, 1], RacpMessage::DeleteStoredRecords { selection: Selection::AllRecords }),
            (vec![4, 1], RacpMessage::ReportNumberOfStoredRecords { selection: Selection::AllRecords }),
            (vec![3, 0], RacpMessage::AbortOperation),
            (vec![5, 0, 0x0C, 0x00], RacpMessage::NumberOfStoredRecords { count: 12 }),
            (
                vec![6, 0, 1, 1],
                RacpMessage::Response { request: OpCode::ReportStoredRecords, value: ResponseValue::Success },
            ),
            (
                vec![6, 0, 1, 6],
                RacpMessage::Response { request: OpCode::ReportStoredRecords, value: ResponseValue::NoRecordsFound },
            ),
            (
                vec![6, 0, 3, 7],
                RacpMessage::Response { request: OpCode::AbortOperation, value: ResponseValue::AbortUnsuccessful },
            ),
            (
                vec![6, 0, 1, 9],
                RacpMessage::Response {
                    request: OpCode::ReportStoredRecords,
                    value: ResponseValue::OperandNotSupported,
                },
            ),
        ]
    }

    #[test]
    fn decode_and_encode_round_trip() {
        for (bytes, message) in table() {
            assert_eq!(decode(&bytes).unwrap(), message, "{bytes:02x?}");
            assert_eq!(message.encode(), bytes, "{message:?}");
            crate::gatt::assert_exact_length(decode, &bytes);
        }
    }

    #[test]
    fn invalid_fields_are_named() {
        let cases: &[(&[u8], &str, u32)] = &[
            (&[0, 1], "op code", 0),
            (&[7, 1], "op code", 7),
            (&[1, 0], "operator", 0),
            (&[1, 7], "operator", 7),
            (&[1, 3, 3, 0, 0], "filter type", 3),
            (&[3, 1], "operator", 1),
            (&[6, 0, 9, 1], "request op code", 9),
            (&[6, 0, 1, 0], "response code value", 0),
            (&[6, 0, 1, 10], "response code value", 10),
        ];
        for (bytes, field, value) in cases {
            assert_eq!(decode(bytes).unwrap_err(), DecodeError::InvalidValue { field, value: *value }, "{bytes:02x?}");
        }
    }

    #[test]
    fn report_after_last_seen() {
        assert_eq!(RacpMessage::report_after(None).unwrap().encode(), vec![1, 1]);
        assert_eq!(RacpMessage::report_after(Some(42)).unwrap().encode(), vec![1, 3, 1, 43, 0]);
        assert_eq!(RacpMessage::report_after(Some(u16::MAX)), None);
    }
}
