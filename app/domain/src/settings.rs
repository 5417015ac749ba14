//! Session settings the moderator controls: which methods the groups get,
//! the criteria weights of the KI scoring, and whether ratings are visible.

use super::board::{BoardState, Op, OpError};
use super::evaluation::joint::{merges_after, IdeaMerge, MergeChange, MergeError};
use super::evaluation::redaction::SingleRatings;
use super::evaluation::{ScoringError, Weights, KI_CRITERIA};
use super::rating;
use super::steering::{Stage, Timer, TimerAction};
use super::templates::{self, Section};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionSettings {
    /// Template keys of the methods this session uses, in display order.
    pub methods: Vec<String>,
    pub weights: Weights,
    /// Blind rating: until the moderator reveals, each participant sees only
    /// their own ratings and how many have rated.
    pub ratings_revealed: bool,
    /// Counts every hide/reveal, so a browser that missed one asks for a
    /// fresh snapshot instead of ops it could not have seen.
    pub reveal_epoch: u64,
    /// "Einzelbewertungen in Dokumenten": off (aggregates only, the
    /// default), pseudonymous ("Person 1") or named; raw-rating sheets are
    /// pseudonymous unless named ([`crate::evaluation::redaction`]).
    pub single_ratings: SingleRatings,
    /// The moderator's merges of ideas in the joint ranking
    /// ("zusammenführen").
    pub merges: Vec<IdeaMerge>,
    /// Template keys of methods whose boards are read-only for participants.
    pub locked: Vec<String>,
    /// Dots each participant may give per board (0: no dot voting).
    pub dots_per_person: u8,
    /// What the projector shows.
    pub stage: Stage,
    pub timer: Timer,
    /// The moderator closed joining: nobody new gets in, those already
    /// joined keep working.
    pub joining_closed: bool,
    /// "Schritt 2: Strategien": the second step of a method (the SWOT's
    /// TOWS strategies) is open for new cards. Off until the moderator
    /// switches it on, also in sessions stored before the switch existed,
    /// whose strategy cards stay visible ([`Self::section_shown`]).
    pub strategies: bool,
}

/// Most dots a moderator can hand out per person and board.
pub const MAX_DOTS: u8 = 20;

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            methods: templates::DEFAULT_METHODS.map(str::to_owned).to_vec(),
            weights: Weights::default(),
            ratings_revealed: false,
            reveal_epoch: 0,
            single_ratings: SingleRatings::default(),
            merges: Vec::new(),
            locked: Vec::new(),
            dots_per_person: 0,
            stage: Stage::default(),
            timer: Timer::default(),
            joining_closed: false,
            strategies: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SettingsError {
    #[error("unknown method")]
    UnknownMethod,
    #[error("no method chosen")]
    NoMethod,
    #[error("invalid weights")]
    InvalidWeights,
    #[error("weights are frozen once the first rating exists")]
    WeightsFrozen,
    #[error("too many dots")]
    TooManyDots,
    #[error("unknown group")]
    UnknownGroup,
    #[error("invalid timer")]
    InvalidTimer,
    #[error("invalid merge")]
    InvalidMerge,
    #[error("too many merges")]
    TooManyMerges,
}

impl From<MergeError> for SettingsError {
    fn from(e: MergeError) -> Self {
        match e {
            MergeError::NoIdea | MergeError::SameIdea => SettingsError::InvalidMerge,
            MergeError::TooMany => SettingsError::TooManyMerges,
        }
    }
}

impl From<ScoringError> for SettingsError {
    fn from(_: ScoringError) -> Self {
        SettingsError::InvalidWeights
    }
}

/// One method switched on or off in a list of methods (the session's
/// methods, the locked ones). A checkbox sends this, not the whole list:
/// two clicks in quick succession (or on two moderator screens) each
/// change their own method, whatever the other changed meanwhile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodSwitch {
    pub key: String,
    pub on: bool,
}

impl MethodSwitch {
    /// `list` with the switch applied, in the order of [`templates::ALL`]
    /// (keys the list holds that `ALL` does not know stay at the end).
    pub fn applied_to(&self, list: &[String]) -> Result<Vec<String>, SettingsError> {
        check_templates(std::slice::from_ref(&self.key))?;
        let holds = |k: &str| {
            if k == self.key {
                self.on
            } else {
                list.iter().any(|m| m == k)
            }
        };
        let mut next: Vec<String> = templates::ALL
            .iter()
            .map(|t| t.key)
            .filter(|k| holds(k))
            .map(str::to_owned)
            .collect();
        for k in list {
            if !next.contains(k) && *k != self.key {
                next.push(k.clone());
            }
        }
        Ok(next)
    }
}

