//! The Kostenaufteilung as an XLSX workbook with live formulas: the
//! Kämmerei changes an input in Excel or LibreOffice and every result is
//! computed again. The cells, their formulas and formats come from the
//! calculator's sheet model (`ikz_antrag::cost::sheet`), where every result
//! is defined once and both evaluated in Rust and written as a formula; this
//! writer knows no rule, only how each kind of cell is written.

use super::ExportError;
use ikz_antrag::cost::expr::Value;
use ikz_antrag::cost::{sheet, CostInput, NumberFormat, SheetCell};
use rust_xlsxwriter::{Format, Formula, Workbook};

/// The number format of each kind of cell, as a German office reads it.
fn number_format(format: NumberFormat) -> Format {
    let code = match format {
        NumberFormat::Euro => "#,##0.00 \"€\"",
        NumberFormat::Percent => "0.0%",
        NumberFormat::Count => "#,##0",
        NumberFormat::Decimal => "#,##0.00",
        NumberFormat::Years => "0.0 \"Jahre\"",
    };
    Format::new().set_num_format(code)
}

/// The workbook of `input`; refused inputs come back as
/// [`ExportError::Cost`] with the calculator's German message.
pub fn workbook(input: &CostInput) -> Result<Vec<u8>, ExportError> {
    let sheet = sheet(input)?;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(&sheet.name)?;
    let bold = Format::new().set_bold();
    ws.set_column_width(0, 34)?;
    for (row, cells) in sheet.rows.iter().enumerate() {
        let row = u32::try_from(row).map_err(|_| too_big())?;
        for (col, cell) in cells.iter().enumerate() {
            let col = u16::try_from(col).map_err(|_| too_big())?;
            match cell {
                SheetCell::Empty => {}
                SheetCell::Label(text) if col == 0 || row == 0 => {
                    ws.write_string_with_format(row, col, super::clean(text), &bold)?;
                }
                SheetCell::Label(text) => {
                    ws.write_string(row, col, super::clean(text))?;
                }
                SheetCell::Number { value, format } => {
                    ws.write_number_with_format(row, col, *value, &number_format(*format))?;
                }
                SheetCell::Formula {
                    formula,
                    cached,
                    format,
                } => {
                    let cached = match cached {
                        Value::Number(n) => n.to_string(),
                        Value::Text(t) => t.clone(),
                    };
                    let formula = Formula::new(formula).set_result(cached);
                    ws.write_formula_with_format(row, col, formula, &number_format(*format))?;
                }
            }
        }
    }
    Ok(book.save_to_buffer()?)
}

fn too_big() -> ExportError {
    ExportError::Xlsx(rust_xlsxwriter::XlsxError::RowColumnLimitError)
}
