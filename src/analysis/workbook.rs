//! Workbooks (`.xlsx`, `.ods`) read as streams within limits that a real register sheet never
//! reaches. A workbook is a zip of XML parts, and everything it declares (a sheet's dimension,
//! a cell repeated 16,384 × 1,048,576 times, a part's decompressed size) comes from whoever made
//! the file: nothing is allocated from those numbers. Every part is first decompressed into
//! nothing, counting its bytes and its longest run of text, then the cells are read one at a
//! time (calamine's cell reader for xlsx, a reader of our own for ods, whose repeats calamine
//! expands), each counted against the limits before it is kept.

use crate::import::Rows;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;

// The limits a sheet is read within are import's (CSV obeys them too); one cell's limit is
// also the longest run of XML text or one tag a part may hold.
pub use crate::import::{MAX_CELL_BYTES, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_TEXT_BYTES};
/// A worksheet's XML once decompressed (several times its cells' text; it is read as a stream).
const MAX_SHEET_BYTES: u64 = 256 * 1024 * 1024;
/// Any other part once decompressed: the shared strings and styles are held whole by the reader.
const MAX_PART_BYTES: u64 = 32 * 1024 * 1024;
/// Parts of one zip.
const MAX_PARTS: usize = 10_000;

/// Why a workbook is refused: past a limit ("too large: …"), or not readable.
#[derive(Debug)]
pub struct Refused(pub String);

fn too_large(what: impl std::fmt::Display) -> Refused {
    Refused(format!("too large: {what}"))
}

const MIB: usize = 1024 * 1024;

/// Decompresses every part of the zip at `file` into nothing, refusing one that grows past
/// `MAX_PART_BYTES`, holds a run of text or a tag longer than `MAX_CELL_BYTES` (a cell's text
/// is one such run), or a zip of more than `MAX_PARTS` parts. Memory: one buffer.
pub fn preflight(bytes: &[u8]) -> Result<(), Refused> {
    let mut zip = open_zip(bytes)?;
    if zip.len() > MAX_PARTS {
        return Err(too_large(format!(
            "{} parts in the zip (limit {MAX_PARTS})",
            zip.len()
        )));
    }
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|e| Refused(format!("not a workbook (zip part {i}): {e}")))?;
        let name = crate::sanitize::quote(part.name()).into_owned();
        // Worksheets are streamed cell by cell (xlsx), and content.xml (ods) too; the rest is
        // held whole by the reader.
        let limit = if name.starts_with("xl/worksheets/") || name == "content.xml" {
            MAX_SHEET_BYTES
        } else {
            MAX_PART_BYTES
        };
        let mut total = 0u64;
        let mut run = 0usize;
        loop {
            let n = match part.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Refused(format!("cannot decompress {name}: {e}"))),
            };
            total += n as u64;
            if total > limit {
                return Err(too_large(format!(
                    "{name} decompresses past {} MiB (limit {} MiB)",
                    limit / 1024 / 1024,
                    limit / 1024 / 1024
                )));
            }
            let chunk = &buf[..n];
            match memchr::memrchr2(b'<', b'>', chunk) {
                None => run += n,
                Some(last) => {
                    let first = memchr::memchr2(b'<', b'>', chunk).unwrap_or(0);
                    run += first;
                    if run > MAX_CELL_BYTES {
                        return Err(long_run(&name));
                    }
                    // The longest run between two markers inside this chunk.
                    let mut prev = first;
                    for at in memchr::memchr2_iter(b'<', b'>', &chunk[first + 1..=last]) {
                        let at = first + 1 + at;
                        if at - prev - 1 > MAX_CELL_BYTES {
                            return Err(long_run(&name));
                        }
                        prev = at;
                    }
                    run = n - last - 1;
                }
            }
            if run > MAX_CELL_BYTES {
                return Err(long_run(&name));
            }
        }
    }
    Ok(())
}

fn long_run(part: &str) -> Refused {
    too_large(format!(
        "{part} holds a cell or tag of more than {} MiB (limit {} MiB a cell)",
        MAX_CELL_BYTES / MIB,
        MAX_CELL_BYTES / MIB
    ))
}

/// The cells of one sheet as they are read, counted against the limits.
#[derive(Default)]
struct Cells {
    /// (row, column, text), 0-based, in the order read.
    cells: Vec<(usize, usize, String)>,
    text: usize,
}

