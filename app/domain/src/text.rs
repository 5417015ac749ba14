//! The live text of a card: a character-wise sequence CRDT (RGA), so that
//! people typing into the same text at the same time keep their words whole.
//!
//! Every character has an id `(site, counter)`: the site is random per browser
//! tab, the counter a Lamport clock (larger than every counter its author had
//! seen in the field). An insertion is a run of characters with consecutive
//! ids placed after an *origin* character (`None`: at the start). Runs with
//! the same origin are ordered by (counter, site), larger first, and each run
//! is followed by what was later inserted into it; so a person's run stays
//! contiguous and in order, and every replica that applies the same ops ends
//! with the same text. Deleted characters stay as tombstones (ids only), so a
//! late insertion still finds its origin.
//!
//! The sequence is stored as spans: runs of consecutive ids that continue each
//! other and share their state (visible with their text, or deleted).
//!
//! When two people change the same words the text keeps both, and
//! [`TextSeq::apply`] reports a conflict, which flags the card:
//! a deletion that hits characters already deleted, a deletion whose stretch
//! now encloses someone else's new text, or an insertion after a character
//! someone else deleted.

use super::board::OpError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Largest site and counter: JSON numbers stay exact in JavaScript too.
pub const MAX_ID: u64 = (1 << 53) - 1;
/// Site of the characters a field starts with: a new card's text, an imported
/// text, a text stored before the CRDT, and edits of that time.
pub const INITIAL_SITE: u64 = 0;
/// Characters per insert and ranges per delete that a browser puts into one
/// edit (a long paste becomes several edits with consecutive ids).
pub const CHUNK_CHARS: usize = 256;
pub const CHUNK_RANGES: usize = 128;

/// How much one text field may hold: visible characters, characters with
/// tombstones, and spans. The last two bound what edits can make a server
/// store, whatever a client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLimits {
    pub visible: usize,
    pub total: usize,
    pub spans: usize,
}

/// The id of one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "(u64, u64)", into = "(u64, u64)")]
pub struct CharId {
    pub site: u64,
    pub counter: u64,
}

impl CharId {
    pub fn new(site: u64, counter: u64) -> Self {
        Self { site, counter }
    }

    fn plus(self, n: u64) -> Self {
        Self::new(self.site, self.counter + n)
    }
}

impl From<(u64, u64)> for CharId {
    fn from((site, counter): (u64, u64)) -> Self {
        Self { site, counter }
    }
}

impl From<CharId> for (u64, u64) {
    fn from(id: CharId) -> Self {
        (id.site, id.counter)
    }
}

/// `len` characters with consecutive ids from `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(u64, u64, u64)", into = "(u64, u64, u64)")]
pub struct IdRange {
    pub start: CharId,
    pub len: u64,
}

impl From<(u64, u64, u64)> for IdRange {
    fn from((site, counter, len): (u64, u64, u64)) -> Self {
        Self {
            start: CharId::new(site, counter),
            len,
        }
    }
}

impl From<IdRange> for (u64, u64, u64) {
    fn from(r: IdRange) -> Self {
        (r.start.site, r.start.counter, r.len)
    }
}

/// One change of a text, as ops carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEdit {
    /// `text` with ids `id`, `id + 1`, …, placed after `after` (`None`: at the start).
    Insert {
        id: CharId,
        #[serde(default)]
        after: Option<CharId>,
        text: String,
    },
    /// Deletes characters; one edit removes one stretch that was contiguous
    /// in its author's view.
    Delete { ranges: Vec<IdRange> },
}

/// A run of characters with consecutive ids, each after the previous one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Span {
    id: CharId,
    /// The character the first one was inserted after.
    origin: Option<CharId>,
    len: u64,
    /// `None` once deleted.
    text: Option<String>,
}

impl Span {
    fn end(&self) -> u64 {
        self.id.counter + self.len
    }

    fn last(&self) -> CharId {
        self.id.plus(self.len - 1)
    }

    fn contains(&self, id: CharId) -> bool {
        id.site == self.id.site && id.counter >= self.id.counter && id.counter < self.end()
    }

    /// How many of `len` ids from `start` this span holds.
    fn overlap(&self, start: CharId, len: u64) -> u64 {
        if start.site != self.id.site {
            return 0;
        }
        let lo = start.counter.max(self.id.counter);
        let hi = start.counter.saturating_add(len).min(self.end());
        hi.saturating_sub(lo)
    }

    /// Whether `next` continues this span (and can be merged into it).
    fn continued_by(&self, next: &Span) -> bool {
        next.id == self.id.plus(self.len)
            && next.origin == Some(self.last())
            && next.text.is_some() == self.text.is_some()
    }
}

/// The character sequence of one text field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<SpanWire>", into = "Vec<SpanWire>")]
pub struct TextSeq {
    spans: Vec<Span>,
}

/// A span on the wire: `[site, counter, origin or null, "text" or deleted count]`.
#[derive(Serialize, Deserialize)]
struct SpanWire(u64, u64, Option<CharId>, Content);

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Content {
    Visible(String),
    Deleted(u64),
}

impl From<TextSeq> for Vec<SpanWire> {
    fn from(seq: TextSeq) -> Self {
        seq.spans
            .into_iter()
            .map(|s| {
                let content = match s.text {
                    Some(text) => Content::Visible(text),
                    None => Content::Deleted(s.len),
                };
                SpanWire(s.id.site, s.id.counter, s.origin, content)
            })
            .collect()
    }
}

