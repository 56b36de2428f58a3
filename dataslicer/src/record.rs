//! PostgreSQL's CSV, byte by byte.
//!
//! Rows stream from `COPY ... TO STDOUT (FORMAT csv)` to the file untouched
//! where nothing needs changing. Where a column is faked or an optional
//! foreign key is nulled, records are split into raw fields here, and the
//! fields that are not changed are copied as they came: an unquoted empty
//! field (NULL) and a quoted one (`""`, the empty string) never collapse,
//! which a general CSV reader would let happen.

use std::borrow::Cow;
use std::io::{self, BufRead};

/// One field of a record, as raw bytes (quotes included).
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    /// The bytes as they appear in the file.
    pub raw: &'a [u8],
}

impl<'a> Field<'a> {
    /// Whether this is NULL: an unquoted empty field.
    pub fn is_null(&self) -> bool {
        self.raw.is_empty()
    }

    /// The value: `None` for NULL, otherwise the text with quoting undone.
    pub fn value(&self) -> Option<Cow<'a, str>> {
        if self.raw.is_empty() {
            return None;
        }
        let raw = self.raw;
        if raw[0] == b'"' && raw.len() >= 2 && raw[raw.len() - 1] == b'"' {
            let inner = &raw[1..raw.len() - 1];
            if inner.contains(&b'"') {
                let text = String::from_utf8_lossy(inner).replace("\"\"", "\"");
                Some(Cow::Owned(text))
            } else {
                Some(String::from_utf8_lossy(inner))
            }
        } else {
            Some(String::from_utf8_lossy(raw))
        }
    }
}

/// Reads records of PostgreSQL CSV: fields split on `,`, records on a line
/// feed outside quotes.
pub struct RecordReader<R> {
    input: R,
    buf: Vec<u8>,
    /// (start, end) of each field in `buf`.
    fields: Vec<(usize, usize)>,
    /// The 1-based line where the current record starts.
    line: u64,
    next_line: u64,
}

impl<R: BufRead> RecordReader<R> {
    /// Reads from `input`; `first_line` is the line number of its first byte.
    pub fn new(input: R, first_line: u64) -> Self {
        RecordReader {
            input,
            buf: Vec::new(),
            fields: Vec::new(),
            line: first_line,
            next_line: first_line,
        }
    }

    /// Reads the next record; `Ok(false)` at the end. An unterminated quoted
    /// field is an error.
    pub fn next_record(&mut self) -> io::Result<bool> {
        self.buf.clear();
        self.fields.clear();
        self.line = self.next_line;
        let mut in_quotes = false;
        loop {
            let start = self.buf.len();
            let n = self.input.read_until(b'\n', &mut self.buf)?;
            if n == 0 {
                if in_quotes {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "a quoted field opened on line {} is never closed",
                            self.line
                        ),
                    ));
                }
                if self.buf.is_empty() {
                    return Ok(false);
                }
                break;
            }
            self.next_line += 1;
            for &b in &self.buf[start..] {
                if b == b'"' {
                    in_quotes = !in_quotes;
                }
            }
            if !in_quotes {
                break;
            }
        }
        // Strip the record terminator (\n or \r\n).
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
        }
        let mut in_quotes = false;
        let mut start = 0;
        for (i, &b) in self.buf.iter().enumerate() {
            match b {
                b'"' => in_quotes = !in_quotes,
                b',' if !in_quotes => {
                    self.fields.push((start, i));
                    start = i + 1;
                }
                _ => {}
            }
        }
        self.fields.push((start, self.buf.len()));
        Ok(true)
    }

    /// The line where the current record starts.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// How many fields the current record has.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the current record has no fields (never, after a read).
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Field `i` of the current record.
    pub fn field(&self, i: usize) -> Field<'_> {
        let (start, end) = self.fields[i];
        Field {
            raw: &self.buf[start..end],
        }
    }
}

/// Appends `value` as a CSV field the way PostgreSQL's COPY writes it: quoted
/// when it is empty (to differ from NULL), holds a comma, a quote or a line
/// break, or is `\.` alone in a one-column row.
pub fn write_value(out: &mut Vec<u8>, value: &str, single_column: bool) {
    let needs_quotes = value.is_empty()
        || (single_column && value == "\\.")
        || value
            .bytes()
            .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if !needs_quotes {
        out.extend_from_slice(value.as_bytes());
        return;
    }
    out.push(b'"');
    for &b in value.as_bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// The header record of a file with these columns, line feed included.
pub fn header_line<S: AsRef<str>>(columns: &[S]) -> Vec<u8> {
    let mut line = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            line.push(b',');
        }
        write_value(&mut line, column.as_ref(), columns.len() == 1);
    }
    line.push(b'\n');
    line
}