impl Cells {
    fn put(&mut self, row: usize, column: usize, text: String) -> Result<(), Refused> {
        if text.is_empty() {
            return Ok(());
        }
        if row >= MAX_ROWS {
            return Err(too_large(format!(
                "a value at row {} (limit {MAX_ROWS} rows)",
                row.saturating_add(1)
            )));
        }
        if column >= MAX_COLUMNS {
            return Err(too_large(format!(
                "a value in column {} (limit {MAX_COLUMNS} columns)",
                column.saturating_add(1)
            )));
        }
        if text.len() > MAX_CELL_BYTES {
            return Err(too_large(format!(
                "a cell of {} bytes at row {} (limit {} MiB a cell)",
                text.len(),
                row + 1,
                MAX_CELL_BYTES / MIB
            )));
        }
        if self.cells.len() >= MAX_CELLS {
            return Err(too_large(format!(
                "more than {MAX_CELLS} cells with a value (limit {MAX_CELLS})"
            )));
        }
        self.text += text.len();
        if self.text > MAX_TEXT_BYTES {
            return Err(too_large(format!(
                "more than {} MiB of cell text (limit {} MiB)",
                MAX_TEXT_BYTES / MIB,
                MAX_TEXT_BYTES / MIB
            )));
        }
        self.cells.push((row, column, text));
        Ok(())
    }

    /// The rows that hold a value, each with its 1-based number and its cells from column A.
    fn into_rows(mut self) -> Rows {
        self.cells.sort_by_key(|&(row, column, _)| (row, column));
        let mut rows: Rows = Vec::new();
        for (row, column, text) in self.cells {
            if rows.last().is_none_or(|(r, _)| *r != row + 1) {
                rows.push((row + 1, Vec::new()));
            }
            if let Some((_, cells)) = rows.last_mut() {
                if cells.len() <= column {
                    cells.resize(column + 1, String::new());
                }
                cells[column] = text;
            }
        }
        rows
    }
}

/// The sheet to read of `names`: the one named (any case), else the first.
fn pick_sheet(names: &[String], wanted: Option<&str>) -> Result<String, Refused> {
    match wanted {
        Some(sheet) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(sheet))
            .cloned()
            .ok_or_else(|| {
                Refused(format!(
                    "no sheet `{}` (it has: {})",
                    crate::sanitize::quote(sheet),
                    names
                        .iter()
                        .map(|n| crate::sanitize::quote(n).into_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }),
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Refused("the workbook has no sheet".into())),
    }
}

fn open_zip(bytes: &[u8]) -> Result<zip::ZipArchive<Cursor<&[u8]>>, Refused> {
    zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| Refused(format!("not a workbook (zip): {e}")))
}

/// One sheet of the workbook file at `path` (`ods`: an OpenDocument spreadsheet, else xlsx), the
/// file read within the size limit on every input.
pub fn read_file(path: &Path, ods: bool, sheet: Option<&str>) -> Result<(String, Rows), Refused> {
    let bytes = crate::store::read_limited(Path::new(""), path).map_err(|f| {
        Refused(if f.rule == "file-too-large" {
            format!(
                "too large: the file is over {} MiB (limit {} MiB)",
                crate::parse::MAX_FILE_BYTES / (1024 * 1024),
                crate::parse::MAX_FILE_BYTES / (1024 * 1024)
            )
        } else {
            f.message
        })
    })?;
    if ods {
        ods_rows(&bytes, sheet)
    } else {
        xlsx_rows(&bytes, sheet)
    }
}

/// One sheet of an `.xlsx` (or `.xlsm`): its name and the rows that hold a value.
pub fn xlsx_rows(bytes: &[u8], sheet: Option<&str>) -> Result<(String, Rows), Refused> {
    use calamine::Reader as _;
    preflight(bytes)?;
    let mut workbook =
        calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| Refused(format!("not read: {e}")))?;
    let name = pick_sheet(&workbook.sheet_names(), sheet)?;
    let mut reader = workbook.worksheet_cells_reader(&name).map_err(|e| {
        Refused(format!(
            "cannot read sheet `{}`: {e}",
            crate::sanitize::quote(&name)
        ))
    })?;
    let mut cells = Cells::default();
    loop {
        let cell = reader.next_cell().map_err(|e| {
            Refused(format!(
                "cannot read sheet `{}`: {e}",
                crate::sanitize::quote(&name)
            ))
        })?;
        let Some(cell) = cell else { break };
        let (row, column) = cell.get_position();
        let data = calamine::Data::from(cell.get_value().clone());
        cells.put(row as usize, column as usize, cell_text(&data))?;
    }
    Ok((name, cells.into_rows()))
}