/// What the moderator may change; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SettingsChange {
    pub methods: Option<Vec<String>>,
    /// One method on or off (applied after `methods`).
    pub switch_method: Option<MethodSwitch>,
    pub weights: Option<Weights>,
    pub ratings_revealed: Option<bool>,
    pub single_ratings: Option<SingleRatings>,
    /// Merge two ideas of the joint ranking, or undo a merge.
    pub merge: Option<MergeChange>,
    pub locked: Option<Vec<String>>,
    /// One method's boards locked or unlocked (applied after `locked`).
    pub switch_lock: Option<MethodSwitch>,
    pub dots_per_person: Option<u8>,
    pub stage: Option<Stage>,
    pub timer: Option<TimerAction>,
    pub joining_closed: Option<bool>,
    pub strategies: Option<bool>,
}

/// What a settings change is checked against, besides the settings.
#[derive(Debug, Clone, Copy)]
pub struct ChangeContext<'a> {
    /// Whether any idea of the session is rated (weights freeze then).
    pub rated: bool,
    /// Server time in milliseconds (for the timer).
    pub now_ms: i64,
    /// The session's group ids (a stage may show one group).
    pub groups: &'a [String],
}

fn check_templates(keys: &[String]) -> Result<(), SettingsError> {
    if keys.iter().all(|k| templates::find(k).is_some()) {
        Ok(())
    } else {
        Err(SettingsError::UnknownMethod)
    }
}

impl SessionSettings {
    /// The settings after `change`, or why not. `rated` says whether any idea
    /// of the session has a rating: weights are frozen from then on, so a
    /// ranking never silently changes under the group's hands.
    pub fn changed(
        &self,
        change: &SettingsChange,
        ctx: &ChangeContext<'_>,
    ) -> Result<Self, SettingsError> {
        let rated = ctx.rated;
        let mut next = self.clone();
        if let Some(methods) = &change.methods {
            if methods.is_empty() {
                return Err(SettingsError::NoMethod);
            }
            if methods.iter().any(|m| templates::find(m).is_none()) {
                return Err(SettingsError::UnknownMethod);
            }
            let mut unique = Vec::new();
            for m in methods {
                if !unique.contains(m) {
                    unique.push(m.clone());
                }
            }
            next.methods = unique;
        }
        if let Some(switch) = &change.switch_method {
            next.methods = switch.applied_to(&next.methods)?;
            if next.methods.is_empty() {
                return Err(SettingsError::NoMethod);
            }
        }
        if let Some(weights) = &change.weights {
            weights.validate(KI_CRITERIA)?;
            if rated && !weights.same_as(&self.weights, KI_CRITERIA) {
                return Err(SettingsError::WeightsFrozen);
            }
            next.weights = weights.clone();
        }
        if let Some(revealed) = change.ratings_revealed {
            if revealed != self.ratings_revealed {
                next.ratings_revealed = revealed;
                next.reveal_epoch += 1;
            }
        }
        if let Some(closed) = change.joining_closed {
            next.joining_closed = closed;
        }
        if let Some(on) = change.strategies {
            next.strategies = on;
        }
        if let Some(p) = change.single_ratings {
            next.single_ratings = p;
        }
        if let Some(merge) = &change.merge {
            next.merges = merges_after(&self.merges, merge)?;
        }
        if let Some(locked) = &change.locked {
            check_templates(locked)?;
            next.locked = locked.clone();
        }
        if let Some(switch) = &change.switch_lock {
            next.locked = switch.applied_to(&next.locked)?;
        }
        if let Some(dots) = change.dots_per_person {
            if dots > MAX_DOTS {
                return Err(SettingsError::TooManyDots);
            }
            next.dots_per_person = dots;
        }
        if let Some(stage) = &change.stage {
            match stage {
                Stage::Board { group_id, template } => {
                    check_templates(std::slice::from_ref(template))?;
                    if !ctx.groups.contains(group_id) {
                        return Err(SettingsError::UnknownGroup);
                    }
                }
                Stage::AllGroups { template } => check_templates(std::slice::from_ref(template))?,
                Stage::Join | Stage::JointRanking | Stage::Timer => {}
            }
            next.stage = stage.clone();
        }
        if let Some(action) = change.timer {
            next.timer = self
                .timer
                .after(action, ctx.now_ms)
                .ok_or(SettingsError::InvalidTimer)?;
        }
        Ok(next)
    }

