//! DOCX (Word) with docx-rs: real heading styles (so Word's navigation and
//! table of contents work), tables with a declared grid, A4, header with the
//! session facts and "Seite x von y" in the footer.

use super::doc::{document, grid_table, meta, Block};
use super::{ExportData, ExportError};
use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, Header, NumPages, PageMargin, PageNum, Paragraph, Run,
    Shading, Style, StyleType, Table, TableCell, TableRow, WidthType,
};

/// Text width of A4 with 2 cm margins, in twentieths of a point.
const TEXT_WIDTH: usize = 11906 - 2 * 1134;

fn runs(text: &str) -> Run {
    let mut run = Run::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(line);
    }
    run
}

fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(runs(text))
}

fn table(header: &[String], rows: &[Vec<String>], widths: &[u32]) -> Table {
    let total: u32 = widths.iter().sum::<u32>().max(1);
    let grid: Vec<usize> = widths
        .iter()
        .map(|w| TEXT_WIDTH * *w as usize / total as usize)
        .collect();
    let cell = |text: &str, i: usize, head: bool| {
        let p = if head {
            Paragraph::new().add_run(runs(text).bold())
        } else {
            para(text)
        };
        let c = TableCell::new()
            .add_paragraph(p.size(18))
            .width(grid.get(i).copied().unwrap_or(1000), WidthType::Dxa);
        if head {
            c.shading(Shading::new().fill("E6E6E6"))
        } else {
            c
        }
    };
    let mut out = vec![TableRow::new(
        header
            .iter()
            .enumerate()
            .map(|(i, h)| cell(h, i, true))
            .collect(),
    )];
    for row in rows {
        out.push(TableRow::new(
            row.iter()
                .enumerate()
                .map(|(i, c)| cell(c, i, false))
                .collect(),
        ));
    }
    Table::new(out).set_grid(grid)
}

pub fn render(data: &ExportData) -> Result<Vec<u8>, ExportError> {
    let data = &data.xml_safe();
    let m = meta(data);
    let mut docx = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(1418)
                .bottom(1247)
                .left(1134)
                .right(1134)
                .header(567)
                .footer(567),
        )
        .add_style(heading_style(1, 34, "000000"))
        .add_style(heading_style(2, 28, "1D4E6B"))
        .add_style(heading_style(3, 24, "000000"))
        .add_style(heading_style(4, 22, "000000"))
        .header(
            Header::new().add_paragraph(
                Paragraph::new()
                    .add_run(
                        Run::new()
                            .add_text(format!(
                                "{} · {} — {} · {}",
                                m.title, m.scope, m.date, m.place
                            ))
                            .size(17)
                            .color("555555"),
                    )
                    .align(AlignmentType::Left),
            ),
        )
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text("Seite ").size(17))
                    .add_page_num(PageNum::new())
                    .add_run(Run::new().add_text(" von ").size(17))
                    .add_num_pages(NumPages::new())
                    .align(AlignmentType::Center),
            ),
        );
    let mut page_break_next = false;
    for block in document(data) {
        match block {
            Block::Heading { level, text } => {
                let mut p = para(&text)
                    .style(&format!("Heading{level}"))
                    .keep_next(true);
                if std::mem::take(&mut page_break_next) {
                    p = p.page_break_before(true);
                }
                docx = docx.add_paragraph(p);
            }
            Block::Paragraph { text } => docx = docx.add_paragraph(para(&text)),
            Block::Note { text } => {
                docx = docx.add_paragraph(
                    Paragraph::new().add_run(runs(&text).size(18).italic().color("555555")),
                )
            }
            Block::List { items } => {
                for item in items {
                    docx = docx.add_paragraph(para(&format!("•\u{a0}{item}")).indent(
                        Some(360),
                        None,
                        None,
                        None,
                    ));
                }
            }
            Block::Table {
                header,
                rows,
                widths,
            } => {
                docx = docx
                    .add_table(table(&header, &rows, &widths))
                    .add_paragraph(Paragraph::new());
            }
            Block::Grid { cells, .. } => {
                // One row per field: label (with the prompt) and its cards.
                let t = grid_table(&cells);
                docx = docx
                    .add_table(table(&t.header, &t.rows, &t.widths))
                    .add_paragraph(Paragraph::new());
            }
            Block::Portfolio { table: t, .. } => {
                docx = docx
                    .add_table(table(&t.header, &t.rows, &t.widths))
                    .add_paragraph(Paragraph::new());
            }
            Block::PageBreak => page_break_next = true,
        }
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut buf)
        .map_err(|e| ExportError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}

fn heading_style(level: u8, size: usize, colour: &str) -> Style {
    Style::new(format!("Heading{level}"), StyleType::Paragraph)
        .name(format!("heading {level}"))
        .size(size)
        .bold()
        .color(colour)
        .outline_lvl(usize::from(level) - 1)
}
