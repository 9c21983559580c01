//! Reading CSV (RFC 4180: commas, `"` quoting with `""` inside, CRLF, LF or CR line ends,
//! a UTF-8 byte-order mark skipped) with `csv-core`, a state machine that never fails and
//! never allocates: every buffer here is ours, and bounded.
//!
//! A file is checked whole before anything is written ([`count_rows`]): its size first,
//! then its row count from a scan that copies nothing. [`Records`] then reads one record
//! at a time into buffers that grow to [`Limits::max_record_bytes`] and no further; a
//! record past a bound (or not UTF-8) is skipped to its end and reported as that row's
//! error, so one bad row never stops the others. Empty lines are not records.

use crate::error::{Result, ScimError};
use alloc::format;
use alloc::vec;
use alloc::vec::Vec;
use csv_core::{ReadRecordResult, Reader};

/// The bounds on one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest file, in bytes.
    pub max_bytes: usize,
    /// The most data rows (the header row not counted).
    pub max_rows: usize,
    /// The longest cell, in bytes (a group's `User Members` is the long one).
    pub max_field_bytes: usize,
    /// The longest record, all its cells together, in bytes.
    pub max_record_bytes: usize,
    /// The most cells in one record.
    pub max_fields: usize,
}

/// Identity domains' bounds on an import file: 100,000 rows and 52 MB (read as MiB, the
/// larger), and ours on cells and records, far above any real row.
pub const LIMITS: Limits = Limits {
    max_bytes: 52 * 1024 * 1024,
    max_rows: 100_000,
    max_field_bytes: 1024 * 1024,
    max_record_bytes: 4 * 1024 * 1024,
    max_fields: 1024,
};

/// Checks a file's size, then counts its data rows (records after the header) with a scan
/// that copies nothing, stopping as soon as there are too many. Errors are 413s naming the
/// bound; nothing has been read into memory.
pub fn count_rows(data: &[u8], limits: &Limits) -> Result<usize> {
    if data.len() > limits.max_bytes {
        return Err(ScimError::new(
            413,
            None,
            format!(
                "the file is {} bytes; a CSV import takes at most {} bytes (52 MB)",
                data.len(),
                limits.max_bytes
            ),
        ));
    }
    let mut reader = Reader::new();
    let (mut out, mut ends) = ([0u8; 4096], [0usize; 64]);
    let mut records = 0usize;
    let mut pos = 0usize;
    loop {
        let input = data.get(pos..).unwrap_or_default();
        let (res, nin, _, _) = reader.read_record(input, &mut out, &mut ends);
        pos += nin;
        match res {
            ReadRecordResult::Record => {
                records += 1;
                // The header, then at most `max_rows` rows.
                if records > limits.max_rows.saturating_add(1) {
                    return Err(ScimError::new(
                        413,
                        None,
                        format!(
                            "the file has more than {} rows; a CSV import takes at most {} \
                             (the header row not counted)",
                            limits.max_rows, limits.max_rows
                        ),
                    ));
                }
            }
            ReadRecordResult::End => return Ok(records.saturating_sub(1)),
            ReadRecordResult::InputEmpty
            | ReadRecordResult::OutputFull
            | ReadRecordResult::OutputEndsFull => {
                if nin == 0 && !input.is_empty() {
                    // csv-core always consumes input it is given room for; this is only a
                    // guarantee that no input can make this loop spin.
                    return Err(ScimError::invalid_syntax("the CSV reader made no progress"));
                }
            }
        }
    }
}

/// One record's cells, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'r> {
    cells: Vec<&'r str>,
}

impl<'r> Record<'r> {
    /// The cell at `index`; a record shorter than the header reads as empty cells.
    pub fn get(&self, index: usize) -> &'r str {
        self.cells.get(index).copied().unwrap_or("")
    }

    /// How many cells the record has.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether the record has no cells (never, for a record csv-core reports).
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Whether every cell is empty: a spreadsheet's trailing row of commas. (A cell of
    /// spaces is a value, which an export writes and an import must read back.)
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.is_empty())
    }

    /// The cells, in order.
    pub fn cells(&self) -> &[&'r str] {
        &self.cells
    }
}

/// The records of a file, read one at a time from a byte offset.
#[derive(Debug, Clone)]
pub struct Records<'a> {
    data: &'a [u8],
    /// Where the next record starts.
    pos: usize,
    /// The next record's number: 0 is the header, data rows count from 1.
    next: usize,
    reader: Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    limits: Limits,
}