/// Stored sequences come from our own server or this browser's storage, but
/// are still checked: no empty spans, no id twice, no unknown origin.
impl TryFrom<Vec<SpanWire>> for TextSeq {
    type Error = String;

    fn try_from(wire: Vec<SpanWire>) -> Result<Self, String> {
        const MAX_SPANS: usize = 20_000;
        if wire.len() > MAX_SPANS {
            return Err(format!("more than {MAX_SPANS} spans"));
        }
        let mut spans = Vec::with_capacity(wire.len());
        for SpanWire(site, counter, origin, content) in wire {
            let (len, text) = match content {
                Content::Visible(text) => (text.chars().count() as u64, Some(text)),
                Content::Deleted(len) => (len, None),
            };
            let valid_id = |site: u64, last: u64| site <= MAX_ID && last <= MAX_ID;
            let last = counter.checked_add(len.saturating_sub(1));
            if len == 0 || !last.is_some_and(|last| valid_id(site, last)) {
                return Err("invalid span".into());
            }
            spans.push(Span {
                id: CharId::new(site, counter),
                origin,
                len,
                text,
            });
        }
        let index = IdIndex::new(&spans).ok_or("an id occurs twice")?;
        if spans
            .iter()
            .filter_map(|s| s.origin)
            .any(|o| !index.contains(o))
        {
            return Err("unknown origin".into());
        }
        let mut seq = TextSeq { spans };
        seq.normalize();
        Ok(seq)
    }
}

/// Id ranges of a sequence, for lookups in O(log n).
struct IdIndex(BTreeMap<CharId, u64>);

impl IdIndex {
    /// `None` if two spans share an id.
    fn new(spans: &[Span]) -> Option<Self> {
        let mut map = BTreeMap::new();
        for s in spans {
            map.insert(s.id, s.end());
        }
        let mut last: Option<(CharId, u64)> = None;
        for (&id, &end) in &map {
            if last.is_some_and(|(l, lend)| l.site == id.site && lend > id.counter) {
                return None;
            }
            last = Some((id, end));
        }
        (map.len() == spans.len()).then_some(Self(map))
    }

    fn contains(&self, id: CharId) -> bool {
        self.0
            .range(..=id)
            .next_back()
            .is_some_and(|(start, end)| start.site == id.site && *end > id.counter)
    }
}

/// What a browser changed in a text, in characters: at `at`, `removed`
/// characters were replaced by `inserted`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    pub at: usize,
    pub removed: usize,
    pub inserted: String,
}

/// A browser tab's id source: its site and the last counter it used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub site: u64,
    pub last: u64,
}

impl Clock {
    pub fn new(site: u64) -> Self {
        Self { site, last: 0 }
    }

    /// Ids for `len` new characters in a field whose largest counter is
    /// `seen`: above everything seen (Lamport) and never reused by this site.
    pub fn take(&mut self, seen: u64, len: u64) -> CharId {
        let first = self.last.max(seen) + 1;
        self.last = first + len.saturating_sub(1);
        CharId::new(self.site, first)
    }
}

/// The one contiguous change from `old` to `new` (common prefix and suffix),
/// in characters; `caret` (where the caret is in `new`) decides where an
/// ambiguous change happened (typing "a" into "aa"). `None` if equal.
pub fn splice_between(old: &str, new: &str, caret: Option<usize>) -> Option<Splice> {
    if old == new {
        return None;
    }
    let o: Vec<char> = old.chars().collect();
    let n: Vec<char> = new.chars().collect();
    let common_prefix =
        |o: &[char], n: &[char]| o.iter().zip(n).take_while(|(a, b)| a == b).count();
    let common_suffix = |o: &[char], n: &[char]| {
        o.iter()
            .rev()
            .zip(n.iter().rev())
            .take_while(|(a, b)| a == b)
            .count()
    };
    let (prefix, suffix) = match caret.filter(|c| *c <= n.len()) {
        // Everything after the caret is unchanged text.
        Some(caret) => {
            let suffix = common_suffix(&o, &n).min(n.len() - caret);
            (
                common_prefix(&o[..o.len() - suffix], &n[..n.len() - suffix]),
                suffix,
            )
        }
        None => {
            let prefix = common_prefix(&o, &n);
            (prefix, common_suffix(&o[prefix..], &n[prefix..]))
        }
    };
    Some(Splice {
        at: prefix,
        removed: o.len() - suffix - prefix,
        inserted: n[prefix..n.len() - suffix].iter().collect(),
    })
}

/// Character index of a UTF-16 offset (as a textarea's selection reports it).
pub fn char_index(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.chars().enumerate() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16();
    }
    text.chars().count()
}

/// UTF-16 offset of a character index.
pub fn utf16_index(text: &str, chars: usize) -> usize {
    text.chars().take(chars).map(char::len_utf16).sum()
}

fn byte_offset(text: &str, chars: u64) -> usize {
    text.char_indices()
        .nth(chars as usize)
        .map_or(text.len(), |(i, _)| i)
}

