//! PDF through typst as a library. The layout is a fixed typst template
//! (`report.typ`); the content comes in as a virtual JSON file that the
//! template reads with `json(...)`, so user text is data and never markup
//! (no injection, no escaping to get wrong). Fonts are embedded in the binary
//! (typst-assets: Libertinus Serif, OFL), so the server reads no files.

use super::doc::{document, meta, Block, Meta};
use super::{ExportData, ExportError};
use serde::Serialize;
use std::sync::LazyLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

const TEMPLATE: &str = include_str!("report.typ");

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

/// Parsed once per process (a few ms), shared by every export.
static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(path: &str) -> Option<FileId> {
    VirtualPath::new(path)
        .ok()
        .map(|p| RootedPath::new(VirtualRoot::Project, p).intern())
}

struct ReportWorld {
    main: FileId,
    data_id: Option<FileId>,
    source: Source,
    data: Bytes,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if Some(id) == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main {
            Ok(Bytes::from_string(self.source.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

#[derive(Serialize)]
struct Input<'a> {
    meta: Meta,
    blocks: &'a [Block],
}

pub fn render(data: &ExportData) -> Result<Vec<u8>, ExportError> {
    let blocks = document(data);
    let input = serde_json::to_vec(&Input {
        meta: meta(data),
        blocks: &blocks,
    })?;
    let main = file_id("/report.typ").ok_or_else(|| ExportError::Typst("path".into()))?;
    let world = ReportWorld {
        main,
        data_id: file_id("/data.json"),
        source: Source::new(main, TEMPLATE.to_owned()),
        data: Bytes::new(input),
    };
    let compiled = typst::compile(&world).output;
    // Drop memoised results of older compilations, so memory stays bounded.
    typst::comemo::evict(10);
    let document = compiled.map_err(|errors| {
        ExportError::Typst(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let options = typst_pdf::PdfOptions::default();
    typst_pdf::pdf(&document, &options).map_err(|errors| {
        ExportError::Typst(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::settings::SessionSettings;
    use std::collections::BTreeMap;

    #[test]
    fn a_session_with_cards_ideas_and_ratings_typesets() {
        use app::api::GroupView;
        use app::domain::board::{apply, Author, BoardState, Op, RatingSlot};
        use app::domain::evaluation::RatingValue;
        use app::domain::templates::{CANVAS, KI, SWOT};
        let anna = Author {
            id: "p1".into(),
            name: "Anna".into(),
            kommune: String::new(),
            moderator: false,
        };
        let add = |section: &str, id: &str, text: &str| Op::AddCard {
            card_id: id.into(),
            section: section.into(),
            text: text.into(),
        };
        let mut canvas = BoardState::default();
        apply(
            &mut canvas,
            &CANVAS,
            &anna,
            &add("problem", "c1", "Größe\n#set page(width: 1cm) ]"),
        )
        .expect("add");
        let mut swot = BoardState::default();
        apply(&mut swot, &SWOT, &anna, &add("staerken", "s1", "Stark")).expect("add");
        let mut ki = BoardState::default();
        apply(&mut ki, &KI, &anna, &add("ideen", "i1", "Chatbot")).expect("add");
        for c in KI.criteria {
            let op = Op::Rate {
                card_id: "i1".into(),
                criterion: c.into(),
                value: Some(RatingSlot::Given(RatingValue::Score(4))),
            };
            apply(&mut ki, &KI, &anna, &op).expect("rate");
        }
        let boards = BTreeMap::from([
            ("g:canvas".to_owned(), canvas),
            ("g:swot".to_owned(), swot),
            ("g:ki".to_owned(), ki),
        ]);
        let groups = [GroupView {
            id: "g".into(),
            name: "Gruppe".into(),
            colour: "#8ecae6".into(),
            member_count: 1,
        }];
        let data = ExportData::build(
            super::super::SessionFacts {
                title: "Voll",
                date: "2026-11-25",
                place: "Rathaus",
            },
            &SessionSettings::default(),
            &groups,
            &boards,
            None,
            false,
        )
        .expect("data");
        match render(&data) {
            Ok(pdf) => assert!(pdf.starts_with(b"%PDF-")),
            Err(e) => panic!("{e}"),
        }
    }

    /// A BMC board's data for the typst template: its 9 boxes as one grid
    /// placed by the domain's `BMC_GRID`, the cards in their boxes.
    fn bmc_data() -> ExportData {
        use app::api::GroupView;
        use app::domain::board::{apply, Author, BoardState, Op};
        use app::domain::templates::BMC;
        let anna = Author {
            id: "p1".into(),
            name: "Anna".into(),
            kommune: String::new(),
            moderator: false,
        };
        let mut bmc = BoardState::default();
        for (id, section, text) in [
            ("b1", "schluesselpartner", "Kreis"),
            ("b2", "wertangebot", "Ein Bürgerbüro für drei Gemeinden"),
            ("b3", "finanzierung", "Umlage #set page(width: 1cm) ]"),
        ] {
            let op = Op::AddCard {
                card_id: id.into(),
                section: section.into(),
                text: text.into(),
            };
            apply(&mut bmc, &BMC, &anna, &op).expect("add");
        }
        let settings = SessionSettings {
            methods: vec!["bmc".into()],
            ..SessionSettings::default()
        };
        let groups = [GroupView {
            id: "g".into(),
            name: "Gruppe".into(),
            colour: "#8ecae6".into(),
            member_count: 1,
        }];
        ExportData::build(
            super::super::SessionFacts {
                title: "BMC",
                date: "2026-12-01",
                place: "Rathaus",
            },
            &settings,
            &groups,
            &BTreeMap::from([("g:bmc".to_owned(), bmc)]),
            None,
            false,
        )
        .expect("data")
    }

    #[test]
    fn the_bmc_grid_goes_to_typst_with_the_layouts_spans_and_typesets() {
        use app::domain::templates::rest::BMC_GRID;
        let data = bmc_data();
        let blocks = document(&data);
        let input = serde_json::to_value(Input {
            meta: meta(&data),
            blocks: &blocks,
        })
        .expect("json");
        let grids: Vec<&serde_json::Value> = input["blocks"]
            .as_array()
            .expect("blocks")
            .iter()
            .filter(|b| b["kind"] == "grid")
            .collect();
        assert_eq!(grids.len(), 1, "{grids:?}");
        let grid = grids[0];
        assert_eq!(grid["columns"], 10);
        let cells = grid["cells"].as_array().expect("cells");
        assert_eq!(cells.len(), BMC_GRID.len());
        for (cell, b) in cells.iter().zip(BMC_GRID) {
            let place = serde_json::json!({
                "x": b.column, "y": b.row, "colspan": b.width, "rowspan": b.height
            });
            assert_eq!(cell["place"], place, "{}", b.section);
        }
        assert_eq!(cells[0]["title"], "Schlüsselpartner");
        assert_eq!(cells[0]["items"], serde_json::json!(["Kreis"]));
        assert_eq!(cells[8]["title"], "Finanzierung (Einnahmequellen)");
        // User text is data for the template, never markup.
        assert_eq!(
            cells[8]["items"],
            serde_json::json!(["Umlage #set page(width: 1cm) ]"])
        );
        // The template draws placed cells with their spans.
        assert!(TEMPLATE.contains("colspan: p.colspan"));
        assert!(TEMPLATE.contains("rowspan: p.rowspan"));
        match render(&data) {
            Ok(pdf) => assert!(pdf.starts_with(b"%PDF-")),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn an_empty_session_typesets() {
        let data = ExportData::build(
            super::super::SessionFacts {
                title: "Leer",
                date: "2026-11-25",
                place: "Rathaus",
            },
            &SessionSettings::default(),
            &[],
            &BTreeMap::new(),
            None,
            false,
        )
        .expect("data");
        match render(&data) {
            Ok(pdf) => assert!(pdf.starts_with(b"%PDF-")),
            Err(e) => panic!("{e}"),
        }
    }
}
