//! Writing CSV records (RFC 4180): cells separated by commas, a cell quoted when it holds
//! a comma, a quote, a line end or spaces at either end (`""` for a quote inside), or
//! begins with U+FEFF (which would read as a byte-order mark at the start of a file),
//! records ended by CRLF. What [`super::read`] reads back exactly.

use alloc::vec::Vec;

/// Appends one cell, quoted if it needs to be.
pub fn push_cell(out: &mut Vec<u8>, cell: &str) {
    let needs_quotes = cell
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
        || cell.starts_with(' ')
        || cell.ends_with(' ')
        || cell.starts_with('\u{feff}');
    if !needs_quotes {
        out.extend_from_slice(cell.as_bytes());
        return;
    }
    out.push(b'"');
    for piece in cell.split_inclusive('"') {
        out.extend_from_slice(piece.as_bytes());
        if piece.ends_with('"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// Appends a record: its cells, then CRLF.
pub fn push_record<'c>(out: &mut Vec<u8>, cells: impl IntoIterator<Item = &'c str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_cell(out, cell);
    }
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests;
