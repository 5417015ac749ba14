//! Markdown of the results, for pasting into mails and wikis. User text is
//! escaped, so a card cannot turn into a link, heading or HTML.

use super::doc::{document, portfolio_table, Block};
use super::ExportData;

/// Escapes Markdown's special characters in one line of user text: the
/// inline ones everywhere, and a leading `-`, `+`, `=` or `1.` that would
/// start a list or underline a heading.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_{}[]<>#|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    let after_digits = out[digits..].chars().next();
    if out.starts_with(['-', '+', '=']) {
        out.insert(0, '\\');
    } else if digits > 0 && matches!(after_digits, Some('.' | ')')) {
        out.insert(digits, '\\');
    }
    out
}

fn esc_block(text: &str) -> String {
    text.split('\n').map(esc).collect::<Vec<_>>().join("  \n")
}

fn esc_cell(text: &str) -> String {
    text.split('\n').map(esc).collect::<Vec<_>>().join("<br>")
}

fn table(out: &mut String, header: &[String], rows: &[Vec<String>]) {
    let line = |cells: &[String]| {
        format!(
            "| {} |\n",
            cells
                .iter()
                .map(|c| esc_cell(c))
                .collect::<Vec<_>>()
                .join(" | ")
        )
    };
    out.push_str(&line(header));
    out.push_str(&format!(
        "|{}\n",
        header.iter().map(|_| " --- |").collect::<String>()
    ));
    for row in rows {
        out.push_str(&line(row));
    }
    out.push('\n');
}

pub fn render(data: &ExportData) -> String {
    let mut out = String::new();
    for block in document(data) {
        match block {
            Block::Heading { level, text } => {
                out.push_str(&format!(
                    "{} {}\n\n",
                    "#".repeat(usize::from(level)),
                    esc(&text.replace('\n', " "))
                ));
            }
            Block::Paragraph { text } => out.push_str(&format!("{}\n\n", esc_block(&text))),
            Block::Note { text } => out.push_str(&format!("_{}_\n\n", esc_block(&text))),
            Block::List { items } => {
                for item in items {
                    out.push_str(&format!("- {}\n", esc_block(&item).replace('\n', "\n  ")));
                }
                out.push('\n');
            }
            Block::Table { header, rows, .. } => table(&mut out, &header, &rows),
            Block::Grid { cells, .. } => {
                for cell in cells {
                    out.push_str(&format!("**{}**  \n", esc(&cell.title)));
                    out.push_str(&format!("_{}_\n\n", esc(&cell.hint)));
                    if cell.items.is_empty() {
                        out.push_str("_(keine Karten)_\n\n");
                    } else {
                        for item in &cell.items {
                            out.push_str(&format!("- {}\n", esc_block(item).replace('\n', "\n  ")));
                        }
                        out.push('\n');
                    }
                }
            }
            Block::Portfolio { points } => {
                let t = portfolio_table(&points);
                table(&mut out, &t.header, &t.rows);
            }
            Block::PageBreak => out.push_str("---\n\n"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_cannot_become_markup() {
        assert_eq!(esc("[x](http://y) # *a*"), "\\[x\\](http://y) \\# \\*a\\*");
        assert_eq!(esc("- kein Punkt"), "\\- kein Punkt");
        assert_eq!(esc("=1+1"), "\\=1+1");
        assert_eq!(esc("12. Mai"), "12\\. Mai");
        assert_eq!(esc("IKZ-Workshop 2.0"), "IKZ-Workshop 2.0");
        assert_eq!(esc_cell("a|b\nc"), "a\\|b<br>c");
    }
}
