//! The remaining seed methods of methods.md (5-9: Veränderung &
//! Widerstände, Business Model Canvas, Umsatzsteuer-Check, Scrum-Board,
//! BarCamp) on the one board engine: their templates as the spec gives
//! them, their ops through the one `apply`, and their computed figures
//! against hand-computed values.

mod common;
use common::{add, labels, ok, person, run, type_into};
use ikz_domain::board::{
    set_field_op, Attribute, Author, BoardState, Op, OpError, RatingSlot, TextField,
};
use ikz_domain::carry::carry_over;
use ikz_domain::evaluation::aggregate::Consensus;
use ikz_domain::evaluation::criteria::CriterionKey;
use ikz_domain::evaluation::RatingValue;
use ikz_domain::figures::barcamp::{keywords, matches, session_plan};
use ikz_domain::figures::change::{force_field, heat_map, support_needs};
use ikz_domain::figures::scrum::{effort, effort_sums, relevance};
use ikz_domain::figures::ustg::{case_hints, hint, parse_euro, source_note, Answer, Hint};
use ikz_domain::templates::rest::{
    choices, layout, BEREITSCHAFT, BMC_GRID, CHOICE_FIELDS, EFFORT_POINTS, QUESTIONS, RELEVANZ,
    SCRUM_COLUMNS, STAERKE,
};
use ikz_domain::templates::ustg_data::{euro_de, PARAGRAPH_2B};
use ikz_domain::templates::{
    self, fixed_card_id, CarryTarget, Template, BARCAMP, BMC, SCRUM, SEED_REST, USTG, VERAENDERUNG,
};
use ikz_domain::text::{Clock, Splice};

/// `who` rates `card` on `criterion` (0: "weiß nicht").
fn rate(board: &mut BoardState, template: &Template, who: &Author, card: &str, key: &str, v: u8) {
    let value = if v == 0 {
        RatingValue::DontKnow
    } else {
        RatingValue::Score(v)
    };
    let op = Op::Rate {
        card_id: card.into(),
        criterion: CriterionKey::new(key),
        value: Some(RatingSlot::Given(value)),
    };
    ok(board, template, who, op);
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

// --- Templates -----------------------------------------------------------

#[test]
fn the_five_are_seed_rest_in_spec_order_offered_but_not_on_by_default() {
    let keys: Vec<_> = SEED_REST.iter().map(|t| t.key).collect();
    assert_eq!(keys, ["veraenderung", "bmc", "ustg", "scrum", "barcamp"]);
    let all: Vec<_> = templates::ALL.iter().map(|t| t.key).collect();
    // In this order, one after another (later methods follow them).
    assert!(all.windows(5).any(|w| w == keys), "{all:?}");
    for t in SEED_REST {
        // Offered (the moderator switches them on), not on by default.
        assert_eq!(templates::find(t.key).map(|f| f.key), Some(t.key));
        assert!(!templates::DEFAULT_METHODS.contains(&t.key), "{}", t.key);
        assert!(t.key.bytes().all(|b| b.is_ascii_lowercase()));
        let mut ids: Vec<_> = t.sections.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), t.sections.len(), "{}", t.key);
        let items: Vec<_> = t
            .sections
            .iter()
            .flat_map(|s| s.items)
            .map(|i| i.id)
            .collect();
        let mut unique = items.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), items.len(), "{}", t.key);
        for i in items {
            let id = fixed_card_id(t.key, i);
            assert!(id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        }
        for s in t.sections {
            for c in s.carry_to {
                let target = templates::find(c.template).expect("target template");
                assert!(target.section(c.section).is_some(), "{} → {c:?}", t.key);
                if let Some(f) = c.field {
                    assert!(s.has_field(f), "{}.{} has no {f}", t.key, s.id);
                }
            }
            for l in s.links_to {
                assert!(t.section(l).is_some(), "{}.{} → {l}", t.key, s.id);
            }
        }
    }
}

