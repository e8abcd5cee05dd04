//! A cursor over a packet that names the field it reads, so a short packet
//! says which field was cut off.

use super::{
    date_time::{self, DateTime},
    ieee11073::{self, Value},
    DecodeError,
};

pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, offset: 0 }
    }

    pub(crate) fn take(&mut self, field: &'static str, needed: usize) -> Result<&'a [u8], DecodeError> {
        let available = self.bytes.len() - self.offset;
        if available < needed {
            return Err(DecodeError::TooShort { field, offset: self.offset, needed, available });
        }
        let slice = &self.bytes[self.offset..self.offset + needed];
        self.offset += needed;
        Ok(slice)
    }

    pub(crate) fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        Ok(self.take(field, 1)?[0])
    }

    pub(crate) fn u16(&mut self, field: &'static str) -> Result<u16, DecodeError> {
        let b = self.take(field, 2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn i16(&mut self, field: &'static str) -> Result<i16, DecodeError> {
        let b = self.take(field, 2)?;
        Ok(i16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn u24(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        let b = self.take(field, 3)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], 0]))
    }

    pub(crate) fn sfloat(&mut self, field: &'static str) -> Result<Value, DecodeError> {
        Ok(ieee11073::sfloat(self.u16(field)?))
    }

    pub(crate) fn float(&mut self, field: &'static str) -> Result<Value, DecodeError> {
        let b = self.take(field, 4)?;
        Ok(ieee11073::float(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
    }

    pub(crate) fn date_time(&mut self, field: &'static str) -> Result<DateTime, DecodeError> {
        date_time::parse_date_time(self.take(field, 7)?, field)
    }

    /// Reads a field only when its flag is set.
    pub(crate) fn optional<T>(
        &mut self,
        present: bool,
        read: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<Option<T>, DecodeError> {
        if present {
            read(self).map(Some)
        } else {
            Ok(None)
        }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.offset
    }

    /// Fails when bytes are left after the last announced field.
    pub(crate) fn finish(self) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(DecodeError::TrailingBytes { offset: self.offset, count }),
        }
    }
}

/// Whether bit `n` of `flags` is set.
pub(crate) fn bit(flags: u32, n: u32) -> bool {
    flags & (1 << n) != 0
}

/// Lists the names of the set bits, for status fields.
pub(crate) fn set_bits(value: u32, names: &[(u32, &'static str)]) -> Vec<&'static str> {
    names.iter().filter(|(n, _)| bit(value, *n)).map(|(_, name)| *name).collect()
}
