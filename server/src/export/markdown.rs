//! Markdown of the results, for pasting into mails and wikis. User text is
//! escaped, so a card cannot turn into a link, heading or HTML.

use super::doc::{document, Block};
use super::ExportData;

/// Escapes Markdown's special characters in one line of user text: the
/// inline ones everywhere, and a leading `-`, `+`, `=` or `1.` that would
/// start a list or underline a heading. Bare links (`https://…`, `www.…`,
/// `name@host.tld`, and bare domains such as `evil.example/path`, which mail
/// clients, chat tools and markdown-it's fuzzy linking turn into links),
/// which renderers would link by themselves, become code spans: shown as
/// typed, never a link.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in words(text) {
        match bare_link(word) {
            Some((start, end)) => {
                esc_chars(&word[..start], &mut out);
                let link = &word[start..end];
                if link.contains(['`', '|']) {
                    // No code span can hold it: escape every punctuation
                    // mark, so no `://`, `www.` or `@` is left to link.
                    for c in link.chars() {
                        if c.is_ascii_punctuation() {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                } else {
                    out.push('`');
                    out.push_str(link);
                    out.push('`');
                }
                esc_chars(&word[end..], &mut out);
            }
            None => esc_chars(word, &mut out),
        }
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

fn esc_chars(text: &str, out: &mut String) {
    for c in text.chars() {
        if "\\`*_{}[]<>#|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// `text` cut into runs of whitespace and runs of everything else.
fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut last_ws = None;
    for (i, c) in text.char_indices() {
        let ws = c.is_whitespace();
        if last_ws.is_some_and(|l| l != ws) {
            out.push(&text[start..i]);
            start = i;
        }
        last_ws = Some(ws);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Where a link that renderers would detect on their own sits in `word`
/// (byte range), without the punctuation around it.
fn bare_link(word: &str) -> Option<(usize, usize)> {
    let scheme_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.');
    let start = if let Some(colon) = word.find("://") {
        word[..colon]
            .char_indices()
            .rev()
            .take_while(|(_, c)| scheme_char(*c))
            .last()
            .map(|(i, _)| i)?
    } else if let Some(www) = word.to_ascii_lowercase().find("www.").filter(|&i| {
        word[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    }) {
        www
    } else {
        let Some(at) = word.find('@').filter(|&at| word[at + 1..].contains('.')) else {
            return bare_domain(word);
        };
        word[..at]
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-'))
            .last()
            .map(|(i, _)| i)?
    };
    let end = word
        .char_indices()
        .rev()
        .take_while(|(i, c)| *i > start && c.is_ascii_punctuation() && *c != '/')
        .last()
        .map_or(word.len(), |(i, _)| i);
    (end > start).then_some((start, end))
}

/// A host name without scheme or `www.` (`evil.example`, `amt.de/formular`):
/// labels of letters, digits and `-` joined by dots, the last one (the
/// top-level domain) two or more ASCII letters. "z.B.", "2.0" or "d.h." are
/// no domains.
fn bare_domain(word: &str) -> Option<(usize, usize)> {
    let start = word.find(|c: char| c.is_alphanumeric())?;
    let rest = &word[start..];
    let host_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '.'))
        .unwrap_or(rest.len());
    let host = rest[..host_len].trim_end_matches(['.', '-']);
    let labels: Vec<&str> = host.split('.').collect();
    let tld = labels.last()?;
    let is_domain = labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty())
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic());
    if !is_domain {
        return None;
    }
    // Through the path, without the punctuation that ends a sentence.
    let tail = &rest[host.len()..];
    let path_len = if tail.starts_with('/') {
        tail.find(char::is_whitespace).unwrap_or(tail.len())
    } else {
        0
    };
    let end = start + host.len() + path_len;
    let end = word[..end]
        .char_indices()
        .rev()
        .take_while(|(i, c)| *i > start + host.len() && c.is_ascii_punctuation() && *c != '/')
        .last()
        .map_or(end, |(i, _)| i);
    Some((start, end))
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
            Block::Portfolio { table: t, .. } => {
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
        assert_eq!(
            esc("[x](http://y) # *a*"),
            "\\[x\\](`http://y`) \\# \\*a\\*"
        );
        assert_eq!(esc("- kein Punkt"), "\\- kein Punkt");
        assert_eq!(esc("=1+1"), "\\=1+1");
        assert_eq!(esc("12. Mai"), "12\\. Mai");
        assert_eq!(esc("IKZ-Workshop 2.0"), "IKZ-Workshop 2.0");
        assert_eq!(esc_cell("a|b\nc"), "a\\|b<br>c");
    }

    #[test]
    fn bare_links_are_shown_as_typed_but_never_linked() {
        for (text, escaped) in [
            (
                "Siehe https://musterstadt.de/a_b?x=1.",
                "Siehe `https://musterstadt.de/a_b?x=1`.",
            ),
            ("(www.ikz-portal.de)", "(`www.ikz-portal.de`)"),
            ("WWW.Amt.de, bitte", "`WWW.Amt.de`, bitte"),
            (
                "Mail an anna.m@musterstadt.de!",
                "Mail an `anna.m@musterstadt.de`!",
            ),
            ("ftp://x.y/z", "`ftp://x.y/z`"),
            ("evil.example/path", "`evil.example/path`"),
            ("Siehe evil.example.", "Siehe `evil.example`."),
            (
                "(amt.musterstadt.de/formular?x=1)",
                "(`amt.musterstadt.de/formular?x=1`)",
            ),
            ("bürgerbüro.de", "`bürgerbüro.de`"),
            ("http://a|b", "http\\:\\/\\/a\\|b"),
            ("https://x.de/`code`", "https\\:\\/\\/x\\.de\\/\\`code\\`"),
        ] {
            assert_eq!(esc(text), escaped, "{text}");
        }
        // Not links: kept as they were.
        for plain in [
            "z.B. Bürgerbüro",
            "z. B. Bürgerbüro",
            "d.h. später",
            "Version 2.0",
            "@alle",
            "Swwww.x",
            "a: b",
            "Ende.",
            "ca. 3.5 Stellen",
        ] {
            assert_eq!(esc(plain), plain);
        }
        // Line starts are still escaped around a link.
        assert_eq!(esc("- www.x.de"), "\\- `www.x.de`");
    }
}