impl<'a> Records<'a> {
    /// Reads `data` from its start (the header is record 0).
    pub fn new(data: &'a [u8], limits: Limits) -> Records<'a> {
        Records::resume(data, 0, 0, limits)
    }

    /// Reads `data` from `offset`, a record boundary an earlier [`Records::offset`] gave,
    /// where record number `next` starts: how an import survives its host's eviction.
    pub fn resume(data: &'a [u8], offset: usize, next: usize, limits: Limits) -> Records<'a> {
        let mut reader = Reader::new();
        if offset > 0 {
            // csv-core skips a byte-order mark at the first bytes it reads; past the start
            // of the file those bytes are data. An empty line sets that first read behind
            // it and is no record.
            let _ = reader.read_record(b"\n", &mut [0u8; 1], &mut [0usize; 1]);
        }
        Records {
            data,
            pos: offset.min(data.len()),
            next,
            reader,
            // Buffers hold one more than allowed: csv-core stops when its output is full,
            // before it sees whether the record ends there.
            out: vec![0u8; limits.max_record_bytes.saturating_add(1).clamp(1, 4096)],
            ends: vec![0usize; limits.max_fields.saturating_add(1).clamp(1, 64)],
            limits,
        }
    }

    /// The byte offset where the next record starts.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// The number the next record will have (0 is the header).
    pub fn next_number(&self) -> usize {
        self.next
    }

    /// The next record and its number, or the reason it cannot be read (too long, too many
    /// cells, not UTF-8; the reader is then past it); `None` at the end of the file.
    pub fn next_record(&mut self) -> Option<(usize, Result<Record<'_>>)> {
        let (mut out_len, mut n_ends) = (0usize, 0usize);
        let mut overflow: Option<ScimError> = None;
        let (mut spare_out, mut spare_ends) = ([0u8; 1024], [0usize; 64]);
        loop {
            let input = self.data.get(self.pos..).unwrap_or_default();
            let (res, nin, nout, nend) = if overflow.is_some() {
                self.reader
                    .read_record(input, &mut spare_out, &mut spare_ends)
            } else {
                let out = self.out.get_mut(out_len..).unwrap_or_default();
                let ends = self.ends.get_mut(n_ends..).unwrap_or_default();
                self.reader.read_record(input, out, ends)
            };
            self.pos += nin;
            if overflow.is_none() {
                out_len += nout;
                n_ends += nend;
            }
            match res {
                ReadRecordResult::Record => break,
                ReadRecordResult::End => return None,
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull if overflow.is_none() => {
                    if !grow(
                        &mut self.out,
                        self.limits.max_record_bytes.saturating_add(1),
                    ) {
                        overflow = Some(too_long(&self.limits));
                    }
                }
                ReadRecordResult::OutputEndsFull if overflow.is_none() => {
                    if !grow(&mut self.ends, self.limits.max_fields.saturating_add(1)) {
                        overflow = Some(too_many_cells(&self.limits));
                    }
                }
                ReadRecordResult::OutputFull | ReadRecordResult::OutputEndsFull => {}
            }
            if nin == 0 && nout == 0 && nend == 0 && !input.is_empty() && overflow.is_none() {
                // Only a buffer that could not grow leaves csv-core without progress, and
                // that sets `overflow`; this guards the loop regardless.
                return None;
            }
        }
        let number = self.next;
        self.next += 1;
        if let Some(err) = overflow {
            return Some((number, Err(err)));
        }
        if n_ends > self.limits.max_fields {
            return Some((number, Err(too_many_cells(&self.limits))));
        }
        if out_len > self.limits.max_record_bytes {
            return Some((number, Err(too_long(&self.limits))));
        }
        Some((number, self.cells(out_len, n_ends)))
    }

    /// Splits the record just read into cells, checking each.
    fn cells(&self, out_len: usize, n_ends: usize) -> Result<Record<'_>> {
        let buf = self.out.get(..out_len).unwrap_or_default();
        let mut cells = Vec::with_capacity(n_ends);
        let mut start = 0usize;
        for (i, &end) in self.ends.iter().take(n_ends).enumerate() {
            let bytes = buf.get(start..end).unwrap_or_default();
            if bytes.len() > self.limits.max_field_bytes {
                return Err(ScimError::invalid_value(format!(
                    "cell {} is longer than {} bytes",
                    i + 1,
                    self.limits.max_field_bytes
                )));
            }
            let text = core::str::from_utf8(bytes).map_err(|_| {
                ScimError::invalid_value(format!("cell {} is not UTF-8 text", i + 1))
            })?;
            cells.push(text);
            start = end;
        }
        Ok(Record { cells })
    }
}

fn too_long(limits: &Limits) -> ScimError {
    ScimError::invalid_value(format!(
        "the row is longer than {} bytes",
        limits.max_record_bytes
    ))
}

fn too_many_cells(limits: &Limits) -> ScimError {
    ScimError::invalid_value(format!("the row has more than {} cells", limits.max_fields))
}

/// Doubles a buffer up to `max` elements; `false` when it is already there.
fn grow<T: Default + Clone>(buffer: &mut Vec<T>, max: usize) -> bool {
    if buffer.len() >= max {
        return false;
    }
    let len = buffer.len().saturating_mul(2).clamp(1, max);
    buffer.resize(len, T::default());
    true
}

#[cfg(test)]
mod tests;