/// A workbook cell as the text a CSV cell would hold: numbers in their shortest form, dates as
/// YYYY-MM-DD.
pub fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Int(n) => n.to_string(),
        Data::Float(f) => crate::model::Num(*f).to_string(),
        Data::String(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => excel_date(dt.as_f64()),
        Data::DateTime(dt) => crate::model::Num(dt.as_f64()).to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.get(..10).unwrap_or(s).to_owned(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// A spreadsheet's serial date (days since 1899-12-30) as YYYY-MM-DD.
fn excel_date(serial: f64) -> String {
    #[allow(clippy::cast_possible_truncation)] // whole days of a calendar
    let days = serial.floor() as i64;
    jiff::civil::date(1899, 12, 30)
        .checked_add(jiff::Span::new().days(days))
        .map_or_else(|_| crate::model::Num(serial).to_string(), |d| d.to_string())
}

/// One sheet of an `.ods`: its name and the rows that hold a value. Repeated rows and cells
/// (`table:number-rows-repeated`, `table:number-columns-repeated`) are counted, not expanded:
/// an empty run only moves the position, and each copy of a value is counted against the limits
/// before it is kept.
pub fn ods_rows(bytes: &[u8], sheet: Option<&str>) -> Result<(String, Rows), Refused> {
    preflight(bytes)?;
    read_ods_sheet(bytes, sheet)
}

/// Reads `content.xml` once: the rows of the first sheet named `wanted` (any case; none: the
/// first sheet), the names of the sheets met on the way for the error when none is.
fn read_ods_sheet(bytes: &[u8], wanted: Option<&str>) -> Result<(String, Rows), Refused> {
    use quick_xml::events::Event;
    let mut zip = open_zip(bytes)?;
    let content = zip
        .by_name("content.xml")
        .map_err(|_| Refused("not an OpenDocument spreadsheet: no content.xml".into()))?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut buf = Vec::new();
    let mut names = Vec::new();
    let mut chosen: Option<String> = None;
    let mut cells = Cells::default();
    // Where the reader is: inside the wanted sheet, the row and column reached, the row's
    // repeat count and values, and the cell being read.
    let mut in_sheet = false;
    let mut row = 0usize;
    let mut row_repeat = 1usize;
    let mut row_values: Vec<(usize, usize, String)> = Vec::new();
    let mut column = 0usize;
    let mut cell: Option<OdsCell> = None;
    let err = |e: quick_xml::Error| Refused(format!("content.xml is not read: {e}"));
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(err)?;
        match &event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"table:table" => {
                let sheet_name = attribute(e, b"table:name").unwrap_or_default();
                in_sheet =
                    chosen.is_none() && wanted.is_none_or(|w| sheet_name.eq_ignore_ascii_case(w));
                if in_sheet {
                    chosen = Some(sheet_name.clone());
                }
                names.push(sheet_name);
                row = 0;
            }
            Event::End(e) if e.name().as_ref() == b"table:table" && in_sheet => {
                break;
            }
            Event::Start(e) if in_sheet && e.name().as_ref() == b"table:table-row" => {
                row_repeat = repeat(e, b"table:number-rows-repeated");
                row_values.clear();
                column = 0;
            }
            Event::Empty(e) if in_sheet && e.name().as_ref() == b"table:table-row" => {
                row = row.saturating_add(repeat(e, b"table:number-rows-repeated"));
            }
            Event::End(e) if in_sheet && e.name().as_ref() == b"table:table-row" => {
                if !row_values.is_empty() {
                    // Each copy of a repeated row holding values is a row of its own.
                    for copy in 0..row_repeat {
                        for (at, span, text) in &row_values {
                            for c in 0..*span {
                                cells.put(row.saturating_add(copy), at + c, text.clone())?;
                            }
                        }
                    }
                }
                row = row.saturating_add(row_repeat);
            }
            Event::Start(e) | Event::Empty(e)
                if in_sheet
                    && matches!(
                        e.name().as_ref(),
                        b"table:table-cell" | b"table:covered-table-cell"
                    ) =>
            {
                let span = repeat(e, b"table:number-columns-repeated");
                let value = cell_value(e);
                let started = OdsCell {
                    span,
                    value,
                    text: String::new(),
                    paragraphs: 0,
                };
                if matches!(event, Event::Empty(_)) {
                    finish_cell(started, &mut column, &mut row_values)?;
                } else {
                    cell = Some(started);
                }
            }
            Event::End(e)
                if in_sheet
                    && matches!(
                        e.name().as_ref(),
                        b"table:table-cell" | b"table:covered-table-cell"
                    ) =>
            {
                if let Some(c) = cell.take() {
                    finish_cell(c, &mut column, &mut row_values)?;
                }
            }
            // The text of the cell being read: paragraphs, spaces, tabs, breaks, references.
            _ => {
                if let Some(c) = cell.as_mut() {
                    ods_cell_text(c, &event)?;
                }
            }
        }
    }
    match chosen {
        Some(name) => Ok((name, cells.into_rows())),
        // None was the one wanted: the same message as for an xlsx, naming those it has.
        None => Err(pick_sheet(&names, wanted)
            .err()
            .unwrap_or_else(|| Refused("the workbook has no sheet".into()))),
    }
}

