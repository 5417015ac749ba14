//! Who is online in a room: the people with a socket on this instance
//! (counted per socket) and, with several instances on one PostgreSQL, the
//! people the other instances report (`live_presence`, see `fanout.rs`).
//! A person is online while either says so; a change of that union is one
//! [`PresenceChange`], whichever instance it came from. On one instance the
//! remote part stays empty and everything is as it was: a person's first
//! socket opening is `Joined`, their last one closing is `Left`.

use app::protocol::PresenceEntry;
use std::collections::BTreeMap;

/// Someone came online or went offline in the room (on any instance).
#[derive(Debug, Clone, PartialEq)]
pub enum PresenceChange {
    Joined(PresenceEntry),
    Left {
        participant_id: String,
        group_id: String,
    },
}

impl PresenceChange {
    pub fn group_id(&self) -> &str {
        match self {
            Self::Joined(e) => &e.group_id,
            Self::Left { group_id, .. } => group_id,
        }
    }
}

/// A room's presence.
#[derive(Debug, Default)]
pub struct Online {
    /// People with sockets on this instance, and how many.
    local: BTreeMap<String, (PresenceEntry, usize)>,
    /// People online on other instances (as last read from the store).
    remote: BTreeMap<String, PresenceEntry>,
    /// What this instance's presence rows say (participant → group), as
    /// last written (an instance starts with none: its id is new).
    stored: BTreeMap<String, String>,
}

/// What this instance's rows of a room must become.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RowChanges {
    /// (participant, group) to write.
    pub online: Vec<(String, String)>,
    /// Participants to delete.
    pub gone: Vec<String>,
    /// The rows as they are once these changes are written.
    pub after: BTreeMap<String, String>,
}

impl Online {
    fn is_online(&self, participant_id: &str) -> bool {
        self.local.contains_key(participant_id) || self.remote.contains_key(participant_id)
    }

    /// A socket of `entry`'s person opened here.
    pub fn enter(&mut self, entry: PresenceEntry) -> Option<PresenceChange> {
        let was = self.is_online(&entry.participant_id);
        let slot = self
            .local
            .entry(entry.participant_id.clone())
            .or_insert((entry, 0));
        slot.1 += 1;
        (slot.1 == 1 && !was).then(|| PresenceChange::Joined(slot.0.clone()))
    }

    /// A socket of `participant_id` closed here.
    pub fn leave(&mut self, participant_id: &str) -> Option<PresenceChange> {
        let slot = self.local.get_mut(participant_id)?;
        slot.1 = slot.1.saturating_sub(1);
        if slot.1 > 0 {
            return None;
        }
        let (entry, _) = self.local.remove(participant_id)?;
        (!self.remote.contains_key(participant_id)).then_some(PresenceChange::Left {
            participant_id: entry.participant_id,
            group_id: entry.group_id,
        })
    }

    /// The other instances now report `remote`: the changes this makes to
    /// who is online (people online here too are not affected).
    pub fn set_remote(&mut self, remote: Vec<PresenceEntry>) -> Vec<PresenceChange> {
        let remote: BTreeMap<String, PresenceEntry> = remote
            .into_iter()
            .map(|e| (e.participant_id.clone(), e))
            .collect();
        let mut changes = Vec::new();
        for (id, before) in &self.remote {
            if !remote.contains_key(id) && !self.local.contains_key(id) {
                changes.push(PresenceChange::Left {
                    participant_id: id.clone(),
                    group_id: before.group_id.clone(),
                });
            }
        }
        for (id, entry) in &remote {
            if !self.local.contains_key(id) && self.remote.get(id) != Some(entry) {
                changes.push(PresenceChange::Joined(entry.clone()));
            }
        }
        self.remote = remote;
        changes
    }

    /// Who is online in a group (`None`: in the whole session), by
    /// participant id; someone online here and elsewhere counts as here.
    pub fn list(&self, group_id: Option<&str>) -> Vec<PresenceEntry> {
        let mut all: BTreeMap<&str, &PresenceEntry> =
            self.remote.iter().map(|(id, e)| (id.as_str(), e)).collect();
        all.extend(self.local.iter().map(|(id, (e, _))| (id.as_str(), e)));
        all.into_values()
            .filter(|e| group_id.is_none_or(|g| e.group_id == g))
            .cloned()
            .collect()
    }