/// Appends `more` to an op's edits, joining an insert that continues the
/// previous one (typing a word makes one run, not one edit per key).
pub fn absorb(edits: &mut Vec<TextEdit>, more: Vec<TextEdit>) {
    for edit in more {
        if let (
            Some(TextEdit::Insert {
                id: first,
                text: run,
                ..
            }),
            TextEdit::Insert { id, after, text },
        ) = (edits.last_mut(), &edit)
        {
            let len = run.chars().count() as u64;
            let continues = *id == first.plus(len) && *after == Some(first.plus(len - 1));
            if continues && len as usize + text.chars().count() <= CHUNK_CHARS {
                run.push_str(text);
                continue;
            }
        }
        edits.push(edit);
    }
}

impl TextSeq {
    /// A text as one run of the initial site (counters from 1).
    pub fn initial(text: &str) -> Self {
        let len = text.chars().count() as u64;
        let spans = if len == 0 {
            Vec::new()
        } else {
            vec![Span {
                id: CharId::new(INITIAL_SITE, 1),
                origin: None,
                len,
                text: Some(text.to_owned()),
            }]
        };
        Self { spans }
    }

    /// Whether this is just [`TextSeq::initial`] of its text (then it need
    /// not be stored).
    pub fn is_initial(&self) -> bool {
        match self.spans.as_slice() {
            [] => true,
            [s] => s.id == CharId::new(INITIAL_SITE, 1) && s.origin.is_none() && s.text.is_some(),
            _ => false,
        }
    }

    /// The visible text.
    pub fn text(&self) -> String {
        self.spans
            .iter()
            .filter_map(|s| s.text.as_deref())
            .collect()
    }

    pub fn visible_len(&self) -> usize {
        self.visible_spans().map(|s| s.len as usize).sum()
    }

    /// Characters including tombstones.
    pub fn total_len(&self) -> usize {
        self.spans.iter().map(|s| s.len as usize).sum()
    }

    pub fn span_count(&self) -> usize {
        self.spans.len()
    }

    /// The largest counter in the field (a new character's must be larger).
    pub fn max_counter(&self) -> u64 {
        self.spans.iter().map(|s| s.end() - 1).max().unwrap_or(0)
    }

    fn visible_spans(&self) -> impl Iterator<Item = &Span> {
        self.spans.iter().filter(|s| s.text.is_some())
    }

    /// The id of the visible character left of position `index` (`None` at
    /// the start).
    pub fn id_before(&self, index: usize) -> Option<CharId> {
        let mut left = index.checked_sub(1)? as u64;
        for s in self.visible_spans() {
            if left < s.len {
                return Some(s.id.plus(left));
            }
            left -= s.len;
        }
        None
    }

    /// Whether character `id` exists and is not deleted.
    pub fn is_visible(&self, id: CharId) -> bool {
        self.spans
            .iter()
            .any(|s| s.contains(id) && s.text.is_some())
    }

    /// The position right after character `anchor` (counting visible
    /// characters up to it; a deleted anchor stands where it was). `None`
    /// if the id is unknown.
    pub fn index_after(&self, anchor: Option<CharId>) -> Option<usize> {
        let Some(anchor) = anchor else {
            return Some(0);
        };
        let mut index = 0;
        for s in &self.spans {
            if s.contains(anchor) {
                let within = anchor.counter - s.id.counter + 1;
                return Some(index + if s.text.is_some() { within as usize } else { 0 });
            }
            if s.text.is_some() {
                index += s.len as usize;
            }
        }
        None
    }

    /// Ids of the visible characters in `from..to`, as ranges.
    fn visible_ranges(&self, from: usize, to: usize) -> Vec<IdRange> {
        let mut out: Vec<IdRange> = Vec::new();
        let mut pos = 0usize;
        for s in self.visible_spans() {
            let (lo, hi) = (pos.max(from), (pos + s.len as usize).min(to));
            if lo < hi {
                out.push(IdRange {
                    start: s.id.plus((lo - pos) as u64),
                    len: (hi - lo) as u64,
                });
            }
            pos += s.len as usize;
            if pos >= to {
                break;
            }
        }
        out
    }

    /// The edits that make `splice` (computed against this sequence), with
    /// new ids from `clock`.
    pub fn splice_edits(&self, splice: &Splice, clock: &mut Clock) -> Vec<TextEdit> {
        self.splice_edits_at(splice, self.id_before(splice.at), clock)
    }

    /// Like [`TextSeq::splice_edits`], but new text goes after `anchor` (the
    /// character the caret was left at) if the caret is still at
    /// `splice.at`. When someone deleted that character meanwhile, the
    /// caret shows after the visible one before it, perhaps the end of a
    /// word someone is still typing; typing after the anchor keeps clear of
    /// that word.
    pub fn splice_edits_at(
        &self,
        splice: &Splice,
        anchor: Option<CharId>,
        clock: &mut Clock,
    ) -> Vec<TextEdit> {
        let mut edits = Vec::new();
        if splice.removed > 0 {
            let ranges = self.visible_ranges(splice.at, splice.at + splice.removed);
            edits.extend(ranges.chunks(CHUNK_RANGES).map(|chunk| TextEdit::Delete {
                ranges: chunk.to_vec(),
            }));
        }
        let chars: Vec<char> = splice.inserted.chars().collect();
        if !chars.is_empty() {
            let mut id = clock.take(self.max_counter(), chars.len() as u64);
            let mut after = if self.index_after(anchor) == Some(splice.at) {
                anchor
            } else {
                self.id_before(splice.at)
            };
            for chunk in chars.chunks(CHUNK_CHARS) {
                let len = chunk.len() as u64;
                edits.push(TextEdit::Insert {
                    id,
                    after,
                    text: chunk.iter().collect(),
                });
                after = Some(id.plus(len - 1));
                id = id.plus(len);
            }
        }
        edits
    }

