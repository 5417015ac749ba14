//! ODT (OpenDocument Text, the public sector's open format), written as the
//! few XML files the standard requires and zipped with the `zip` crate: no
//! well-established ODT crate exists, and the format is plain XML.
//! `mimetype` comes first and uncompressed, as ODF 1.2 §3.3 demands.

use super::doc::{document, grid_table, meta, Block};
use super::{ExportData, ExportError};
use app::domain::session::is_xml_char;
use std::io::Write;
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// Escapes text for XML content and attribute values.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("<text:tab/>"),
            c if (c.is_control() && c != '\n') || !is_xml_char(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// A paragraph's inner text with line breaks as `<text:line-break/>`.
fn inline(text: &str) -> String {
    text.split('\n')
        .map(xml)
        .collect::<Vec<_>>()
        .join("<text:line-break/>")
}

fn p(style: &str, text: &str) -> String {
    format!(
        "<text:p text:style-name=\"{style}\">{}</text:p>",
        inline(text)
    )
}

/// Appends a table; its column widths go to `styles` (automatic styles).
fn table(
    out: &mut String,
    styles: &mut String,
    n: &mut usize,
    header: &[String],
    rows: &[Vec<String>],
    widths: &[u32],
) {
    *n += 1;
    let total = f64::from(widths.iter().sum::<u32>().max(1));
    out.push_str(&format!(
        "<table:table table:name=\"Tabelle{n}\" table:style-name=\"Table\">"
    ));
    for (i, w) in widths.iter().enumerate() {
        let cm = 17.0 * f64::from(*w) / total;
        styles.push_str(&format!(
            "<style:style style:name=\"T{n}C{i}\" style:family=\"table-column\"><style:table-column-properties style:column-width=\"{cm:.2}cm\"/></style:style>"
        ));
        out.push_str(&format!(
            "<table:table-column table:style-name=\"T{n}C{i}\"/>"
        ));
    }
    out.push_str("<table:table-header-rows><table:table-row>");
    for h in header {
        out.push_str(
            "<table:table-cell table:style-name=\"HeadCell\" office:value-type=\"string\">",
        );
        out.push_str(&p("TableHead", h));
        out.push_str("</table:table-cell>");
    }
    out.push_str("</table:table-row></table:table-header-rows>");
    for row in rows {
        out.push_str("<table:table-row>");
        for c in row {
            out.push_str(
                "<table:table-cell table:style-name=\"Cell\" office:value-type=\"string\">",
            );
            out.push_str(&p("TableText", c));
            out.push_str("</table:table-cell>");
        }
        out.push_str("</table:table-row>");
    }
    out.push_str("</table:table>");
}

/// The document body and the automatic styles its tables need.
fn body(data: &ExportData) -> (String, String) {
    let mut out = String::new();
    let mut styles = String::new();
    let mut tables = 0;
    let mut page_break_next = false;
    for block in document(data) {
        match block {
            Block::Heading { level, text } => {
                let style = if std::mem::take(&mut page_break_next) {
                    format!("Heading{level}Break")
                } else {
                    format!("Heading_20_{level}")
                };
                out.push_str(&format!(
                    "<text:h text:style-name=\"{style}\" text:outline-level=\"{level}\">{}</text:h>",
                    inline(&text)
                ));
            }
            Block::Paragraph { text } => out.push_str(&p("Text_20_body", &text)),
            Block::Note { text } => out.push_str(&p("Note", &text)),
            Block::List { items } => {
                out.push_str("<text:list text:style-name=\"Bullets\">");
                for item in items {
                    out.push_str("<text:list-item>");
                    out.push_str(&p("Text_20_body", &item));
                    out.push_str("</text:list-item>");
                }
                out.push_str("</text:list>");
            }
            Block::Table {
                header,
                rows,
                widths,
            } => table(&mut out, &mut styles, &mut tables, &header, &rows, &widths),
            Block::Grid { cells, .. } => {
                let t = grid_table(&cells);
                table(
                    &mut out,
                    &mut styles,
                    &mut tables,
                    &t.header,
                    &t.rows,
                    &t.widths,
                );
            }
            Block::Portfolio { table: t, .. } => {
                table(
                    &mut out,
                    &mut styles,
                    &mut tables,
                    &t.header,
                    &t.rows,
                    &t.widths,
                );
            }
            Block::PageBreak => page_break_next = true,
        }
    }
    (out, styles)
}

const NS: &str = r##"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3""##;

fn content(data: &ExportData) -> String {
    let (body, table_styles) = body(data);
    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {NS}>
<office:automatic-styles>
<style:style style:name="Table" style:family="table"><style:table-properties style:width="17cm" table:align="margins"/></style:style>
<style:style style:name="HeadCell" style:family="table-cell"><style:table-cell-properties fo:background-color="#e6e6e6" fo:padding="0.08cm" fo:border="0.5pt solid #999999"/></style:style>
<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.08cm" fo:border="0.5pt solid #999999"/></style:style>
<style:style style:name="Heading1Break" style:family="paragraph" style:parent-style-name="Heading_20_1"><style:paragraph-properties fo:break-before="page"/></style:style>
<style:style style:name="Heading2Break" style:family="paragraph" style:parent-style-name="Heading_20_2"><style:paragraph-properties fo:break-before="page"/></style:style>
<style:style style:name="Heading3Break" style:family="paragraph" style:parent-style-name="Heading_20_3"><style:paragraph-properties fo:break-before="page"/></style:style>
<style:style style:name="Heading4Break" style:family="paragraph" style:parent-style-name="Heading_20_4"><style:paragraph-properties fo:break-before="page"/></style:style>
<text:list-style style:name="Bullets"><text:list-level-style-bullet text:level="1" text:bullet-char="•"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.6cm" fo:text-indent="-0.4cm" fo:margin-left="0.6cm"/></style:list-level-properties></text:list-level-style-bullet></text:list-style>
{table_styles}
</office:automatic-styles>
<office:body><office:text>{body}</office:text></office:body>
</office:document-content>"##
    )
}