    /// The preparation worth reusing in a new session (methods, weights,
    /// dots, export naming) without the state of the day (stage, timer,
    /// locks, reveal).
    pub fn as_template(&self) -> SessionSettings {
        SessionSettings {
            methods: self.methods.clone(),
            weights: self.weights.clone(),
            single_ratings: self.single_ratings,
            dots_per_person: self.dots_per_person,
            ..SessionSettings::default()
        }
    }

    pub fn is_locked(&self, template: &str) -> bool {
        self.locked.iter().any(|t| t == template)
    }

    pub fn uses(&self, template: &str) -> bool {
        self.methods.iter().any(|m| m == template)
    }

    /// Whether new cards may go into `section`: a second-step section only
    /// once the moderator switched the step on.
    pub fn section_open(&self, section: &Section) -> bool {
        !section.second_step || self.strategies
    }

    /// Whether `section` is shown (on screen and in exports): when open, or
    /// when it holds cards already (made before the step was switched off,
    /// or in an older session): nothing stored is ever hidden.
    pub fn section_shown(&self, section: &Section, board: &BoardState) -> bool {
        self.section_open(section) || !board.cards(section.id).is_empty()
    }
}

/// Whether the server takes `op` from participant `author_id` on `board`
/// (of method `template`) under these settings: not a forged hidden rating,
/// not on the board of a method the session does not use (switched off),
/// not on a locked board, not beyond the dots the moderator handed out.
pub fn admit(
    settings: &SessionSettings,
    template: &str,
    board: &BoardState,
    author_id: &str,
    op: &Op,
) -> Result<(), OpError> {
    op.check_from_client()?;
    if !settings.uses(template) {
        return Err(OpError::MethodOff);
    }
    if settings.is_locked(template) {
        return Err(OpError::Locked);
    }
    if let Op::AddCard { section, .. }
    | Op::MoveCard { section, .. }
    | Op::AddCopy { section, .. } = op
    {
        let closed = templates::find(template)
            .and_then(|t| t.section(section))
            .is_some_and(|s| !settings.section_open(s));
        if closed {
            return Err(OpError::StepOff);
        }
    }
    if let Op::Dot { add: true, .. } = op {
        let max = settings.dots_per_person;
        if max == 0 {
            return Err(OpError::DotsOff);
        }
        if rating::dots_used(board, author_id) >= max {
            return Err(OpError::NoDotsLeft { max });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_GROUPS: ChangeContext<'static> = ChangeContext {
        rated: false,
        now_ms: 0,
        groups: &[],
    };
    const RATED: ChangeContext<'static> = ChangeContext {
        rated: true,
        now_ms: 0,
        groups: &[],
    };

    fn switch(key: &str, on: bool) -> Option<MethodSwitch> {
        Some(MethodSwitch {
            key: key.into(),
            on,
        })
    }

    #[test]
    fn switching_one_method_keeps_whatever_else_changed_meanwhile() {
        let start = SessionSettings::default();
        assert_eq!(start.methods, ["canvas", "swot", "ki"]);
        // Two clicks on the cockpit, each sent before the other's answer:
        // the second must not undo the first.
        let first = SettingsChange {
            switch_method: switch("ziele", true),
            ..SettingsChange::default()
        };
        let second = SettingsChange {
            switch_method: switch("phasen", true),
            ..SettingsChange::default()
        };
        let after = start
            .changed(&first, &NO_GROUPS)
            .and_then(|s| s.changed(&second, &NO_GROUPS))
            .expect("both switches apply");
        assert_eq!(after.methods, ["ziele", "canvas", "swot", "ki", "phasen"]);
        let off = SettingsChange {
            switch_method: switch("swot", false),
            ..SettingsChange::default()
        };
        let after = after.changed(&off, &NO_GROUPS).expect("switched off");
        assert_eq!(after.methods, ["ziele", "canvas", "ki", "phasen"]);
        // Switching on what is on, or off what is off, changes nothing.
        assert_eq!(after.changed(&off, &NO_GROUPS).expect("again"), after);
    }

    #[test]
    fn a_switch_refuses_an_unknown_method_and_the_last_one_off() {
        let only_ki = SessionSettings {
            methods: vec!["ki".into()],
            ..SessionSettings::default()
        };
        let change = |key: &str, on: bool| SettingsChange {
            switch_method: switch(key, on),
            ..SettingsChange::default()
        };
        assert_eq!(
            only_ki.changed(&change("ki", false), &NO_GROUPS),
            Err(SettingsError::NoMethod)
        );
        assert_eq!(
            only_ki.changed(&change("miro", true), &NO_GROUPS),
            Err(SettingsError::UnknownMethod)
        );
        let lock = SettingsChange {
            switch_lock: switch("nope", true),
            ..SettingsChange::default()
        };
        assert_eq!(
            only_ki.changed(&lock, &NO_GROUPS),
            Err(SettingsError::UnknownMethod)
        );
    }

    #[test]
    fn locks_switch_one_method_at_a_time_too() {
        let start = SessionSettings::default();
        let lock = |key: &str, on: bool| SettingsChange {
            switch_lock: switch(key, on),
            ..SettingsChange::default()
        };
        let after = start
            .changed(&lock("ki", true), &NO_GROUPS)
            .and_then(|s| s.changed(&lock("canvas", true), &NO_GROUPS))
            .expect("locked");
        assert_eq!(after.locked, ["canvas", "ki"]);
        let after = after
            .changed(&lock("ki", false), &NO_GROUPS)
            .expect("unlocked");
        assert_eq!(after.locked, ["canvas"]);
        // Locking every method leaves the session's methods alone.
        assert_eq!(after.methods, start.methods);
    }

    #[test]
    fn tows_strategies_open_only_with_the_moderators_switch() {
        use crate::board::{apply, Author};
        use crate::templates::SWOT;
        let anna = Author {
            id: "p1".into(),
            name: "Anna".into(),
            kommune: "Musterstadt".into(),
            moderator: false,
        };
        let add = |id: &str, section: &str| Op::AddCard {
            card_id: id.into(),
            section: section.into(),
            text: "x".into(),
        };
        let mut settings = SessionSettings::default();
        assert!(!settings.strategies, "a new session starts with step 1");
        let mut board = BoardState::default();
        let so = SWOT.section("so").expect("so");
        assert!(!settings.section_shown(so, &board));
        admit(&settings, "swot", &board, "p1", &add("s1", "staerken")).unwrap();
        apply(&mut board, &SWOT, &anna, &add("s1", "staerken")).unwrap();
        assert_eq!(
            admit(&settings, "swot", &board, "p1", &add("so1", "so")),
            Err(OpError::StepOff)
        );
        let move_in = Op::MoveCard {
            card_id: "s1".into(),
            section: "so".into(),
            index: 0,
        };
        assert_eq!(
            admit(&settings, "swot", &board, "p1", &move_in),
            Err(OpError::StepOff)
        );
        let on = SettingsChange {
            strategies: Some(true),
            ..Default::default()
        };
        settings = settings.changed(&on, &NO_GROUPS).unwrap();
        assert!(settings.section_shown(so, &board));
        admit(&settings, "swot", &board, "p1", &add("so1", "so")).unwrap();
        apply(&mut board, &SWOT, &anna, &add("so1", "so")).unwrap();
        // Switched off again: the strategy made stays visible, no new one.
        let off = SettingsChange {
            strategies: Some(false),
            ..Default::default()
        };
        settings = settings.changed(&off, &NO_GROUPS).unwrap();
        assert!(settings.section_shown(so, &board));
        let st = SWOT.section("st").expect("st");
        assert!(!settings.section_shown(st, &board));
        assert_eq!(
            admit(&settings, "swot", &board, "p1", &add("so2", "so")),
            Err(OpError::StepOff)
        );
    }

    #[test]
    fn a_session_stored_before_the_switch_shows_its_strategy_cards() {
        use crate::board::{apply, Author};
        use crate::templates::SWOT;
        let stored: SessionSettings = serde_json::from_str(r#"{"methods":["swot"]}"#).unwrap();
        assert!(!stored.strategies);
        let mut board = BoardState::default();
        let anna = Author {
            id: "p1".into(),
            name: "Anna".into(),
            kommune: String::new(),
            moderator: false,
        };
        let add = Op::AddCard {
            card_id: "wt1".into(),
            section: "wt".into(),
            text: "Gemeinsam ausbilden".into(),
        };
        apply(&mut board, &SWOT, &anna, &add).unwrap();
        let wt = SWOT.section("wt").expect("wt");
        assert!(stored.section_shown(wt, &board));
        assert!(!stored.section_open(wt));
    }

    #[test]
    fn the_moderator_merges_and_unmerges_ideas_through_the_settings() {
        let s = SessionSettings::default();
        let merge = |action: MergeChange| SettingsChange {
            merge: Some(action),
            ..Default::default()
        };
        let merged = s
            .changed(
                &merge(MergeChange::Merge {
                    first: "Chatbot".into(),
                    second: "KI-Assistent".into(),
                }),
                &RATED,
            )
            .unwrap();
        assert_eq!(
            merged.merges,
            [IdeaMerge::new("chatbot", "ki-assistent").unwrap()]
        );
        // Stored and read back (the settings column is this JSON).
        let stored: SessionSettings =
            serde_json::from_str(&serde_json::to_string(&merged).unwrap()).unwrap();
        assert_eq!(stored, merged);
        let undone = stored
            .changed(
                &merge(MergeChange::Undo {
                    first: "KI-Assistent".into(),
                    second: "Chatbot".into(),
                }),
                &RATED,
            )
            .unwrap();
        assert!(undone.merges.is_empty());
        assert_eq!(
            s.changed(
                &merge(MergeChange::Merge {
                    first: "Chatbot".into(),
                    second: "chatbot".into(),
                }),
                &RATED,
            ),
            Err(SettingsError::InvalidMerge)
        );
        // Merges belong to the day, not to a session made from this one.
        assert!(merged.as_template().merges.is_empty());
    }

    #[test]
    fn defaults_use_all_methods_equal_weights_and_blind_rating() {
        let s = SessionSettings::default();
        assert_eq!(s.methods, ["canvas", "swot", "ki"]);
        assert_eq!(s.weights, Weights::default());
        assert!(!s.ratings_revealed);
    }

    #[test]
    fn weights_freeze_after_the_first_rating() {
        let s = SessionSettings::default();
        let mut w = Weights::default();
        w.set(&crate::evaluation::criteria::NUTZEN, 2.0);
        let change = SettingsChange {
            weights: Some(w),
            ..Default::default()
        };
        let changed = s.changed(&change, &NO_GROUPS).unwrap();
        assert_eq!(
            changed.weights.get(&crate::evaluation::criteria::NUTZEN),
            2.0
        );
        assert_eq!(
            s.changed(&change, &RATED),
            Err(SettingsError::WeightsFrozen)
        );
        // Re-sending the same weights is not a change, even spelled out.
        let mut spelled_out = Weights::default();
        for c in KI_CRITERIA {
            spelled_out.set(c, 1.0);
        }
        for same in [Weights::default(), spelled_out] {
            let same = SettingsChange {
                weights: Some(same),
                ..Default::default()
            };
            assert!(s.changed(&same, &RATED).is_ok());
        }
    }

    #[test]
    fn revealing_bumps_the_epoch_once() {
        let s = SessionSettings::default();
        let reveal = SettingsChange {
            ratings_revealed: Some(true),
            ..Default::default()
        };
        let r = s.changed(&reveal, &RATED).unwrap();
        assert!(r.ratings_revealed);
        assert_eq!(r.reveal_epoch, 1);
        assert_eq!(r.changed(&reveal, &RATED).unwrap().reveal_epoch, 1);
    }

    #[test]
    fn methods_are_checked() {
        let s = SessionSettings::default();
        let bad = |m: Vec<&str>| SettingsChange {
            methods: Some(m.into_iter().map(String::from).collect()),
            ..Default::default()
        };
        assert_eq!(
            s.changed(&bad(vec![]), &NO_GROUPS),
            Err(SettingsError::NoMethod)
        );
        assert_eq!(
            s.changed(&bad(vec!["miro"]), &NO_GROUPS),
            Err(SettingsError::UnknownMethod)
        );
        let ok = s
            .changed(&bad(vec!["ki", "swot", "ki"]), &NO_GROUPS)
            .unwrap();
        assert_eq!(ok.methods, ["ki", "swot"]);
        assert!(ok.uses("ki") && !ok.uses("canvas"));
        let zero = SettingsChange {
            weights: Some({
                let mut w = Weights::default();
                for c in KI_CRITERIA {
                    w.set(c, 0.0);
                }
                w
            }),
            ..Default::default()
        };
        assert_eq!(
            s.changed(&zero, &NO_GROUPS),
            Err(SettingsError::InvalidWeights)
        );
    }

    #[test]
    fn locks_dots_and_stage_are_checked() {
        let s = SessionSettings::default();
        let lock = SettingsChange {
            locked: Some(vec!["swot".into()]),
            dots_per_person: Some(3),
            ..Default::default()
        };
        let locked = s.changed(&lock, &NO_GROUPS).unwrap();
        assert!(locked.is_locked("swot") && !locked.is_locked("canvas"));
        let too_many = SettingsChange {
            dots_per_person: Some(MAX_DOTS + 1),
            ..Default::default()
        };
        assert_eq!(
            s.changed(&too_many, &NO_GROUPS),
            Err(SettingsError::TooManyDots)
        );
        let stage = |group: &str| SettingsChange {
            stage: Some(Stage::Board {
                group_id: group.into(),
                template: "canvas".into(),
            }),
            ..Default::default()
        };
        let groups = ["g1".to_owned()];
        let ctx = ChangeContext {
            groups: &groups,
            ..NO_GROUPS
        };
        assert!(s.changed(&stage("g1"), &ctx).is_ok());
        assert_eq!(
            s.changed(&stage("g2"), &ctx),
            Err(SettingsError::UnknownGroup)
        );
    }

    #[test]
    fn admit_enforces_lock_and_dot_limit() {
        use crate::board::{apply, Author};
        use crate::templates::CANVAS;
        let mut settings = SessionSettings::default();
        let anna = Author {
            id: "p1".into(),
            name: "Anna".into(),
            kommune: String::new(),
            moderator: false,
        };
        let mut board = BoardState::default();
        let add = Op::AddCard {
            card_id: "c1".into(),
            section: "problem".into(),
            text: "x".into(),
        };
        apply(&mut board, &CANVAS, &anna, &add).unwrap();
        let dot = Op::Dot {
            card_id: "c1".into(),
            add: true,
        };
        assert_eq!(
            admit(&settings, "canvas", &board, "p1", &dot),
            Err(OpError::DotsOff)
        );
        settings.dots_per_person = 2;
        for _ in 0..2 {
            admit(&settings, "canvas", &board, "p1", &dot).unwrap();
            apply(&mut board, &CANVAS, &anna, &dot).unwrap();
        }
        assert_eq!(
            admit(&settings, "canvas", &board, "p1", &dot),
            Err(OpError::NoDotsLeft { max: 2 })
        );
        // Taking a dot back is always possible; others still have theirs.
        let undo = Op::Dot {
            card_id: "c1".into(),
            add: false,
        };
        assert!(admit(&settings, "canvas", &board, "p1", &undo).is_ok());
        assert!(admit(&settings, "canvas", &board, "p2", &dot).is_ok());
        settings.locked = vec!["canvas".into()];
        assert_eq!(
            admit(&settings, "canvas", &board, "p2", &add),
            Err(OpError::Locked)
        );
        assert!(admit(&settings, "swot", &board, "p2", &add).is_ok());
    }

    #[test]
    fn admit_refuses_every_op_on_a_switched_off_method() {
        let mut settings = SessionSettings {
            methods: vec!["canvas".into(), "ki".into()],
            dots_per_person: 3,
            ..SessionSettings::default()
        };
        let board = BoardState::default();
        let add = Op::AddCard {
            card_id: "c1".into(),
            section: "staerken".into(),
            text: "x".into(),
        };
        let undo = Op::Dot {
            card_id: "c1".into(),
            add: false,
        };
        for op in [&add, &undo] {
            assert_eq!(
                admit(&settings, "swot", &board, "p1", op),
                Err(OpError::MethodOff)
            );
        }
        assert!(admit(&settings, "canvas", &board, "p1", &undo).is_ok());
        // Switched on again, the board takes ops again.
        settings.methods.push("swot".into());
        assert!(admit(&settings, "swot", &board, "p1", &add).is_ok());
    }
}