/// Takes in one event inside a cell: its text, paragraphs (one per line), `text:s` spaces
/// (counted, within the cell's limit), tabs, line breaks, character and entity references.
fn ods_cell_text(c: &mut OdsCell, event: &quick_xml::events::Event<'_>) -> Result<(), Refused> {
    use quick_xml::events::Event;
    match event {
        Event::Start(e) if e.name().as_ref() == b"text:p" => {
            if c.paragraphs > 0 {
                c.text.push('\n');
            }
            c.paragraphs += 1;
        }
        Event::Empty(e) => match e.name().as_ref() {
            b"text:s" => {
                let n = repeat(e, b"text:c").min(MAX_CELL_BYTES);
                c.push(&" ".repeat(n))?;
            }
            b"text:tab" => c.push("\t")?,
            b"text:line-break" => c.push("\n")?,
            b"text:p" => {
                if c.paragraphs > 0 {
                    c.push("\n")?;
                }
                c.paragraphs += 1;
            }
            _ => {}
        },
        Event::Text(t) => {
            let text = t
                .decode()
                .map_err(|e| Refused(format!("content.xml is not read: {e}")))?;
            c.push(&text)?;
        }
        Event::GeneralRef(r) => {
            let resolved = match r.resolve_char_ref() {
                Ok(Some(ch)) => ch.to_string(),
                _ => match r as &[u8] {
                    b"amp" => "&".into(),
                    b"lt" => "<".into(),
                    b"gt" => ">".into(),
                    b"quot" => "\"".into(),
                    b"apos" => "'".into(),
                    _ => String::new(),
                },
            };
            c.push(&resolved)?;
        }
        _ => {}
    }
    Ok(())
}

/// A cell being read from an ods sheet.
struct OdsCell {
    /// Columns it covers (`table:number-columns-repeated`).
    span: usize,
    /// Its typed value (`office:value`, `office:date-value`…), which wins over its text.
    value: Option<String>,
    text: String,
    paragraphs: usize,
}

impl OdsCell {
    fn push(&mut self, text: &str) -> Result<(), Refused> {
        if self.text.len() + text.len() > MAX_CELL_BYTES {
            return Err(too_large(format!(
                "a cell of more than {} MiB (limit {} MiB a cell)",
                MAX_CELL_BYTES / MIB,
                MAX_CELL_BYTES / MIB
            )));
        }
        self.text.push_str(text);
        Ok(())
    }
}

/// Adds a finished cell to its row's values (by column and span) and moves past it.
fn finish_cell(
    cell: OdsCell,
    column: &mut usize,
    row_values: &mut Vec<(usize, usize, String)>,
) -> Result<(), Refused> {
    let text = cell.value.unwrap_or(cell.text);
    if !text.is_empty() {
        // A value repeated past the column limit is refused here, before any copy is made.
        if column.saturating_add(cell.span) > MAX_COLUMNS {
            return Err(too_large(format!(
                "a value in column {} (limit {MAX_COLUMNS} columns)",
                column.saturating_add(cell.span)
            )));
        }
        row_values.push((*column, cell.span, text));
    }
    *column = column.saturating_add(cell.span);
    Ok(())
}

/// The typed value of an ods cell, as calamine gives it: numbers in their shortest form,
/// dates as YYYY-MM-DD, booleans as words; `None` for a string (its text is the value).
fn cell_value(e: &quick_xml::events::BytesStart<'_>) -> Option<String> {
    let kind = attribute(e, b"office:value-type")?;
    match kind.as_str() {
        "float" | "percentage" | "currency" => attribute(e, b"office:value").map(|v| {
            v.parse::<f64>()
                .map_or(v.clone(), |f| crate::model::Num(f).to_string())
        }),
        "date" => attribute(e, b"office:date-value").map(|d| d.get(..10).unwrap_or(&d).to_owned()),
        "time" => attribute(e, b"office:time-value"),
        "boolean" => attribute(e, b"office:boolean-value"),
        _ => None,
    }
}

fn attribute(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.decode_and_unescape_value(e.decoder())
                .ok()
                .map(std::borrow::Cow::into_owned)
        })
}

/// A repeat count attribute (1 when absent or not a number; at least 1).
fn repeat(e: &quick_xml::events::BytesStart<'_>, name: &[u8]) -> usize {
    attribute(e, name)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .max(1)
}