    /// The edits that turn the visible text into `target` as one change, with
    /// ids of the initial site (for edits made before the CRDT).
    pub fn rewrite(&self, target: &str) -> Vec<TextEdit> {
        let Some(splice) = splice_between(&self.text(), target, None) else {
            return Vec::new();
        };
        self.splice_edits(&splice, &mut Clock::new(INITIAL_SITE))
    }

    /// Applies the edits of one op, all or nothing; `Ok(true)` when they
    /// collided with someone else's change of the same words.
    pub fn apply(&mut self, edits: &[TextEdit], limits: &TextLimits) -> Result<bool, OpError> {
        let mut next = self.clone();
        let mut conflict = false;
        for edit in edits {
            conflict |= match edit {
                TextEdit::Insert { id, after, text } => {
                    next.insert(*id, *after, text, limits.visible)?
                }
                TextEdit::Delete { ranges } => next.delete(ranges)?,
            };
        }
        next.normalize();
        // Only growth is refused: a text over a limit may still shrink.
        let grew = |now: usize, before: usize, max: usize| now > max && now > before;
        if grew(next.visible_len(), self.visible_len(), limits.visible) {
            return Err(OpError::TextTooLong {
                max: limits.visible,
            });
        }
        if grew(next.total_len(), self.total_len(), limits.total)
            || grew(next.spans.len(), self.spans.len(), limits.spans)
        {
            return Err(OpError::HistoryFull);
        }
        *self = next;
        Ok(conflict)
    }

    /// Where character `id` is: span index and offset in it.
    fn find(&self, id: CharId) -> Option<(usize, u64)> {
        self.spans
            .iter()
            .position(|s| s.contains(id))
            .map(|i| (i, id.counter - self.spans[i].id.counter))
    }

    /// How many of the ids of `range` exist.
    fn existing(&self, range: IdRange) -> u64 {
        self.spans
            .iter()
            .map(|s| s.overlap(range.start, range.len))
            .sum()
    }

    /// Splits span `i` after its first `at` characters (0 < at < len).
    fn split(&mut self, i: usize, at: u64) {
        let span = &mut self.spans[i];
        let text = span.text.as_mut().map(|t| {
            let cut = byte_offset(t, at);
            t.split_off(cut)
        });
        let right = Span {
            id: span.id.plus(at),
            origin: Some(span.id.plus(at - 1)),
            len: span.len - at,
            text,
        };
        span.len = at;
        self.spans.insert(i + 1, right);
    }

    fn insert(
        &mut self,
        id: CharId,
        after: Option<CharId>,
        text: &str,
        max_chars: usize,
    ) -> Result<bool, OpError> {
        let len = text.chars().count() as u64;
        if len as usize > max_chars {
            return Err(OpError::TextTooLong { max: max_chars });
        }
        super::board::check_chars(text)?;
        let last = id.counter.checked_add(len.saturating_sub(1));
        if len == 0 || id.site > MAX_ID || id.counter == 0 || last.is_none_or(|l| l > MAX_ID) {
            return Err(OpError::InvalidEdit);
        }
        match self.existing(IdRange { start: id, len }) {
            0 => {}
            // The same run again (a resend): nothing to do.
            n if n == len => return Ok(false),
            _ => return Err(OpError::InvalidEdit),
        }
        let (mut i, conflict) = match after {
            None => (0, false),
            Some(origin) => {
                let (at, offset) = self.find(origin).ok_or(OpError::UnknownChar)?;
                if offset + 1 < self.spans[at].len {
                    self.split(at, offset + 1);
                }
                (at + 1, self.spans[at].text.is_none())
            }
        };
        // Skip the runs after the origin that go first (siblings with a
        // larger counter) and everything inserted into them.
        let mut skipped: BTreeMap<CharId, u64> = BTreeMap::new();
        while let Some(next) = self.spans.get(i) {
            let goes_first = if next.origin == after {
                (next.id.counter, next.id.site) > (id.counter, id.site)
            } else {
                next.origin.is_some_and(|o| {
                    skipped
                        .range(..=o)
                        .next_back()
                        .is_some_and(|(start, end)| start.site == o.site && *end > o.counter)
                })
            };
            if !goes_first {
                break;
            }
            skipped.insert(next.id, next.end());
            i += 1;
        }
        self.spans.insert(
            i,
            Span {
                id,
                origin: after,
                len,
                text: Some(text.to_owned()),
            },
        );
        Ok(conflict)
    }

    fn delete(&mut self, ranges: &[IdRange]) -> Result<bool, OpError> {
        if ranges.is_empty() {
            return Err(OpError::InvalidEdit);
        }
        for r in ranges {
            let last = r.start.counter.checked_add(r.len.saturating_sub(1));
            if r.len == 0 || last.is_none_or(|l| l > MAX_ID) {
                return Err(OpError::InvalidEdit);
            }
            if self.existing(*r) != r.len {
                return Err(OpError::UnknownChar);
            }
        }
        let mut conflict = false;
        for r in ranges {
            let end = r.start.counter + r.len;
            let mut i = 0;
            while i < self.spans.len() {
                let s = &self.spans[i];
                if s.overlap(r.start, r.len) == 0 {
                    i += 1;
                    continue;
                }
                if s.id.counter < r.start.counter {
                    self.split(i, r.start.counter - s.id.counter);
                    i += 1;
                    continue;
                }
                if s.end() > end {
                    self.split(i, end - s.id.counter);
                }
                if self.spans[i].text.take().is_none() {
                    // Someone else deleted these characters already.
                    conflict = true;
                }
                i += 1;
            }
        }
        let touched = |s: &Span| ranges.iter().any(|r| s.overlap(r.start, r.len) > 0);
        let first = self.spans.iter().position(touched);
        let last = self.spans.iter().rposition(touched);
        if let (Some(first), Some(last)) = (first, last) {
            // Text inside the deleted stretch that its author had not seen.
            if self.spans[first..=last].iter().any(|s| s.text.is_some()) {
                conflict = true;
            }
        }
        Ok(conflict)
    }