#[test]
fn every_named_field_key_reads_back_as_its_one_field() {
    let all_keys: Vec<&str> = templates::ALL
        .iter()
        .flat_map(|t| t.sections)
        .flat_map(|s| s.text_fields())
        .map(|f| f.key)
        .collect();
    for t in SEED_REST {
        for s in t.sections {
            for f in s.text_fields() {
                assert_eq!(TextField::from_key(f.key), Some(TextField::Field(f.key)));
                // One key, one meaning across every template.
                assert_eq!(templates::field_def(f.key), Some(f), "{}", f.key);
                assert!(f
                    .key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
            }
        }
    }
    // The new keys are new: none of them is a field of the other methods.
    let offered: Vec<&str> = templates::ALL
        .iter()
        .filter(|t| !SEED_REST.iter().any(|r| r.key == t.key))
        .flat_map(|t| t.sections)
        .flat_map(|s| s.fields)
        .map(|f| f.key)
        .collect();
    let new: Vec<&str> = SEED_REST
        .iter()
        .flat_map(|t| t.sections)
        .flat_map(|s| s.fields)
        .map(|f| f.key)
        .collect();
    assert!(new.iter().all(|k| !offered.contains(k)), "{new:?}");
    assert!(all_keys.len() > offered.len());
    assert!(!new.is_empty());
}

#[test]
fn veraenderung_has_the_levels_fields_forces_and_scale_of_the_spec() {
    assert_eq!(VERAENDERUNG.title, "Veränderung & Widerstände");
    assert_eq!(
        labels(&VERAENDERUNG),
        [
            ("ebenen", "Ebenen"),
            ("treibend", "Treibende Kräfte"),
            ("hemmend", "Hemmende Kräfte"),
        ]
    );
    let phase = VERAENDERUNG.header.expect("phase");
    assert_eq!(
        (phase.label, phase.prompt),
        ("Phase", "Umsetzung / Implementierung / Evaluation")
    );
    let ebenen = VERAENDERUNG.section("ebenen").expect("ebenen");
    let levels: Vec<_> = ebenen.items.iter().map(|i| i.label).collect();
    assert_eq!(
        levels,
        [
            "Politik & Gremien",
            "Verwaltungsspitze",
            "Führungskräfte",
            "Mitarbeitende",
            "Personalvertretung",
            "(optional) Bürgerinnen, Bürger & Unternehmen",
        ]
    );
    assert!(ebenen.closed);
    let fields: Vec<_> = ebenen.fields.iter().map(|f| (f.label, f.prompt)).collect();
    assert_eq!(
        fields,
        [
            ("Was ändert sich?", ""),
            (
                "Befürchtungen & Widerstände",
                "z. B. Kompetenzabgabe, Arbeitsplatz, Identität"
            ),
            ("Unterstützungsbedarf", ""),
            ("Maßnahmen (Wer / bis wann)", ""),
        ]
    );
    assert_eq!(ebenen.criteria, [BEREITSCHAFT]);
    assert_eq!(
        BEREITSCHAFT.anchors,
        [
            Some("deutliche Ablehnung"),
            None,
            Some("abwartend"),
            None,
            Some("treibt die Veränderung mit")
        ]
    );
    for id in ["treibend", "hemmend"] {
        assert_eq!(VERAENDERUNG.section(id).expect(id).criteria, [STAERKE]);
    }
    // Fears carry over to the canvas's Risiken & Widerstände.
    assert_eq!(
        ebenen.carry_to,
        [CarryTarget {
            template: "canvas",
            section: "risiken",
            field: Some("befuerchtungen")
        }]
    );
}

#[test]
fn bmc_has_the_nine_boxes_in_the_classic_layout() {
    assert_eq!(BMC.title, "Business Model Canvas");
    assert_eq!(
        labels(&BMC),
        [
            ("schluesselpartner", "Schlüsselpartner"),
            ("aktivitaeten", "Schlüsselaktivitäten"),
            ("ressourcen", "Schlüsselressourcen"),
            ("wertangebot", "Wertangebot (Nutzenversprechen)"),
            ("beziehung", "Beziehung zu den Nutzenden"),
            ("kanaele", "Kanäle"),
            ("nutzergruppen", "Nutzergruppen"),
            ("kosten", "Kostenstruktur"),
            ("finanzierung", "Finanzierung (Einnahmequellen)"),
        ]
    );
    let prompt = |id| BMC.section(id).map_or("", |s| s.prompt);
    assert_eq!(prompt("kanaele"), "Portal, Bürgerbüro, Telefon (115), App?");
    assert_eq!(
        prompt("finanzierung"),
        "Gebühren, Kostenerstattung der Partner, Umlage, Fördermittel?"
    );
    // The grid covers 10 × 3 cells exactly once, one box per section.
    let mut cells = [[0u8; 10]; 3];
    for b in BMC_GRID {
        assert!(BMC.section(b.section).is_some(), "{}", b.section);
        for row in b.row..b.row + b.height {
            for col in b.column..b.column + b.width {
                cells[usize::from(row)][usize::from(col)] += 1;
            }
        }
    }
    assert!(cells.iter().flatten().all(|&c| c == 1), "{cells:?}");
    let order: Vec<_> = BMC_GRID.iter().map(|b| b.section).collect();
    let sections: Vec<_> = BMC.sections.iter().map(|s| s.id).collect();
    assert_eq!(order, sections);
}

#[test]
fn canvas_cards_carry_into_the_bmc_boxes() {
    let canvas = &templates::CANVAS;
    let into_bmc = |section: &str| -> Vec<&str> {
        canvas
            .section(section)
            .expect("canvas section")
            .carry_to
            .iter()
            .filter(|c| c.template == BMC.key)
            .map(|c| c.section)
            .collect()
    };
    assert_eq!(into_bmc("partner"), ["schluesselpartner"]);
    assert_eq!(into_bmc("ressourcen"), ["ressourcen"]);
    assert_eq!(into_bmc("loesung"), ["wertangebot"]);
    assert_eq!(into_bmc("nutzer"), ["nutzergruppen"]);
    assert_eq!(into_bmc("kosten"), ["kosten", "finanzierung"]);
    assert_eq!(into_bmc("schritte"), ["aktivitaeten"]);
    assert!(into_bmc("rechtsform").is_empty());
    // Every target is a BMC box, carried with the card's own text.
    for s in canvas.sections {
        for c in s.carry_to {
            assert!(BMC.section(c.section).is_some(), "{c:?}");
            assert_eq!(c.field, None);
        }
    }
    // Two targets, two buttons in the card's words.
    let kosten = canvas.section("kosten").expect("kosten");
    let buttons: Vec<String> = kosten.carry_to.iter().map(CarryTarget::button_de).collect();
    assert_eq!(
        buttons,
        [
            "In Business Model Canvas: Kostenstruktur übernehmen",
            "In Business Model Canvas: Finanzierung (Einnahmequellen) übernehmen",
        ]
    );
    // A partner card goes over: the copy knows its origin, the canvas
    // card its copy, and the BMC takes it.
    let a = person("a", "Musterstadt");
    let mut origin = BoardState::default();
    ok(
        &mut origin,
        canvas,
        &a,
        add("p1", "partner", "Kreis als IT-Dienstleister"),
    );
    let target = canvas.section("partner").expect("partner").carry_to[0];
    let plan = carry_over(&origin, canvas, "p1", &target, "b1").expect("carry");
    assert_eq!(plan.target_template, "bmc");
    match &plan.copy {
        Op::AddCopy {
            section,
            text,
            origin,
            ..
        } => {
            assert_eq!(section, "schluesselpartner");
            assert_eq!(text, "Kreis als IT-Dienstleister");
            assert_eq!(
                (origin.template.as_str(), origin.card_id.as_str()),
                ("canvas", "p1")
            );
        }
        other => panic!("{other:?}"),
    }
    let mut bmc = BoardState::default();
    ok(&mut bmc, &BMC, &a, plan.copy.clone());
    assert_eq!(
        bmc.cards("schluesselpartner")[0].text,
        "Kreis als IT-Dienstleister"
    );
    ok(&mut origin, canvas, &a, plan.link_back.clone());
    assert_eq!(origin.find("p1").expect("card").2.copies.len(), 1);
    // Not declared: a partner card cannot go to the BMC's costs.
    let costs = CarryTarget {
        template: "bmc",
        section: "kosten",
        field: None,
    };
    assert!(carry_over(&origin, canvas, "p1", &costs, "b2").is_err());
    // And an empty card has nothing to carry.
    ok(&mut origin, canvas, &a, add("p2", "partner", "  "));
    assert_eq!(
        carry_over(&origin, canvas, "p2", &target, "b3"),
        Err(OpError::NothingToCarry)
    );
}

#[test]
fn bmc_cards_refer_to_the_groups_swot_cards() {
    use ikz_domain::board::{link_op, shown_refs, CardRef};
    let a = person("a", "Musterstadt");
    let mut swot = BoardState::default();
    ok(
        &mut swot,
        &templates::SWOT,
        &a,
        add("s1", "staerken", "Erfahrenes Bürgerbüro"),
    );
    ok(
        &mut swot,
        &templates::SWOT,
        &a,
        add("o1", "chancen", "OZG-Nachnutzung"),
    );
    ok(
        &mut swot,
        &templates::SWOT,
        &a,
        add("so1", "so", "Gemeinsames Portal"),
    );
    let mut bmc = BoardState::default();
    ok(
        &mut bmc,
        &BMC,
        &a,
        add("w1", "wertangebot", "Ein Bürgerbüro"),
    );
    let swot_ref = |id: &str| CardRef {
        template: "swot".into(),
        card_id: id.into(),
    };
    let refer = |id: &str, linked| Op::RefCard {
        card_id: "w1".into(),
        target: swot_ref(id),
        linked,
    };
    // Every box declares the SWOT's four fields.
    for s in BMC.sections {
        assert_eq!(s.refs_to, templates::rest::TO_SWOT, "{}", s.id);
    }
    ok(&mut bmc, &BMC, &a, refer("s1", true));
    ok(&mut bmc, &BMC, &a, refer("o1", true));
    ok(&mut bmc, &BMC, &a, refer("o1", true)); // twice: nothing to do
                                               // A strategy card is referred to, but it is no S/W/O/T: it does not show.
    ok(&mut bmc, &BMC, &a, refer("so1", true));
    let card = bmc.find("w1").expect("card").2.clone();
    assert_eq!(card.links, ["swot:s1", "swot:o1", "swot:so1"]);
    let section = BMC.section("wertangebot").expect("box");
    let shown: Vec<(&str, &str)> = shown_refs(&card, section, "swot", &swot)
        .into_iter()
        .map(|(s, c)| (s, c.text.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("staerken", "Erfahrenes Bürgerbüro"),
            ("chancen", "OZG-Nachnutzung")
        ]
    );
    // A removed SWOT card simply does not show.
    ok(
        &mut swot,
        &templates::SWOT,
        &a,
        Op::DeleteCard {
            card_id: "s1".into(),
        },
    );
    assert_eq!(shown_refs(&card, section, "swot", &swot).len(), 1);
    // Dropping a reference.
    ok(&mut bmc, &BMC, &a, refer("so1", false));
    assert_eq!(
        bmc.find("w1").expect("card").2.links,
        ["swot:s1", "swot:o1"]
    );
    // Refused: another template, a bad id, an unknown card, a section
    // without the declaration (the canvas), and more than the limit.
    let other = Op::RefCard {
        card_id: "w1".into(),
        target: CardRef {
            template: "canvas".into(),
            card_id: "c1".into(),
        },
        linked: true,
    };
    assert_eq!(
        run(&mut bmc, &BMC, &a, &other),
        Err(OpError::LinkNotAllowed)
    );
    assert_eq!(
        run(&mut bmc, &BMC, &a, &refer("s:1", true)),
        Err(OpError::InvalidId)
    );
    let unknown = Op::RefCard {
        card_id: "nope".into(),
        target: swot_ref("s1"),
        linked: true,
    };
    assert_eq!(run(&mut bmc, &BMC, &a, &unknown), Err(OpError::UnknownCard));
    let mut canvas = BoardState::default();
    ok(
        &mut canvas,
        &templates::CANVAS,
        &a,
        add("c1", "problem", "Zu wenig Personal"),
    );
    let from_canvas = Op::RefCard {
        card_id: "c1".into(),
        target: swot_ref("s1"),
        linked: true,
    };
    assert_eq!(
        run(&mut canvas, &templates::CANVAS, &a, &from_canvas),
        Err(OpError::LinkNotAllowed)
    );
    for i in 0..18 {
        ok(&mut bmc, &BMC, &a, refer(&format!("x{i}"), true));
    }
    assert!(matches!(
        run(&mut bmc, &BMC, &a, &refer("x99", true)),
        Err(OpError::TooManyLinks { .. })
    ));
    // The TOWS links stay what they were: a bare id of the same board.
    ok(
        &mut swot,
        &templates::SWOT,
        &a,
        add("s2", "staerken", "Personal"),
    );
    ok(&mut swot, &templates::SWOT, &a, link_op("so1", "s2"));
    ok(&mut swot, &templates::SWOT, &a, link_op("so1", "o1"));
    assert_eq!(swot.find("so1").expect("strategy").2.links, ["s2", "o1"]);
    assert!(swot
        .find("so1")
        .expect("strategy")
        .2
        .refs()
        .next()
        .is_none());
    // An import replays a reference through the same op.
    assert_eq!(link_op("w1", "swot:s1"), refer("s1", true));
}

#[test]
fn each_grid_layout_covers_its_cells_once_in_the_order_of_the_sections() {
    for t in templates::ALL {
        let Some(l) = layout(&t) else {
            assert!(!["bmc", "scrum"].contains(&t.key), "{}", t.key);
            continue;
        };
        let mut cells = vec![vec![0u8; usize::from(l.columns)]; usize::from(l.rows)];
        for b in l.boxes {
            assert!(t.section(b.section).is_some(), "{}.{}", t.key, b.section);
            for row in b.row..b.row + b.height {
                for col in b.column..b.column + b.width {
                    cells[usize::from(row)][usize::from(col)] += 1;
                }
            }
        }
        assert!(
            cells.iter().flatten().all(|&c| c == 1),
            "{}: {cells:?}",
            t.key
        );
        let order: Vec<_> = l.boxes.iter().map(|b| b.section).collect();
        let sections: Vec<_> = t.sections.iter().map(|s| s.id).collect();
        assert_eq!(order, sections, "{}", t.key);
    }
}

#[test]
fn ustg_has_the_case_fields_and_the_questions_of_the_spec() {
    assert_eq!(USTG.key, "ustg");
    assert_eq!(USTG.title, "Umsatzsteuer-Check (§ 2b UStG)");
    assert_eq!(USTG.intro, "Vorprüfung, keine Steuerberatung");
    assert_eq!(
        labels(&USTG),
        [
            ("faelle", "Leistungsbeziehungen"),
            ("offene_fragen", "Offene Fragen an Steuerberatung/Finanzamt"),
            ("kosten", "Auswirkung auf Kosten"),
        ]
    );
    assert_eq!(
        USTG.section("kosten").map(|s| s.prompt),
        Some("Umsatzsteuer und Vorsteuerabzug in der Kostenplanung berücksichtigt?")
    );
    let faelle = USTG.section("faelle").expect("faelle");
    let facts: Vec<_> = faelle.fields.iter().take(5).map(|f| f.label).collect();
    assert_eq!(
        facts,
        [
            "Leistende Stelle",
            "Empfänger",
            "Leistung",
            "Entgelt/Kostenerstattung (€/Jahr)",
            "Grundlage"
        ]
    );
    assert_eq!(&faelle.fields[5..], QUESTIONS);
    let keys: Vec<_> = QUESTIONS.iter().map(|q| q.key).collect();
    assert_eq!(
        keys,
        ["ust_q1", "ust_q2", "ust_q3", "ust_q4", "ust_q5a", "ust_q5b", "ust_q5c", "ust_q5d"]
    );
    assert!(QUESTIONS.iter().all(|q| q.prompt == "ja / nein / unklar"));
    assert_eq!(
        QUESTIONS[0].label,
        "1 Öffentlich-rechtliche Grundlage? (Abs. 1)"
    );
    // The threshold in question 3 is the legal table's.
    assert_eq!(euro_de(PARAGRAPH_2B.threshold_eur), "17.500 €");
    assert!(QUESTIONS[2]
        .label
        .contains(&format!("≤ {}/Jahr", euro_de(PARAGRAPH_2B.threshold_eur))));
    assert_eq!(PARAGRAPH_2B.threshold_source, "§ 2b Abs. 2 Nr. 1 UStG");
    // Every question has its reference in the table, in order.
    let refs: Vec<_> = PARAGRAPH_2B.references.iter().map(|r| r.0).collect();
    let short: Vec<_> = keys.iter().map(|k| k.trim_start_matches("ust_")).collect();
    assert_eq!(refs, short);
    assert_eq!(euro_de(1_234_567), "1.234.567 €");
    assert_eq!(euro_de(500), "500 €");
}

#[test]
fn scrum_has_goal_roles_columns_plan_and_relevanzcheck() {
    assert_eq!(SCRUM.title, "Scrum-Board");
    assert_eq!(
        labels(&SCRUM),
        [
            ("produktziel", "Produktziel"),
            ("rollen", "Rollen"),
            ("backlog", "Product Backlog"),
            ("sprint", "Sprint-Backlog"),
            ("in_arbeit", "In Arbeit"),
            ("erledigt", "Erledigt"),
            ("hindernisse", "Hindernisse"),
            ("ablauf", "Ablauf planen"),
            ("relevanz", "Relevanzcheck"),
            ("passung", "Wo passt es, wo nicht?"),
        ]
    );
    let items = |id| -> Vec<&str> {
        SCRUM
            .section(id)
            .map_or(vec![], |s| s.items.iter().map(|i| i.label).collect())
    };
    assert_eq!(
        items("rollen"),
        ["Product Owner", "Scrum Master", "Umsetzungsteam"]
    );
    assert_eq!(
        items("ablauf"),
        [
            "Sprint-Länge",
            "Sprint Planning",
            "Daily (15 Min.)",
            "Sprint Review",
            "Retrospektive"
        ]
    );
    assert!(SCRUM.section("ablauf").is_some_and(|s| s.tasks && s.closed));
    assert_eq!(
        SCRUM.section("backlog").map(|s| s.prompt),
        Some("Als … möchte ich …, damit …")
    );
    for id in SCRUM_COLUMNS {
        let s = SCRUM.section(id).expect(id);
        assert!(
            s.has_field("aufwand") && s.has_field("akzeptanzkriterien"),
            "{id}"
        );
    }
    assert_eq!(EFFORT_POINTS, [1, 2, 3, 5, 8, 13]);
    assert_eq!(
        RELEVANZ.question,
        "Wie gut passt Scrum zu meinem Tätigkeitsfeld?"
    );
    assert_eq!(
        SCRUM.section("relevanz").map(|s| s.criteria),
        Some(&[RELEVANZ][..])
    );
}

#[test]
fn barcamp_has_proposals_documentation_and_the_market() {
    assert_eq!(BARCAMP.title, "BarCamp-Planung & Kooperationsbörse");
    assert_eq!(
        labels(&BARCAMP),
        [
            ("vorschlaege", "Session-Vorschläge"),
            ("dokumentation", "Dokumentation je Session"),
            ("suche", "Suche"),
            ("biete", "Biete"),
        ]
    );
    let fields = |id| -> Vec<&str> {
        BARCAMP
            .section(id)
            .map_or(vec![], |s| s.fields.iter().map(|f| f.label).collect())
    };
    assert_eq!(
        fields("vorschlaege"),
        ["Sessiongeber/in", "Format", "Zeitfenster", "Raum"]
    );
    assert_eq!(
        fields("dokumentation"),
        ["Kernaussagen", "offene Fragen", "Wer macht weiter?"]
    );
    for id in ["suche", "biete"] {
        assert_eq!(
            BARCAMP.section(id).map(|s| s.prompt),
            Some("Welche Kommune sucht oder bietet was (Know-how, Lösung, Partner)?")
        );
    }
}

// --- 5. Veränderung & Widerstände -----------------------------------------

#[test]
fn heat_map_means_per_level_by_hand() {
    let t = &VERAENDERUNG;
    let mut b = BoardState::default();
    let politik = fixed_card_id(t.key, "ebene-politik");
    let mitarbeitende = fixed_card_id(t.key, "ebene-mitarbeitende");
    let key = BEREITSCHAFT.key;
    // Politik & Gremien: 1, 2, 2 and one "weiß nicht".
    rate(&mut b, t, &person("p1", "Astadt"), &politik, key, 1);
    rate(&mut b, t, &person("p2", "Astadt"), &politik, key, 2);
    rate(&mut b, t, &person("p3", "Bdorf"), &politik, key, 2);
    rate(&mut b, t, &person("p4", "Bdorf"), &politik, key, 0);
    // Mitarbeitende: Astadt 3, 4, 5; Bdorf 5.
    rate(&mut b, t, &person("p1", "Astadt"), &mitarbeitende, key, 3);
    rate(&mut b, t, &person("p2", "Astadt"), &mitarbeitende, key, 4);
    rate(&mut b, t, &person("p5", "Astadt"), &mitarbeitende, key, 5);
    rate(&mut b, t, &person("p3", "Bdorf"), &mitarbeitende, key, 5);

    let map = heat_map(&b, t);
    // Every level is a row, in the template's order, rated or not.
    let rows: Vec<_> = map.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(rows[0], "Politik & Gremien");
    assert_eq!(rows.len(), 6);
    let p = &map[0];
    // (1 + 2 + 2) / 3 = 1.666…; median 2; "weiß nicht" counted apart.
    assert!(close(p.aggregate.mean.expect("mean"), 5.0 / 3.0));
    assert_eq!(p.aggregate.median, Some(2.0));
    assert_eq!((p.aggregate.n, p.aggregate.dont_know), (3, 1));
    assert_eq!(p.counts, [1, 2, 0, 0, 0]);
    assert_eq!(p.aggregate.consensus, Some(Consensus::Konsens));
    let m = &map[3];
    assert_eq!(m.label, "Mitarbeitende");
    // (3 + 4 + 5 + 5) / 4 = 4.25; median (4 + 5) / 2 = 4.5.
    assert!(close(m.aggregate.mean.expect("mean"), 4.25));
    assert_eq!(m.aggregate.median, Some(4.5));
    assert_eq!(m.counts, [0, 0, 1, 1, 2]);
    // Per Kommune only where 3 of it rated: Astadt (3 + 4 + 5) / 3 = 4.
    let astadt = m
        .by_kommune
        .iter()
        .find(|k| k.kommune == "Astadt")
        .expect("Astadt");
    let agg = astadt.per_criterion[0].as_ref().expect("three raters");
    assert!(close(agg.mean.expect("mean"), 4.0));
    let bdorf = m
        .by_kommune
        .iter()
        .find(|k| k.kommune == "Bdorf")
        .expect("Bdorf");
    assert_eq!(bdorf.per_criterion, [None]);
    // An unrated level: no mean, no counts.
    assert_eq!(map[1].aggregate.mean, None);
    assert_eq!(map[1].counts, [0; 5]);
}

#[test]
fn force_field_balance_by_hand() {
    let t = &VERAENDERUNG;
    let mut b = BoardState::default();
    let a = person("p1", "Astadt");
    ok(&mut b, t, &a, add("t1", "treibend", "Fachkräftemangel"));
    ok(&mut b, t, &a, add("t2", "treibend", "Förderprogramm"));
    ok(&mut b, t, &a, add("t3", "treibend", "OZG"));
    ok(
        &mut b,
        t,
        &a,
        add("h1", "hemmend", "Angst vor Kompetenzabgabe"),
    );
    ok(&mut b, t, &a, add("h2", "hemmend", "Haushaltssperre"));
    let k = STAERKE.key;
    rate(&mut b, t, &person("p1", "Astadt"), "t1", k, 4);
    rate(&mut b, t, &person("p2", "Bdorf"), "t1", k, 5);
    rate(&mut b, t, &person("p1", "Astadt"), "t2", k, 3);
    rate(&mut b, t, &person("p1", "Astadt"), "h1", k, 5);
    rate(&mut b, t, &person("p2", "Bdorf"), "h1", k, 5);
    rate(&mut b, t, &person("p3", "Bdorf"), "h1", k, 2);
    rate(&mut b, t, &person("p1", "Astadt"), "h2", k, 1);
    let f = force_field(&b);
    // Driving: t1 (4 + 5) / 2 = 4.5, t2 3, t3 unrated → 7.5.
    let strengths: Vec<_> = f.driving.forces.iter().map(|x| x.strength).collect();
    assert_eq!(strengths, [Some(4.5), Some(3.0), None]);
    assert!(close(f.driving.sum, 7.5));
    assert_eq!(f.driving.unrated, 1);
    // Restraining: h1 (5 + 5 + 2) / 3 = 4, h2 1 → 5.
    assert!(close(f.restraining.sum, 5.0));
    assert_eq!(f.restraining.unrated, 0);
    // Balance 7.5 − 5 = 2.5: the driving forces outweigh.
    assert!(close(f.balance, 2.5));
    // An empty board balances at 0.
    let empty = force_field(&BoardState::default());
    assert!(close(empty.balance, 0.0) && empty.driving.forces.is_empty());
}

#[test]
fn levels_take_their_fields_and_fears_carry_to_the_canvas_risks() {
    let t = &VERAENDERUNG;
    let mut b = BoardState::default();
    let spitze = fixed_card_id(t.key, "ebene-spitze");
    let personalrat = fixed_card_id(t.key, "ebene-personalvertretung");
    type_into(
        &mut b,
        t,
        &spitze,
        "unterstuetzungsbedarf",
        "Klare Ansage im Verwaltungsvorstand",
    );
    type_into(
        &mut b,
        t,
        &personalrat,
        "befuerchtungen",
        "Versetzung an einen anderen Ort",
    );
    type_into(
        &mut b,
        t,
        &personalrat,
        "unterstuetzungsbedarf",
        "Dienstvereinbarung",
    );
    assert_eq!(
        support_needs(&b, t),
        [
            (
                "Verwaltungsspitze".to_owned(),
                "Klare Ansage im Verwaltungsvorstand".to_owned()
            ),
            (
                "Personalvertretung".to_owned(),
                "Dienstvereinbarung".to_owned()
            ),
        ]
    );
    // Levels are fixed: no cards of one's own, none deleted.
    let a = person("p1", "Astadt");
    assert_eq!(
        run(&mut b, t, &a, &add("x", "ebenen", "Kreistag")),
        Err(OpError::SectionClosed)
    );
    assert_eq!(
        run(
            &mut b,
            t,
            &a,
            &Op::DeleteCard {
                card_id: spitze.clone()
            }
        ),
        Err(OpError::FixedItem)
    );
    // A field a level does not have is refused.
    let seq = b
        .find(&spitze)
        .expect("level")
        .2
        .seq(TextField::Field("aufwand"));
    let edits = seq.splice_edits(
        &Splice {
            at: 0,
            removed: 0,
            inserted: "3".into(),
        },
        &mut Clock::new(9),
    );
    let op = Op::EditText {
        card_id: spitze,
        field: TextField::Field("aufwand"),
        edits,
    };
    assert_eq!(run(&mut b, t, &a, &op), Err(OpError::UnknownField));
    // The fears go to the canvas: the carry-over's two ops are planned …
    let target = VERAENDERUNG.section("ebenen").expect("ebenen").carry_to[0];
    let plan = carry_over(&b, t, &personalrat, &target, "c1").expect("carry");
    assert_eq!(plan.target_template, "canvas");
    match &plan.copy {
        Op::AddCopy { section, text, .. } => {
            assert_eq!(
                (section.as_str(), text.as_str()),
                ("risiken", "Versetzung an einen anderen Ort")
            );
        }
        other => panic!("{other:?}"),
    }
    // … the origin board records the copy …
    ok(&mut b, t, &a, plan.link_back.clone());
    assert_eq!(b.find(&personalrat).expect("level").2.copies.len(), 1);
    // … and the canvas takes the copy (the method is offered).
    let mut canvas = BoardState::default();
    assert_eq!(run(&mut canvas, &templates::CANVAS, &a, &plan.copy), Ok(()));
}

// --- 7. Umsatzsteuer-Check ------------------------------------------------

fn answers(text: &str) -> [Option<Answer>; 8] {
    // One letter per question: j ja, n nein, u unklar, - none.
    let mut out = [None; 8];
    for (slot, c) in out.iter_mut().zip(text.chars()) {
        *slot = match c {
            'j' => Some(Answer::Ja),
            'n' => Some(Answer::Nein),
            'u' => Some(Answer::Unklar),
            _ => None,
        };
    }
    out
}

#[test]
fn the_2b_hint_for_each_branch() {
    //                 1 2 3 4 5a5b5c5d
    let cases = [
        // Q1 nein → taxable, whatever else.
        ("n-------", Hint::Steuerbar),
        ("nnjjjjjj", Hint::Steuerbar),
        // Q1 ja and Q3 ja / Q4 ja / all of 5a-d ja → possibly not taxable.
        ("j-j-----", Hint::NichtSteuerbar),
        ("jn-j----", Hint::NichtSteuerbar),
        ("jnnnjjjj", Hint::NichtSteuerbar),
        // Three of 5a-d are not enough.
        ("jnnnjjjn", Hint::Unklar),
        ("jnnnjjj-", Hint::Unklar),
        // Q2 ja without an exception → taxable.
        ("jj------", Hint::Steuerbar),
        ("jjnn----", Hint::Steuerbar),
        ("-j------", Hint::Steuerbar),
        ("uj------", Hint::Steuerbar),
        // Q2 ja but an exception of Abs. 2 or 3 with Q1 ja: the exception
        // decides (the one deviation from the spec's order, see the notes).
        ("jjj-----", Hint::NichtSteuerbar),
        ("jj-j----", Hint::NichtSteuerbar),
        // An exception without Q1 ja is not enough.
        ("u-j-----", Hint::Unklar),
        ("--jjjjjj", Hint::Unklar),
        // Nothing answered, or only "unklar".
        ("--------", Hint::Unklar),
        ("uuuuuuuu", Hint::Unklar),
        ("jn------", Hint::Unklar),
    ];
    for (text, expected) in cases {
        assert_eq!(hint(&answers(text)), expected, "{text}");
    }
    assert_eq!(
        Hint::Steuerbar.label_de(),
        "Steuerbarkeit wahrscheinlich – klären"
    );
    assert_eq!(
        Hint::NichtSteuerbar.label_de(),
        "Nichtsteuerbarkeit nach § 2b möglich – bestätigen lassen"
    );
    assert_eq!(Hint::Unklar.label_de(), "unklar");
}

#[test]
fn cases_on_a_board_give_hints_open_questions_and_the_threshold_check() {
    let t = &USTG;
    let mut b = BoardState::default();
    let a = person("p1", "Astadt");
    ok(&mut b, t, &a, add("f1", "faelle", "Bauhof mäht für Bdorf"));
    ok(
        &mut b,
        t,
        &a,
        add("f2", "faelle", "Gemeinsame Vollstreckung"),
    );
    ok(&mut b, t, &a, add("f3", "faelle", "IT-Betrieb"));
    // f1: ja, nein, ja (but 20.000 € Entgelt); the rest unanswered.
    type_into(&mut b, t, "f1", "entgelt", "20.000 €");
    type_into(&mut b, t, "f1", "ust_q1", " Ja ");
    type_into(&mut b, t, "f1", "ust_q2", "nein");
    type_into(&mut b, t, "f1", "ust_q3", "ja");
    // f2: ja, and all of 5a-d ja; Entgelt 12.000 €.
    type_into(&mut b, t, "f2", "entgelt", "12.000");
    for q in ["ust_q1", "ust_q5a", "ust_q5b", "ust_q5c", "ust_q5d"] {
        type_into(&mut b, t, "f2", q, "ja");
    }
    type_into(&mut b, t, "f2", "ust_q2", "unklar");
    // f3: privatrechtlicher Vertrag → Q1 nein; Q2 "vielleicht" is no answer.
    type_into(&mut b, t, "f3", "ust_q1", "NEIN");
    type_into(&mut b, t, "f3", "ust_q2", "vielleicht");
    let hints = case_hints(&b, t);
    let got: Vec<_> = hints.iter().map(|h| (h.card_id.as_str(), h.hint)).collect();
    assert_eq!(
        got,
        [
            ("f1", Hint::NichtSteuerbar),
            ("f2", Hint::NichtSteuerbar),
            ("f3", Hint::Steuerbar)
        ]
    );
    assert!(hints
        .iter()
        .all(|h| h.disclaimer == "Vorprüfung, keine Steuerberatung"));
    assert_eq!(
        hints[0].hint_de,
        "Nichtsteuerbarkeit nach § 2b möglich – bestätigen lassen"
    );
    // 20 000 € > 17 500 € while Q3 says ja: look again.
    assert_eq!(hints[0].entgelt_eur, Some(20_000.0));
    assert!(hints[0].check_threshold);
    assert_eq!(hints[1].entgelt_eur, Some(12_000.0));
    assert!(!hints[1].check_threshold);
    // Open questions: those not answered ja or nein.
    let open = |i: usize| -> Vec<&str> { hints[i].open_questions.iter().map(|q| q.key).collect() };
    assert_eq!(
        open(0),
        ["ust_q4", "ust_q5a", "ust_q5b", "ust_q5c", "ust_q5d"]
    );
    assert_eq!(open(1), ["ust_q2", "ust_q3", "ust_q4"]);
    assert_eq!(open(2).len(), 7);
    assert_eq!(
        source_note(),
        "Vorprüfung, keine Steuerberatung. Schwelle 17.500 € (§ 2b Abs. 2 Nr. 1 UStG), Stand 01.12.2026."
    );
}

#[test]
fn entgelt_reads_as_euros_or_not_at_all() {
    assert_eq!(parse_euro("12.000"), Some(12_000.0));
    assert_eq!(parse_euro("12 000 €"), Some(12_000.0));
    assert_eq!(parse_euro("1.234,50 €"), Some(1_234.5));
    assert_eq!(parse_euro("17500"), Some(17_500.0));
    assert_eq!(parse_euro("17.500 €/Jahr"), Some(17_500.0));
    assert_eq!(parse_euro("ca. 5000"), None);
    assert_eq!(parse_euro(""), None);
    assert_eq!(parse_euro("-"), None);
    assert_eq!(Answer::parse(" UNKLAR\n"), Some(Answer::Unklar));
    assert_eq!(Answer::parse("j"), None);
}

// --- 8. Scrum-Board --------------------------------------------------------

#[test]
fn effort_sums_per_column_by_hand_as_stories_move() {
    let t = &SCRUM;
    let mut b = BoardState::default();
    let a = person("p1", "Astadt");
    let stories = [
        ("s1", "3"),
        ("s2", "5"),
        ("s3", "4"),
        ("s4", ""),
        ("s5", "8"),
        ("s6", "13"),
        ("s7", "2"),
        ("s8", " 1 "),
    ];
    for (id, points) in stories {
        ok(
            &mut b,
            t,
            &a,
            add(id, "backlog", &format!("Als Bürgerin möchte ich {id}")),
        );
        if !points.is_empty() {
            type_into(&mut b, t, id, "aufwand", points);
        }
    }
    let mv = |id: &str, to: &str| Op::MoveCard {
        card_id: id.into(),
        section: to.into(),
        index: 99,
    };
    for (id, to) in [
        ("s2", "sprint"),
        ("s5", "sprint"),
        ("s6", "in_arbeit"),
        ("s7", "erledigt"),
        ("s8", "erledigt"),
    ] {
        ok(&mut b, t, &a, mv(id, to));
    }
    let sums: Vec<_> = effort_sums(&b, t)
        .iter()
        .map(|c| (c.section, c.stories, c.points, c.unestimated))
        .collect();
    // backlog: s1 3 + s3 "4" (no valid point) + s4 empty → 3, two unestimated;
    // sprint 5 + 8 = 13; in Arbeit 13; erledigt 2 + 1 = 3.
    assert_eq!(
        sums,
        [
            ("backlog", 3, 3, 2),
            ("sprint", 2, 13, 0),
            ("in_arbeit", 1, 13, 0),
            ("erledigt", 2, 3, 0)
        ]
    );
    // A story keeps its effort across the move.
    assert_eq!(
        b.find("s6")
            .expect("s6")
            .2
            .field_text(TextField::Field("aufwand")),
        "13"
    );
    assert_eq!(effort("21"), None);
    assert_eq!(effort("0"), None);
    // Roles and the plan are fixed; the roles section takes no own cards.
    let po = fixed_card_id(t.key, "rolle-po");
    assert_eq!(
        run(&mut b, t, &a, &mv(&po, "backlog")),
        Err(OpError::FixedItem)
    );
    assert_eq!(
        run(&mut b, t, &a, &add("r", "rollen", "Controller")),
        Err(OpError::SectionClosed)
    );
    // A story cannot move into a fixed-items section.
    assert_eq!(
        run(&mut b, t, &a, &mv("s1", "ablauf")),
        Err(OpError::SectionClosed)
    );
    // The plan's items take a date and who.
    let daily = fixed_card_id(t.key, "ablauf-daily");
    let due = Op::SetAttribute {
        card_id: daily.clone(),
        attribute: Attribute::Due(Some("2027-01-11".into())),
    };
    ok(&mut b, t, &a, due);
    type_into(&mut b, t, &daily, "wer", "Scrum Master");
    let card = b.find(&daily).expect("daily").2;
    assert_eq!(card.due.as_deref(), Some("2027-01-11"));
    assert_eq!(card.field_text(TextField::Field("wer")), "Scrum Master");
}

#[test]
fn relevanzcheck_aggregate_by_hand() {
    let t = &SCRUM;
    let mut b = BoardState::default();
    let card = fixed_card_id(t.key, "relevanz-passung");
    rate(&mut b, t, &person("p1", "Astadt"), &card, RELEVANZ.key, 2);
    rate(&mut b, t, &person("p2", "Astadt"), &card, RELEVANZ.key, 4);
    rate(&mut b, t, &person("p3", "Astadt"), &card, RELEVANZ.key, 5);
    let r = relevance(&b, t);
    assert_eq!(r.len(), 1);
    // (2 + 4 + 5) / 3 = 3.666…, spread 3 → Dissens.
    assert!(close(r[0].aggregate.mean.expect("mean"), 11.0 / 3.0));
    assert_eq!(r[0].aggregate.consensus, Some(Consensus::Dissens));
    assert_eq!(r[0].by_kommune.len(), 1);
    // The cards "Wo passt es, wo nicht?" are not rated.
    ok(
        &mut b,
        t,
        &person("p1", "Astadt"),
        add("w1", "passung", "Bauhof-Projekte"),
    );
    let op = Op::Rate {
        card_id: "w1".into(),
        criterion: CriterionKey::new(RELEVANZ.key),
        value: Some(RatingSlot::Given(RatingValue::Score(3))),
    };
    assert_eq!(
        run(&mut b, t, &person("p1", "Astadt"), &op),
        Err(OpError::NotAnIdea)
    );
}

// --- 9. BarCamp -------------------------------------------------------------

#[test]
fn keywords_are_folded_long_words_without_stopwords() {
    assert_eq!(
        keywords("Suche Know-how zur E-Akte im Bauhof"),
        ["akte", "bauhof"]
    );
    assert_eq!(
        keywords("Größere Straßen, größere Straßen!"),
        ["groessere", "strassen"]
    );
    assert!(keywords("Kommune sucht Partner").is_empty());
}

#[test]
fn suche_biete_matches_by_hand() {
    let t = &BARCAMP;
    let mut b = BoardState::default();
    let astadt = person("p1", "Astadt");
    let bdorf = person("p2", "Bdorf");
    let cstadt = person("p3", "Cstadt");
    let nowhere = person("p4", "");
    ok(
        &mut b,
        t,
        &astadt,
        add(
            "s1",
            "suche",
            "Wir suchen Erfahrung mit der Friedhofsverwaltung",
        ),
    );
    ok(
        &mut b,
        t,
        &bdorf,
        add("s2", "suche", "Partner für Bauhof gesucht"),
    );
    ok(
        &mut b,
        t,
        &cstadt,
        add("s3", "suche", "Kommune sucht Partner"),
    );
    ok(
        &mut b,
        t,
        &bdorf,
        add("b1", "biete", "Biete Friedhof-Software und Schulung"),
    );
    // Same Kommune as s1: no partner for it.
    ok(
        &mut b,
        t,
        &astadt,
        add("b2", "biete", "Friedhofsverwaltung digital"),
    );
    ok(
        &mut b,
        t,
        &cstadt,
        add("b3", "biete", "Erfahrungen im Winterdienst"),
    );
    ok(
        &mut b,
        t,
        &cstadt,
        add("b4", "biete", "Bauhof-Kooperation: Maschinen teilen"),
    );
    // No Kommune known: no badge, no match.
    ok(
        &mut b,
        t,
        &nowhere,
        add("b5", "biete", "Bauhof und Friedhof"),
    );
    let got: Vec<_> = matches(&b)
        .into_iter()
        .map(|m| (m.suche, m.biete, m.suche_kommune, m.biete_kommune, m.shared))
        .collect();
    let m = |s: &str, b: &str, sk: &str, bk: &str, shared: &[&str]| {
        (
            s.to_owned(),
            b.to_owned(),
            sk.to_owned(),
            bk.to_owned(),
            shared.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        got,
        [
            // "friedhof" (8 ≥ 5 characters) begins "friedhofsverwaltung".
            m("s1", "b1", "Astadt", "Bdorf", &["friedhofsverwaltung"]),
            // "erfahrung" begins "erfahrungen".
            m("s1", "b3", "Astadt", "Cstadt", &["erfahrung"]),
            m("s2", "b4", "Bdorf", "Cstadt", &["bauhof"]),
        ]
    );
}

#[test]
fn session_plan_by_hand() {
    let t = &BARCAMP;
    let mut b = BoardState::default();
    let a = person("p1", "Astadt");
    for (id, title, slot, room) in [
        ("p1", "E-Akte gemeinsam", "10:00", "A"),
        ("p2", "KI im Bürgerbüro", "09:30", "B"),
        ("p3", "Bauhof teilen", "10:00", "A"),
        ("p4", "Ohne Platz", "", ""),
        ("p5", "Nur Zeit", "11:00", ""),
    ] {
        ok(&mut b, t, &a, add(id, "vorschlaege", title));
        if !slot.is_empty() {
            type_into(&mut b, t, id, "zeitfenster", slot);
        }
        if !room.is_empty() {
            type_into(&mut b, t, id, "raum", room);
        }
    }
    type_into(&mut b, t, "p1", "format", "Praxisbericht");
    let dot = |id: &str| Op::Dot {
        card_id: id.into(),
        add: true,
    };
    ok(&mut b, t, &person("v1", "Astadt"), dot("p4"));
    ok(&mut b, t, &person("v2", "Bdorf"), dot("p4"));
    ok(&mut b, t, &person("v2", "Bdorf"), dot("p5"));
    ok(&mut b, t, &person("v1", "Astadt"), dot("p1"));
    let plan = session_plan(&b, t);
    assert_eq!(plan.slots, ["09:30", "10:00"]);
    assert_eq!(plan.rooms, ["A", "B"]);
    let placed: Vec<_> = plan
        .sessions
        .iter()
        .map(|s| (s.card_id.as_str(), s.slot.as_str(), s.room.as_str(), s.dots))
        .collect();
    assert_eq!(
        placed,
        [
            ("p2", "09:30", "B", 0),
            ("p1", "10:00", "A", 1),
            ("p3", "10:00", "A", 0)
        ]
    );
    assert_eq!(plan.clashes, [("10:00".to_owned(), "A".to_owned())]);
    let waiting: Vec<_> = plan
        .unplanned
        .iter()
        .map(|s| (s.card_id.as_str(), s.dots))
        .collect();
    assert_eq!(waiting, [("p4", 2), ("p5", 1)]);
    // A session's documentation links to its proposal.
    ok(&mut b, t, &a, add("d1", "dokumentation", "E-Akte"));
    type_into(
        &mut b,
        t,
        "d1",
        "kernaussagen",
        "Gemeinsamer Betrieb spart Lizenzen",
    );
    let link = Op::LinkCards {
        card_id: "d1".into(),
        target_id: "p1".into(),
        linked: true,
    };
    ok(&mut b, t, &a, link);
    assert_eq!(b.find("d1").expect("d1").2.links, ["p1"]);
}

#[test]
fn only_the_moderator_sets_slot_and_room() {
    let t = &BARCAMP;
    let proposals = t.section("vorschlaege").expect("vorschlaege");
    let assigned: Vec<_> = proposals
        .fields
        .iter()
        .filter(|f| f.moderator_only)
        .map(|f| f.key)
        .collect();
    assert_eq!(assigned, ["zeitfenster", "raum"]);
    // Nothing else in any template is the moderator's.
    let elsewhere = templates::ALL
        .iter()
        .flat_map(|t| t.sections)
        .flat_map(|s| s.fields)
        .filter(|f| f.moderator_only && !assigned.contains(&f.key))
        .count();
    assert_eq!(elsewhere, 0);

    let mut b = BoardState::default();
    let anna = person("p1", "Astadt");
    ok(
        &mut b,
        t,
        &anna,
        add("s1", "vorschlaege", "E-Akte gemeinsam"),
    );
    let mut clock = Clock::new(7);
    let set = |b: &BoardState, key: &str, text: &str, clock: &mut Clock| {
        set_field_op(b, t, "s1", key, text, clock)
            .expect("op")
            .expect("a change")
    };
    // A participant (even with a forged name) cannot set slot or room.
    let slot = set(&b, "zeitfenster", "10:00", &mut clock);
    assert_eq!(run(&mut b, t, &anna, &slot), Err(OpError::ModeratorOnly));
    let posing = Author {
        id: ikz_domain::board::MODERATOR_ID.into(),
        ..anna.clone()
    };
    assert_eq!(run(&mut b, t, &posing, &slot), Err(OpError::ModeratorOnly));
    assert_eq!(
        b.find("s1")
            .expect("s1")
            .2
            .field_text(TextField::Field("zeitfenster")),
        ""
    );
    // The moderator can; the whole text replaced the second time.
    let moderator = Author::moderator();
    ok(&mut b, t, &moderator, slot);
    let room = set(&b, "raum", "Saal A", &mut clock);
    ok(&mut b, t, &moderator, room);
    let later = set(&b, "zeitfenster", "11:30", &mut clock);
    ok(&mut b, t, &moderator, later);
    let card = b.find("s1").expect("s1").2;
    assert_eq!(card.field_text(TextField::Field("zeitfenster")), "11:30");
    assert_eq!(card.field_text(TextField::Field("raum")), "Saal A");
    assert_eq!(
        set_field_op(&b, t, "s1", "raum", "Saal A", &mut clock),
        Ok(None)
    );
    let plan = session_plan(&b, t);
    assert_eq!(plan.slots, ["11:30"]);
    assert_eq!(plan.rooms, ["Saal A"]);
    // The participant still edits every other field of the proposal.
    let format = set(&b, "format", "Impuls", &mut clock);
    ok(&mut b, t, &anna, format);
    // The moderator's flag travels with the op's author (logs, fan-out);
    // an author logged without it is a participant.
    let json = serde_json::to_string(&moderator).expect("author");
    assert!(json.contains("\"moderator\":true"), "{json}");
    let old: Author = serde_json::from_str(r#"{"id":"p1","name":"Anna"}"#).expect("old author");
    assert!(!old.moderator);
    assert!(!serde_json::to_string(&anna)
        .expect("author")
        .contains("moderator"));
    // Unknown fields, cards and overlong texts are refused before any op.
    assert_eq!(
        set_field_op(&b, t, "s1", "nope", "x", &mut clock),
        Err(OpError::UnknownField)
    );
    assert_eq!(
        set_field_op(&b, t, "zz", "raum", "x", &mut clock),
        Err(OpError::UnknownCard)
    );
}

#[test]
fn a_stored_board_of_each_reads_back() {
    // Fields of the new templates survive the JSON a board is stored as,
    // text histories included (their keys are known to field_def).
    let t = &USTG;
    let mut b = BoardState::default();
    ok(
        &mut b,
        t,
        &person("p1", "Astadt"),
        add("f1", "faelle", "Fall"),
    );
    type_into(&mut b, t, "f1", "ust_q1", "ja");
    let json = serde_json::to_string(&b).expect("serialises");
    let back: BoardState = serde_json::from_str(&json).expect("reads back");
    assert_eq!(back, b);
    assert!(json.contains("ust_q1"));
}

#[test]
fn choice_fields_are_declared_fields_and_agree_with_the_figures() {
    for (key, words) in CHOICE_FIELDS {
        assert!(templates::field_def(key).is_some(), "{key}");
        assert!(!words.is_empty());
    }
    for q in QUESTIONS {
        let words = choices(q.key).expect("a question is a choice");
        assert!(
            words.iter().all(|w| Answer::parse(w).is_some()),
            "{}",
            q.key
        );
    }
    // Every effort choice is a valid effort, and every valid effort a choice.
    let points: Vec<u32> = choices("aufwand")
        .expect("aufwand")
        .iter()
        .filter_map(|w| effort(w))
        .collect();
    assert_eq!(points, EFFORT_POINTS);
    assert_eq!(
        choices("format"),
        Some(&["Impuls", "Diskussion", "Frage", "Praxisbericht"][..])
    );
    assert_eq!(choices("leistung"), None);
}

#[test]
fn a_phase_item_carries_to_the_scrum_backlog_as_a_story() {
    let anna = person("a", "Astadt");
    let phases_t = templates::find("phasen").expect("phasen");
    let mut phases = BoardState::default();
    let item = fixed_card_id("phasen", "umsetzung-2");
    type_into(&mut phases, phases_t, &item, "wer", "Kämmerei");
    let target = *phases_t
        .section("umsetzung")
        .expect("umsetzung")
        .carry_to
        .iter()
        .find(|c| c.template == "scrum")
        .expect("a Scrum target");
    assert_eq!((target.section, target.field), ("backlog", None));
    let plan = carry_over(&phases, phases_t, &item, &target, "s1").expect("allowed");
    let mut scrum = BoardState::default();
    ok(&mut scrum, &SCRUM, &anna, plan.copy);
    ok(&mut phases, phases_t, &anna, plan.link_back);
    let (section, _, story) = scrum.find("s1").expect("story");
    assert_eq!(section, "backlog");
    assert_eq!(
        story.text,
        "Prozesse dokumentieren und standardisieren – Wer: Kämmerei"
    );
    assert_eq!(phases.find(&item).expect("item").2.copies.len(), 1);
    // The story is a backlog card like any other: it takes its effort.
    type_into(&mut scrum, &SCRUM, "s1", "aufwand", "3");
    assert_eq!(effort_sums(&scrum, &SCRUM)[0].points, 3);
}