/// A SHA-256 digest as lowercase hex, as the manifest records it.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Counts the records in a chunk of CSV, carrying the quote state across
/// chunks: the cheap way to count rows on the pass-through path. It also
/// remembers where records span several lines (rare), so that a record's
/// number can be turned back into the line of the file where it starts.
#[derive(Debug, Default, Clone)]
pub struct RecordCounter {
    in_quotes: bool,
    /// Records ended so far (by a line feed outside quotes).
    pub records: u64,
    /// Whether bytes follow the last record's line feed: a record not ended
    /// yet, which [`RecordCounter::total`] counts when the input ends there.
    partial: bool,
    /// Field separators outside quotes since the current record began.
    field: usize,
    /// Line breaks inside quoted fields so far.
    extra_lines: u64,
    /// (record index, line breaks inside quotes up to and including it), for
    /// every record that holds one.
    spans: Vec<(u64, u64)>,
}

impl RecordCounter {
    /// Feeds the next bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match b {
                b'"' => self.in_quotes = !self.in_quotes,
                b',' if !self.in_quotes => self.field += 1,
                b'\n' if !self.in_quotes => {
                    self.records += 1;
                    self.field = 0;
                }
                b'\n' => {
                    self.extra_lines += 1;
                    match self.spans.last_mut() {
                        Some(last) if last.0 == self.records => last.1 = self.extra_lines,
                        _ => self.spans.push((self.records, self.extra_lines)),
                    }
                }
                _ => {}
            }
        }
        if let Some(&last) = bytes.last() {
            // A line feed outside quotes ends the record; anything else
            // leaves one open.
            self.partial = last != b'\n' || self.in_quotes;
        }
    }

    /// The records fed, a last one without its line feed included.
    pub fn total(&self) -> u64 {
        self.records + u64::from(self.partial)
    }

    /// Whether the input so far ends inside a quoted field.
    pub fn in_quotes(&self) -> bool {
        self.in_quotes
    }

    /// The 0-based index of the field the input so far ends in.
    pub fn field(&self) -> usize {
        self.field
    }

    /// The line where the `n`th record fed (1-based) starts, counting
    /// `first_line` as the line of the first record.
    pub fn line_of(&self, n: u64, first_line: u64) -> u64 {
        let index = n.saturating_sub(1);
        first_line + index + self.extra_before(index)
    }

    /// Line breaks inside quotes in the records before the one at `index`.
    fn extra_before(&self, index: u64) -> u64 {
        match self.spans.partition_point(|&(record, _)| record < index) {
            0 => 0,
            i => self.spans[i - 1].1,
        }
    }

    /// The record (1-based) that PostgreSQL's COPY means by "line `line`".
    ///
    /// The server counts a line per record plus the line breaks inside
    /// quoted values, except those of the first record: until it has seen
    /// the end of one record it does not know which line end the data uses
    /// (`CopyReadLineText`). This undoes that count.
    pub fn record_of_server_line(&self, line: u64) -> u64 {
        let first_extra = match self.spans.first() {
            Some(&(0, extra)) => extra,
            _ => 0,
        };
        // The server's line at the start of the record at `index`.
        let server_start = |index: u64| {
            let counted = if index == 0 {
                0
            } else {
                self.extra_before(index) - first_extra
            };
            index + 1 + counted
        };
        let (mut low, mut high) = (0, self.records.max(1) - 1);
        while low < high {
            let mid = low + (high - low).div_ceil(2);
            if server_start(mid) <= line {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        low + 1
    }
}

/// Checks that a stream of bytes, fed in chunks that may split a character,
/// is UTF-8.
#[derive(Debug, Default, Clone)]
pub struct Utf8Check {
    /// The start of a character split by the chunk boundary.
    pending: Vec<u8>,
    /// Bytes checked so far.
    offset: u64,
}

impl Utf8Check {
    /// Checks the next bytes; on error, the offset (in the whole stream) of
    /// the first byte that is not UTF-8.
    pub fn feed(&mut self, mut bytes: &[u8]) -> Result<(), u64> {
        while !self.pending.is_empty() {
            let Some((&first, rest)) = bytes.split_first() else {
                return Ok(());
            };
            self.pending.push(first);
            bytes = rest;
            match std::str::from_utf8(&self.pending) {
                Ok(_) => {
                    self.offset += self.pending.len() as u64;
                    self.pending.clear();
                }
                Err(e) if e.error_len().is_none() && self.pending.len() < 4 => {}
                Err(_) => return Err(self.offset),
            }
        }
        match std::str::from_utf8(bytes) {
            Ok(_) => {
                self.offset += bytes.len() as u64;
                Ok(())
            }
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                self.pending.extend_from_slice(&bytes[valid..]);
                self.offset += valid as u64;
                Ok(())
            }
            Err(e) => Err(self.offset + e.valid_up_to() as u64),
        }
    }

    /// Ends the stream: an error when it stops inside a character.
    pub fn finish(&self) -> Result<(), u64> {
        if self.pending.is_empty() {
            Ok(())
        } else {
            Err(self.offset)
        }
    }

    /// Bytes checked so far (a split character's start not included).
    pub fn offset(&self) -> u64 {
        self.offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_checked_across_chunks() {
        let text = "aé€😀z".as_bytes();
        for cut in 0..text.len() {
            let mut check = Utf8Check::default();
            check.feed(&text[..cut]).unwrap();
            check.feed(&text[cut..]).unwrap();
            check.finish().unwrap();
        }
        let mut check = Utf8Check::default();
        check.feed(b"ab\xc3").unwrap();
        assert_eq!(check.feed(b"(x"), Err(2));
        let mut check = Utf8Check::default();
        assert_eq!(check.feed(b"abc\xffdef"), Err(3));
        let mut check = Utf8Check::default();
        check.feed(b"ab\xe2\x82").unwrap();
        assert_eq!(check.finish(), Err(2));
    }

    #[test]
    fn a_last_record_without_its_line_feed_is_counted() {
        let mut counter = RecordCounter::default();
        counter.feed(b"h\n1,a\n2,");
        counter.feed(b"b");
        assert_eq!((counter.records, counter.total()), (2, 3));
        counter.feed(b"\n");
        assert_eq!(counter.total(), 3);
        let mut quoted = RecordCounter::default();
        quoted.feed(b"1,\"a\n");
        assert_eq!(quoted.total(), 1);
        assert!(quoted.in_quotes());
    }

    fn records(input: &str) -> Vec<Vec<Option<String>>> {
        let mut reader = RecordReader::new(input.as_bytes(), 1);
        let mut out = Vec::new();
        while reader.next_record().unwrap() {
            out.push(
                (0..reader.len())
                    .map(|i| reader.field(i).value().map(|v| v.into_owned()))
                    .collect(),
            );
        }
        out
    }

    #[test]
    fn null_and_empty_string_stay_apart() {
        assert_eq!(
            records("1,,\"\"\n"),
            vec![vec![Some("1".into()), None, Some(String::new())]]
        );
    }

    #[test]
    fn quoted_fields_keep_commas_quotes_and_newlines() {
        let got = records("1,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n2,x,y\n");
        assert_eq!(got[0][1].as_deref(), Some("a,b"));
        assert_eq!(got[0][2].as_deref(), Some("say \"hi\""));
        assert_eq!(got[0][3].as_deref(), Some("two\nlines"));
        assert_eq!(
            got[1],
            vec![Some("2".into()), Some("x".into()), Some("y".into())]
        );
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        let mut reader = RecordReader::new("1,\"open\n".as_bytes(), 1);
        assert!(reader.next_record().is_err());
    }

    #[test]
    fn values_are_quoted_as_postgres_does() {
        let mut out = Vec::new();
        for v in ["plain", "", "a,b", "q\"", "l\nf", "ünï"] {
            write_value(&mut out, v, false);
            out.push(b'|');
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "plain|\"\"|\"a,b\"|\"q\"\"\"|\"l\nf\"|ünï|"
        );
    }

    #[test]
    fn counter_maps_records_back_to_lines() {
        let mut counter = RecordCounter::default();
        counter.feed(b"1,\"a\nb\nc\"\n2,x\n3,\"d\ne\"\n4,y\n");
        assert_eq!(counter.records, 4);
        // With a header on line 1, records start on lines 2, 5, 6 and 8.
        let lines: Vec<u64> = (1..=4).map(|n| counter.line_of(n, 2)).collect();
        assert_eq!(lines, vec![2, 5, 6, 8]);
        // PostgreSQL calls them lines 1, 2, 3 (and 4, the second line of
        // record 3) and 5: the first record's line breaks are not counted.
        let records: Vec<u64> = [1, 2, 3, 4, 5]
            .iter()
            .map(|&l| counter.record_of_server_line(l))
            .collect();
        assert_eq!(records, vec![1, 2, 3, 3, 4]);
    }

    #[test]
    fn counter_ignores_newlines_in_quotes() {
        let mut counter = RecordCounter::default();
        counter.feed(b"1,\"a\n");
        counter.feed(b"b\"\n2,c\n");
        assert_eq!(counter.records, 2);
    }
}