fn styles(data: &ExportData) -> String {
    let m = meta(data);
    let header = xml(&format!(
        "{} · {} — {} · {}",
        m.title, m.scope, m.date, m.place
    ));
    let heading = |n: u8, size: &str, colour: &str| {
        format!(
            r##"<style:style style:name="Heading_20_{n}" style:display-name="Heading {n}" style:family="paragraph" style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:default-outline-level="{n}" style:class="text"><style:paragraph-properties fo:margin-top="0.35cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"/><style:text-properties fo:font-size="{size}" fo:font-weight="bold" fo:color="{colour}"/></style:style>"##
        )
    };
    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {NS}>
<office:styles>
<style:default-style style:family="paragraph"><style:text-properties fo:font-size="10.5pt" fo:language="de" fo:country="DE"/></style:default-style>
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:class="text"/>
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text"><style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.15cm"/></style:style>
<style:style style:name="Note" style:family="paragraph" style:parent-style-name="Text_20_body"><style:text-properties fo:font-size="9pt" fo:font-style="italic" fo:color="#555555"/></style:style>
<style:style style:name="TableText" style:family="paragraph" style:parent-style-name="Standard"><style:text-properties fo:font-size="9pt"/></style:style>
<style:style style:name="TableHead" style:family="paragraph" style:parent-style-name="TableText"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="HeaderText" style:family="paragraph" style:parent-style-name="Standard"><style:text-properties fo:font-size="8.5pt" fo:color="#555555"/></style:style>
<style:style style:name="FooterText" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="8.5pt"/></style:style>
{}{}{}{}
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="A4"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="1.2cm" fo:margin-bottom="1.2cm" fo:margin-left="2cm" fo:margin-right="2cm"/><style:header-style><style:header-footer-properties fo:min-height="0.8cm" fo:margin-bottom="0.4cm"/></style:header-style><style:footer-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-top="0.4cm"/></style:footer-style></style:page-layout>
</office:automatic-styles>
<office:master-styles>
<style:master-page style:name="Standard" style:page-layout-name="A4">
<style:header><text:p text:style-name="HeaderText">{header}</text:p></style:header>
<style:footer><text:p text:style-name="FooterText">Seite <text:page-number text:select-page="current">1</text:page-number> von <text:page-count>1</text:page-count></text:p></style:footer>
</style:master-page>
</office:master-styles>
</office:document-styles>"##,
        heading(1, "17pt", "#000000"),
        heading(2, "14pt", "#1d4e6b"),
        heading(3, "12pt", "#000000"),
        heading(4, "11pt", "#000000"),
    )
}

fn meta_xml(data: &ExportData) -> String {
    let m = meta(data);
    format!(
        r##"<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {NS}><office:meta><meta:generator>IKZ-Werkstatt</meta:generator><dc:title>{}</dc:title><dc:language>de-DE</dc:language></office:meta></office:document-meta>"##,
        xml(&format!("{} – {}", m.title, m.scope))
    )
}

const MANIFEST: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"##;

pub fn render(data: &ExportData) -> Result<Vec<u8>, ExportError> {
    let data = &data.xml_safe();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/vnd.oasis.opendocument.text")?;
    for (name, text) in [
        ("content.xml", content(data)),
        ("styles.xml", styles(data)),
        ("meta.xml", meta_xml(data)),
        ("META-INF/manifest.xml", MANIFEST.to_owned()),
    ] {
        zip.start_file(name, deflated)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}