    /// What this instance's rows must change to match its sockets
    /// (`None`: they match).
    pub fn row_changes(&self) -> Option<RowChanges> {
        let after: BTreeMap<String, String> = self
            .local
            .iter()
            .map(|(id, (e, _))| (id.clone(), e.group_id.clone()))
            .collect();
        if after == self.stored {
            return None;
        }
        let online = after
            .iter()
            .filter(|(id, group)| self.stored.get(*id) != Some(*group))
            .map(|(id, group)| (id.clone(), group.clone()))
            .collect();
        let gone = self
            .stored
            .keys()
            .filter(|id| !after.contains_key(*id))
            .cloned()
            .collect();
        Some(RowChanges {
            online,
            gone,
            after,
        })
    }

    /// The rows were written as `changes` said.
    pub fn rows_written(&mut self, after: BTreeMap<String, String>) {
        self.stored = after;
    }

    /// This instance's rows are gone (it was swept as dead while it could
    /// not reach the database): write them all again.
    pub fn rows_lost(&mut self) {
        self.stored.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, group: &str) -> PresenceEntry {
        PresenceEntry {
            participant_id: id.into(),
            name: format!("Name {id}"),
            kommune: "Musterstadt".into(),
            group_id: group.into(),
        }
    }

    fn left(id: &str, group: &str) -> PresenceChange {
        PresenceChange::Left {
            participant_id: id.into(),
            group_id: group.into(),
        }
    }

    #[test]
    fn on_one_instance_the_first_socket_joins_and_the_last_leaves() {
        let mut online = Online::default();
        assert_eq!(
            online.enter(entry("p1", "g")),
            Some(PresenceChange::Joined(entry("p1", "g")))
        );
        assert_eq!(online.enter(entry("p1", "g")), None);
        assert_eq!(online.leave("p1"), None);
        assert_eq!(online.leave("p1"), Some(left("p1", "g")));
        assert_eq!(online.leave("p1"), None);
        assert!(online.list(None).is_empty());
    }

    #[test]
    fn someone_online_here_and_elsewhere_leaves_when_both_are_gone() {
        let mut online = Online::default();
        assert_eq!(
            online.set_remote(vec![entry("p1", "g")]),
            vec![PresenceChange::Joined(entry("p1", "g"))]
        );
        assert_eq!(online.enter(entry("p1", "g")), None, "already online");
        assert_eq!(online.set_remote(vec![]), vec![], "still here");
        assert_eq!(online.set_remote(vec![entry("p1", "g")]), vec![]);
        assert_eq!(online.leave("p1"), None, "still elsewhere");
        assert_eq!(online.list(Some("g")), vec![entry("p1", "g")]);
        assert_eq!(online.set_remote(vec![]), vec![left("p1", "g")]);
        assert!(online.list(None).is_empty());
    }

    #[test]
    fn the_list_is_the_union_by_participant_and_filtered_by_group() {
        let mut online = Online::default();
        online.enter(entry("p2", "g"));
        online.set_remote(vec![entry("p1", "g"), entry("p3", "h")]);
        let ids = |list: Vec<PresenceEntry>| {
            list.into_iter()
                .map(|e| e.participant_id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(online.list(None)), ["p1", "p2", "p3"]);
        assert_eq!(ids(online.list(Some("g"))), ["p1", "p2"]);
    }

    #[test]
    fn rows_are_written_as_differences_and_all_again_when_lost() {
        let mut online = Online::default();
        online.enter(entry("p1", "g"));
        online.enter(entry("p2", "g"));
        let first = online.row_changes().expect("no rows yet");
        assert_eq!(first.online.len(), 2);
        online.rows_written(first.after);
        assert_eq!(online.row_changes(), None);
        online.leave("p1");
        online.enter(entry("p3", "h"));
        let next = online.row_changes().expect("changed");
        assert_eq!(next.online, vec![("p3".to_owned(), "h".to_owned())]);
        assert_eq!(next.gone, vec!["p1".to_owned()]);
        online.rows_written(next.after);
        online.rows_lost();
        assert_eq!(online.row_changes().expect("lost").online.len(), 2);
    }
}