    /// Joins spans that continue each other, so the same text always has
    /// the same spans.
    fn normalize(&mut self) {
        let mut out: Vec<Span> = Vec::with_capacity(self.spans.len());
        for span in self.spans.drain(..) {
            if let Some(prev) = out.last_mut() {
                if prev.continued_by(&span) {
                    prev.len += span.len;
                    if let (Some(a), Some(b)) = (prev.text.as_mut(), span.text) {
                        a.push_str(&b);
                    }
                    continue;
                }
            }
            out.push(span);
        }
        self.spans = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::limits::CARD;

    /// One person's copy of a field: types at a caret that stays on the
    /// character left of it, as the browser's editor does.
    struct Typist {
        seq: TextSeq,
        clock: Clock,
        caret: usize,
    }

    impl Typist {
        fn new(site: u64, seq: &TextSeq, caret: usize) -> Self {
            Self {
                seq: seq.clone(),
                clock: Clock::new(site),
                caret,
            }
        }

        /// Applies someone else's op, keeping the caret on its character.
        fn receive(&mut self, op: &[TextEdit]) -> bool {
            let anchor = self.seq.id_before(self.caret);
            let conflict = self.seq.apply(op, &CARD).unwrap();
            self.caret = self.seq.index_after(anchor).unwrap();
            conflict
        }

        /// Replaces `removed` characters at the caret by `text`; one op.
        fn splice(&mut self, removed: usize, text: &str) -> Vec<TextEdit> {
            let splice = Splice {
                at: self.caret,
                removed,
                inserted: text.into(),
            };
            let op = self.seq.splice_edits(&splice, &mut self.clock);
            self.seq.apply(&op, &CARD).unwrap();
            self.caret += text.chars().count();
            op
        }

        /// Types `text` key by key: one op per character.
        fn keys(&mut self, text: &str) -> Vec<Vec<TextEdit>> {
            text.chars()
                .map(|c| self.splice(0, &c.to_string()))
                .collect()
        }
    }

    /// Delivers the typists' op streams interleaved (one op of each in turn)
    /// to a server and to every other typist; returns the server's sequence
    /// and whether a conflict was reported.
    fn exchange(
        base: &TextSeq,
        typists: &mut [Typist],
        streams: &[Vec<Vec<TextEdit>>],
    ) -> (TextSeq, bool) {
        let mut server = base.clone();
        let mut conflict = false;
        let longest = streams.iter().map(Vec::len).max().unwrap_or(0);
        for i in 0..longest {
            for (from, stream) in streams.iter().enumerate() {
                let Some(op) = stream.get(i) else { continue };
                conflict |= server.apply(op, &CARD).unwrap();
                for (to, t) in typists.iter_mut().enumerate() {
                    if to != from {
                        t.receive(op);
                    }
                }
            }
        }
        (server, conflict)
    }

    #[test]
    fn two_people_typing_at_the_same_point_keep_both_words_whole() {
        let base = TextSeq::initial("Schritt: Ratsbeschluss");
        let end = base.visible_len();
        let mut people = [Typist::new(11, &base, end), Typist::new(22, &base, end)];
        let streams = [people[0].keys(" im März"), people[1].keys(" vorbereiten")];
        let (server, conflict) = exchange(&base, &mut people, &streams);
        let text = server.text();
        assert!(
            text == "Schritt: Ratsbeschluss im März vorbereiten"
                || text == "Schritt: Ratsbeschluss vorbereiten im März",
            "{text}"
        );
        assert!(people.iter().all(|p| p.seq == server));
        assert!(!conflict);
    }

    #[test]
    fn a_typist_who_sees_the_other_word_arrive_keeps_typing_at_the_caret() {
        // Ben's first key arrives at Anna's before she types hers: her caret
        // stays after "Ratsbeschluss", and her word does not split his.
        let base = TextSeq::initial("Schritt: Ratsbeschluss");
        let end = base.visible_len();
        let mut anna = Typist::new(11, &base, end);
        let mut ben = Typist::new(22, &base, end);
        let b1 = ben.keys(" vor");
        for op in &b1 {
            anna.receive(op);
        }
        let a = anna.keys(" im März");
        let b2 = ben.keys("bereiten");
        for op in &a {
            ben.receive(op);
        }
        for op in &b2 {
            anna.receive(op);
        }
        assert_eq!(anna.seq, ben.seq);
        assert_eq!(
            anna.seq.text(),
            "Schritt: Ratsbeschluss im März vorbereiten"
        );
    }

    #[test]
    fn three_people_at_three_places_and_one_place() {
        let base = TextSeq::initial("Daten teilen");
        let mut people = [
            Typist::new(1, &base, 0),
            Typist::new(2, &base, 5),
            Typist::new(3, &base, 5),
        ];
        let streams = [
            people[0].keys("Offene "),
            people[1].keys(" gemeinsam"),
            people[2].keys(" sicher"),
        ];
        let (server, _) = exchange(&base, &mut people, &streams);
        let text = server.text();
        assert!(text.starts_with("Offene Daten"), "{text}");
        assert!(
            text.contains("Daten gemeinsam sicher teilen")
                || text.contains("Daten sicher gemeinsam teilen"),
            "{text}"
        );
        assert!(people.iter().all(|p| p.seq == server));
    }

    #[test]
    fn two_people_replacing_the_same_word_keep_both_words_and_report_a_conflict() {
        let base = TextSeq::initial("Personal fehlt im Bauamt");
        let at = "Personal fehlt im ".chars().count();
        let mut people = [Typist::new(11, &base, at), Typist::new(22, &base, at)];
        // Select "Bauamt", type the first letter (replaces it), then the rest.
        let mut streams = Vec::new();
        for (p, word) in people.iter_mut().zip(["Ordnungsamt", "Standesamt"]) {
            let mut ops = vec![p.splice(6, &word[..1])];
            ops.extend(p.keys(&word[1..]));
            streams.push(ops);
        }
        let (server, conflict) = exchange(&base, &mut people, &streams);
        let text = server.text();
        assert!(
            text == "Personal fehlt im OrdnungsamtStandesamt"
                || text == "Personal fehlt im StandesamtOrdnungsamt",
            "{text}"
        );
        assert!(conflict);
        assert!(people.iter().all(|p| p.seq == server));
    }

    #[test]
    fn typing_after_a_word_someone_deleted_meanwhile_is_kept_and_reported() {
        let base = TextSeq::initial("Bauamt");
        let mut anna = Typist::new(1, &base, 6);
        let mut ben = Typist::new(2, &base, 0);
        let delete = ben.splice(6, "");
        let typed = anna.splice(0, "s");
        let mut server = base.clone();
        assert!(!server.apply(&delete, &CARD).unwrap());
        assert!(server.apply(&typed, &CARD).unwrap());
        assert_eq!(server.text(), "s");
        // The other order: the deletion's stretch does not enclose the "s",
        // which its author simply had not seen yet.
        let mut other = base.clone();
        other.apply(&typed, &CARD).unwrap();
        other.apply(&delete, &CARD).unwrap();
        assert_eq!(other.text(), "s");
    }

    #[test]
    fn deleting_a_stretch_someone_typed_into_keeps_their_text_and_reports_it() {
        let base = TextSeq::initial("ganz alter Satz");
        let mut anna = Typist::new(1, &base, 7);
        let mut ben = Typist::new(2, &base, 5);
        let inside = anna.splice(0, "neuer ");
        let delete = ben.splice(6, "");
        let mut server = base.clone();
        server.apply(&inside, &CARD).unwrap();
        assert!(server.apply(&delete, &CARD).unwrap());
        assert_eq!(server.text(), "ganz neuer Satz");
    }

    #[test]
    fn backspacing_own_typing_is_no_conflict() {
        let base = TextSeq::initial("");
        let mut anna = Typist::new(1, &base, 0);
        let mut server = base.clone();
        for op in anna.keys("Hallo") {
            server.apply(&op, &CARD).unwrap();
        }
        anna.caret -= 1;
        let op = anna.splice(1, "");
        assert!(!server.apply(&op, &CARD).unwrap());
        for op in anna.keys("!") {
            server.apply(&op, &CARD).unwrap();
        }
        assert_eq!(server.text(), "Hall!");
    }

    #[test]
    fn typing_a_word_makes_one_span_and_a_plain_text_needs_no_history() {
        let mut seq = TextSeq::initial("Idee");
        assert!(seq.is_initial());
        let mut anna = Typist::new(7, &seq, 4);
        for op in anna.keys(" für alle") {
            seq.apply(&op, &CARD).unwrap();
        }
        assert_eq!(seq.span_count(), 2);
        assert!(!seq.is_initial());
        let json = serde_json::to_string(&seq).unwrap();
        assert_eq!(json, r#"[[0,1,null,"Idee"],[7,5,[0,4]," für alle"]]"#);
        assert_eq!(serde_json::from_str::<TextSeq>(&json).unwrap(), seq);
    }

    #[test]
    fn a_duplicate_op_changes_nothing() {
        let mut seq = TextSeq::initial("ab");
        let mut t = Typist::new(3, &seq, 1);
        let op = t.splice(0, "x");
        seq.apply(&op, &CARD).unwrap();
        let once = seq.clone();
        assert!(!seq.apply(&op, &CARD).unwrap());
        assert_eq!(seq, once);
    }

    fn insert(site: u64, counter: u64, after: Option<(u64, u64)>, text: &str) -> TextEdit {
        TextEdit::Insert {
            id: CharId::new(site, counter),
            after: after.map(CharId::from),
            text: text.into(),
        }
    }

    fn delete(site: u64, counter: u64, len: u64) -> TextEdit {
        TextEdit::Delete {
            ranges: vec![IdRange::from((site, counter, len))],
        }
    }

    #[test]
    fn hostile_edits_are_refused_with_a_typed_error_and_change_nothing() {
        let mut seq = TextSeq::initial("abc");
        let before = seq.clone();
        let cases = [
            (insert(5, 1, Some((9, 9)), "x"), OpError::UnknownChar),
            (insert(5, 0, None, "x"), OpError::InvalidEdit),
            (insert(5, 1, None, ""), OpError::InvalidEdit),
            (insert(MAX_ID + 1, 1, None, "x"), OpError::InvalidEdit),
            (insert(5, MAX_ID, None, "xy"), OpError::InvalidEdit),
            (insert(5, u64::MAX, None, "xy"), OpError::InvalidEdit),
            // Partly the ids of existing characters.
            (insert(0, 3, None, "xy"), OpError::InvalidEdit),
            // Its own first id as origin.
            (insert(5, 1, Some((5, 1)), "x"), OpError::UnknownChar),
            (delete(0, 2, 5), OpError::UnknownChar),
            (delete(0, 1, 0), OpError::InvalidEdit),
            (delete(0, u64::MAX, 2), OpError::InvalidEdit),
            (TextEdit::Delete { ranges: vec![] }, OpError::InvalidEdit),
        ];
        for (edit, error) in cases {
            assert_eq!(
                seq.apply(std::slice::from_ref(&edit), &CARD),
                Err(error),
                "{edit:?}"
            );
            assert_eq!(seq, before);
        }
        // A good edit followed by a bad one: all or nothing.
        let ops = [insert(5, 1, None, "x"), delete(7, 1, 1)];
        assert_eq!(seq.apply(&ops, &CARD), Err(OpError::UnknownChar));
        assert_eq!(seq, before);
    }

    #[test]
    fn limits_bound_the_visible_text_the_history_and_the_spans() {
        let limits = TextLimits {
            visible: 10,
            total: 20,
            spans: 6,
        };
        let mut seq = TextSeq::default();
        assert_eq!(
            seq.apply(&[insert(1, 1, None, &"x".repeat(11))], &limits),
            Err(OpError::TextTooLong { max: 10 })
        );
        seq.apply(&[insert(1, 1, None, &"x".repeat(10))], &limits)
            .unwrap();
        assert_eq!(
            seq.apply(&[insert(1, 11, Some((1, 10)), "y")], &limits),
            Err(OpError::TextTooLong { max: 10 })
        );
        // Deleting and retyping fills the history up to its bound.
        seq.apply(
            &[
                delete(1, 1, 10),
                insert(1, 11, Some((1, 10)), &"y".repeat(10)),
            ],
            &limits,
        )
        .unwrap();
        assert_eq!(seq.total_len(), 20);
        assert_eq!(
            seq.apply(
                &[delete(1, 11, 1), insert(1, 21, Some((1, 20)), "z")],
                &limits
            ),
            Err(OpError::HistoryFull)
        );
        // Deleting single characters apart makes spans, up to their bound.
        let mut seq = TextSeq::initial("abcdefgh");
        seq.apply(&[delete(0, 2, 1)], &limits).unwrap();
        seq.apply(&[delete(0, 4, 1)], &limits).unwrap();
        assert_eq!(seq.span_count(), 5);
        assert_eq!(
            seq.apply(&[delete(0, 6, 1)], &limits),
            Err(OpError::HistoryFull)
        );
        // Shrinking is always allowed.
        seq.apply(&[delete(0, 3, 1)], &limits).unwrap();
        assert_eq!(seq.text(), "aefgh");
    }

    #[test]
    fn stored_sequences_are_checked_when_read() {
        for bad in [
            r#"[[1,1,null,""]]"#,
            r#"[[1,1,null,0]]"#,
            r#"[[1,1,null,"ab"],[1,2,null,"c"]]"#,
            r#"[[1,1,[7,7],"a"]]"#,
            r#"[[9007199254740992,1,null,"a"]]"#,
            r#"[[1,9007199254740991,null,"ab"]]"#,
            r#"[[1,1,null,true]]"#,
        ] {
            assert!(serde_json::from_str::<TextSeq>(bad).is_err(), "{bad}");
        }
        let good: TextSeq =
            serde_json::from_str(r#"[[1,1,null,"ab"],[2,5,[1,2],3],[1,3,[1,2],"c"]]"#).unwrap();
        assert_eq!(good.text(), "abc");
    }

    #[test]
    fn caret_positions_follow_their_character() {
        let seq = TextSeq::initial("abc");
        assert_eq!(seq.id_before(0), None);
        assert_eq!(seq.id_before(2), Some(CharId::new(0, 2)));
        assert_eq!(seq.index_after(Some(CharId::new(0, 2))), Some(2));
        let mut moved = seq.clone();
        moved
            .apply(&[insert(4, 9, None, "XY"), delete(0, 2, 1)], &CARD)
            .unwrap();
        assert_eq!(moved.text(), "XYac");
        // "b" is gone: the caret after it stands where it was, after "a".
        assert_eq!(moved.index_after(Some(CharId::new(0, 2))), Some(3));
        assert_eq!(moved.index_after(Some(CharId::new(0, 1))), Some(3));
        assert_eq!(moved.index_after(Some(CharId::new(8, 8))), None);
        assert!(moved.is_visible(CharId::new(0, 1)) && !moved.is_visible(CharId::new(0, 2)));
    }

    #[test]
    fn the_change_between_two_texts_follows_the_caret() {
        let s = |at, removed, inserted: &str| {
            Some(Splice {
                at,
                removed,
                inserted: inserted.into(),
            })
        };
        assert_eq!(splice_between("aa", "aaa", Some(1)), s(0, 0, "a"));
        assert_eq!(splice_between("aa", "aaa", Some(3)), s(2, 0, "a"));
        assert_eq!(splice_between("aa", "aaa", None), s(2, 0, "a"));
        assert_eq!(splice_between("aab", "ab", Some(0)), s(0, 1, ""));
        assert_eq!(
            splice_between("im Bauamt", "im Ordnungsamt", Some(14)),
            s(3, 6, "Ordnungsamt")
        );
        assert_eq!(
            splice_between("im Bauamt", "im Ordnungsamt", None),
            s(3, 3, "Ordnungs")
        );
        assert_eq!(splice_between("Grüße", "Grüße 👋", Some(7)), s(5, 0, " 👋"));
        assert_eq!(splice_between("x", "x", Some(1)), None);
        // A caret that does not fit (e.g. a stale one) is ignored.
        assert_eq!(splice_between("ab", "abc", Some(9)), s(2, 0, "c"));
    }

    #[test]
    fn utf16_offsets_and_character_indices_convert_both_ways() {
        let text = "a👋b";
        assert_eq!(utf16_index(text, 2), 3);
        assert_eq!(char_index(text, 3), 2);
        assert_eq!(char_index(text, 1), 1);
        assert_eq!(char_index(text, 99), 3);
    }

    #[test]
    fn a_long_paste_becomes_chunks_that_join_again() {
        let mut seq = TextSeq::default();
        let text = "ä".repeat(CHUNK_CHARS * 2 + 5);
        let mut clock = Clock::new(3);
        let splice = Splice {
            at: 0,
            removed: 0,
            inserted: text.clone(),
        };
        let edits = seq.splice_edits(&splice, &mut clock);
        assert_eq!(edits.len(), 3);
        seq.apply(&edits, &CARD).unwrap();
        assert_eq!(seq.text(), text);
        assert_eq!(seq.span_count(), 1);
        assert_eq!(clock.last, text.chars().count() as u64);
    }

    #[test]
    fn keystrokes_are_absorbed_into_one_insert() {
        let seq = TextSeq::initial("a");
        let mut t = Typist::new(2, &seq, 1);
        let mut edits = Vec::new();
        for op in t.keys("bcd") {
            absorb(&mut edits, op);
        }
        assert_eq!(edits, vec![insert(2, 2, Some((0, 1)), "bcd")]);
        let mut applied = seq.clone();
        applied.apply(&edits, &CARD).unwrap();
        assert_eq!(applied, t.seq);
    }

    mod convergence {
        use super::*;
        use proptest::prelude::*;

        #[derive(Debug, Clone)]
        enum Step {
            /// Moves the caret, then replaces `removed` characters by `text`.
            Edit {
                who: usize,
                caret: usize,
                removed: usize,
                text: String,
            },
            /// Applies up to `n` ops the typist has not seen yet, in order.
            Deliver { who: usize, n: usize },
        }

        fn step() -> impl Strategy<Value = Step> {
            prop_oneof![
                (0..3usize, 0..40usize, 0..4usize, "[a-zäß ]{0,4}").prop_map(
                    |(who, caret, removed, text)| Step::Edit {
                        who,
                        caret,
                        removed,
                        text
                    }
                ),
                (0..3usize, 1..6usize).prop_map(|(who, n)| Step::Deliver { who, n }),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            /// Typists who see each other's ops late and in different orders
            /// (each in the order they were made) end with the same sequence.
            #[test]
            fn replicas_converge_whatever_order_they_apply_ops_in(steps in proptest::collection::vec(step(), 1..80)) {
                let base = TextSeq::initial("Daten teilen");
                let mut people: Vec<Typist> = (0..3).map(|i| Typist::new(i as u64 + 1, &base, 0)).collect();
                let mut log: Vec<(usize, Vec<TextEdit>)> = Vec::new();
                let mut seen = [0usize; 3];
                let deliver = |p: &mut Typist, who: usize, seen: &mut usize, log: &[(usize, Vec<TextEdit>)], n: usize| {
                    for (from, op) in log.iter().skip(*seen).take(n) {
                        if *from != who {
                            p.receive(op);
                        }
                        *seen += 1;
                    }
                };
                for s in steps {
                    match s {
                        Step::Edit { who, caret, removed, text } => {
                            let p = &mut people[who];
                            let len = p.seq.visible_len();
                            p.caret = caret.min(len);
                            let removed = removed.min(len - p.caret);
                            if removed == 0 && text.is_empty() {
                                continue;
                            }
                            let op = p.splice(removed, &text);
                            // Own ops were applied at once; the log orders them.
                            log.push((who, op));
                        }
                        Step::Deliver { who, n } => {
                            deliver(&mut people[who], who, &mut seen[who], &log, n);
                        }
                    }
                    // Nothing but own ops left to see: all seen.
                    for (who, seen) in seen.iter_mut().enumerate() {
                        if log.iter().skip(*seen).all(|(f, _)| *f == who) {
                            *seen = log.len();
                        }
                    }
                }
                for who in 0..3 {
                    let n = log.len();
                    deliver(&mut people[who], who, &mut seen[who], &log, n);
                }
                let mut server = base.clone();
                for (_, op) in &log {
                    server.apply(op, &CARD).unwrap();
                }
                for p in &people {
                    prop_assert_eq!(&p.seq, &server);
                }
            }
        }
    }
}
