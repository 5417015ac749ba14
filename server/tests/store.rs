//! Repository tests, each on a real SQLite file and on a real PostgreSQL
//! database (`common::pg`): both backends must behave the same.

mod common;

use app::domain::board::{Author, Op};
use app::domain::session::{limits, GroupDetails, ParticipantDetails, SessionDetails};
use app::domain::JoinCode;
use app::protocol::SequencedOp;
use common::TestDb;
use server::store::{CommittedOp, LoggedOp, SessionRecord, Store, StoreError};

fn details() -> SessionDetails {
    SessionDetails::validate("Workshop Süd", "2026-11-25", "Landratsamt").unwrap()
}

fn group(name: &str) -> GroupDetails {
    GroupDetails::validate(name, "#8ecae6").unwrap()
}

fn person(name: &str) -> ParticipantDetails {
    ParticipantDetails::validate(name, "Musterstadt").unwrap()
}

async fn session(store: &Store, code: &str) -> server::store::SessionRecord {
    store
        .create_session(
            &details(),
            &JoinCode::parse(code).unwrap(),
            code.as_bytes(),
            1,
        )
        .await
        .unwrap()
}

async fn creates_session_and_finds_it_by_code_and_moderator_hash(db: TestDb) {
    let created = session(&db.store, "ACK479").await;
    let by_code = db
        .store
        .session_by_code(&JoinCode::parse("ack 479").unwrap())
        .await
        .unwrap();
    assert_eq!(by_code, Some(created.clone()));
    let by_hash = db
        .store
        .session_by_moderator_token(b"ACK479")
        .await
        .unwrap();
    assert_eq!(by_hash, Some(created));
    assert_eq!(
        db.store.session_by_moderator_token(b"other").await.unwrap(),
        None
    );
}

async fn duplicate_join_code_is_reported_not_overwritten(db: TestDb) {
    session(&db.store, "ACK479").await;
    let again = db
        .store
        .create_session(&details(), &JoinCode::parse("ACK479").unwrap(), b"x", 2)
        .await;
    assert!(matches!(again, Err(StoreError::JoinCodeTaken)));
}

async fn groups_are_added_renamed_and_removed_in_order(db: TestDb) {
    let s = session(&db.store, "ACK479").await;
    let a = db.store.add_group(&s.id, &group("Nord")).await.unwrap();
    let b = db.store.add_group(&s.id, &group("Süd")).await.unwrap();
    assert!(matches!(
        db.store.add_group(&s.id, &group("Nord")).await,
        Err(StoreError::DuplicateGroupName)
    ));
    let renamed = db
        .store
        .update_group(&s.id, &a.id, &group("Nordost"))
        .await
        .unwrap();
    assert_eq!(renamed.name, "Nordost");
    let names: Vec<_> = db
        .store
        .groups(&s.id)
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.name)
        .collect();
    assert_eq!(names, ["Nordost", "Süd"]);
    db.store.remove_group(&s.id, &b.id).await.unwrap();
    assert_eq!(db.store.groups(&s.id).await.unwrap().len(), 1);
    assert!(matches!(
        db.store.remove_group(&s.id, &b.id).await,
        Err(StoreError::UnknownGroup)
    ));
}

async fn group_limit_is_enforced(db: TestDb) {
    let s = session(&db.store, "ACK479").await;
    for i in 0..limits::GROUPS_PER_SESSION {
        db.store
            .add_group(&s.id, &group(&format!("G{i}")))
            .await
            .unwrap();
    }
    assert!(matches!(
        db.store.add_group(&s.id, &group("one too many")).await,
        Err(StoreError::TooManyGroups)
    ));
}

async fn join_stores_participant_and_token_lookup_finds_them(db: TestDb) {
    let s = session(&db.store, "ACK479").await;
    let g = db.store.add_group(&s.id, &group("Nord")).await.unwrap();
    let p = db
        .store
        .add_participant(&s.id, &g.id, &person("Anna"), b"token-hash", 10, 100)
        .await
        .unwrap();
    let found = db.store.participant_by_token(b"token-hash").await.unwrap();
    assert_eq!(found, Some(p.clone()));
    assert_eq!(db.store.groups(&s.id).await.unwrap()[0].member_count, 1);
    assert!(matches!(
        db.store.remove_group(&s.id, &g.id).await,
        Err(StoreError::GroupNotEmpty)
    ));
    assert_eq!(db.store.participants(&s.id).await.unwrap(), vec![p]);
}

async fn joining_a_group_of_another_session_writes_nothing(db: TestDb) {
    let s1 = session(&db.store, "ACK479").await;
    let s2 = session(&db.store, "DEF734").await;
    let foreign = db.store.add_group(&s2.id, &group("Fremd")).await.unwrap();
    let result = db
        .store
        .add_participant(&s1.id, &foreign.id, &person("Anna"), b"t", 1, 2)
        .await;
    assert!(matches!(result, Err(StoreError::UnknownGroup)));
    assert!(db.store.participants(&s1.id).await.unwrap().is_empty());
}

async fn data_survives_reopening_the_file(db: TestDb) {
    let s = session(&db.store, "ACK479").await;
    let reopened = Store::open(&db.url).await.unwrap();
    assert_eq!(
        reopened
            .session_by_code(&JoinCode::parse("ACK479").unwrap())
            .await
            .unwrap(),
        Some(s)
    );
}

#[tokio::test]
async fn a_database_url_of_another_kind_is_refused_clearly() {
    let result = Store::open("mysql://localhost/ikz").await;
    assert!(matches!(result, Err(StoreError::UnsupportedDatabase(ref s)) if s == "mysql"));
}

/// An op of the canvas board of `group` adding card `n`, as the hub logs it.
fn card_op(session: &SessionRecord, group: &str, author: &str, seq: u64, n: usize) -> CommittedOp {
    let board = format!("{group}:canvas");
    let sequenced = SequencedOp {
        seq,
        op_id: format!("op-{group}-{n}"),
        board: board.clone(),
        author: Author {
            id: author.to_owned(),
            name: format!("Person {author}"),
            kommune: "Musterstadt".into(),
            moderator: false,
        },
        op: Op::AddCard {
            card_id: format!("c-{group}-{n}"),
            section: "problem".into(),
            text: format!("Karte {n}"),
        },
    };
    CommittedOp {
        session_id: session.id.clone(),
        group_id: group.to_owned(),
        op: LoggedOp::encode(sequenced).unwrap(),
        prev_op_id: None,
        snapshot: None,
        created_at: 1_700_000_000 + seq as i64,
    }
}

fn cards_on(room: &server::store::RoomRecord, board: &str) -> usize {
    room.boards[board].sections.values().map(Vec::len).sum()
}

/// Seqs of every logged op, in order.
async fn logged_seqs(store: &Store, session: &SessionRecord) -> Vec<u64> {
    let ops = store
        .ops_since(&session.id, None, 0, u64::MAX / 2)
        .await
        .unwrap();
    ops.iter().map(|logged| logged.op.seq).collect()
}

async fn ops_commit_in_sequence_and_load_back_through_replay(db: TestDb) {
    let s = session(&db.store, "ACK479").await;
    for seq in 1..=70u64 {
        let group = if seq % 3 == 0 { "g2" } else { "g1" };
        let op = card_op(&s, group, "p1", seq, seq as usize);
        db.store.commit_op(op).await.unwrap();
    }
    // Not the next number: refused, nothing stored.
    for seq in [70, 72, 1] {
        let refused = db.store.commit_op(card_op(&s, "g1", "p1", seq, 900)).await;
        assert!(
            matches!(refused, Err(StoreError::OutOfSequence { stored: 70, .. })),
            "seq {seq}: {refused:?}"
        );
    }
    // The same op id again under the next number: refused by the log.
    assert!(db
        .store
        .commit_op(card_op(&s, "g1", "p1", 71, 1))
        .await
        .is_err());
    assert_eq!(
        logged_seqs(&db.store, &s).await,
        (1..=70).collect::<Vec<_>>()
    );
    let room = db.store.load_room(&s.id).await.unwrap();
    assert_eq!(room.last_seq, 70);
    assert_eq!(room.op_ids.len(), 70);
    assert_eq!(cards_on(&room, "g1:canvas"), 47);
    assert_eq!(cards_on(&room, "g2:canvas"), 23);
    let g2 = db.store.ops_since(&s.id, Some("g2"), 30, 60).await.unwrap();
    assert_eq!(g2.len(), 10, "g2's ops 33, 36, …, 60");
    assert!(
        db.store.commit_stats().1 >= 70,
        "every committed op counted"
    );
}

/// Eight writers on two stores of one database (two server instances)
/// race for the next sequence number of one session: every op lands once,
/// the numbers have no gap, and a loser learns the stored number and retries.
async fn concurrent_writers_on_two_stores_keep_seqs_gap_free(db: TestDb) {
    const WRITERS: usize = 8;
    const OPS: usize = 15;
    let s = session(&db.store, "ACK479").await;
    let other = Store::open(&db.url).await.unwrap();
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let store = if w % 2 == 0 {
                db.store.clone()
            } else {
                other.clone()
            };
            let s = s.clone();
            tokio::spawn(async move {
                let mut next = 1;
                let mut retries = 0;
                for n in 0..OPS {
                    loop {
                        let op = card_op(&s, &format!("w{w}"), "p", next, n);
                        match store.commit_op(op).await {
                            Ok(()) => {
                                next += 1;
                                break;
                            }
                            Err(StoreError::OutOfSequence { stored, .. }) => {
                                next = stored + 1;
                                retries += 1;
                            }
                            Err(e) => panic!("writer {w}: {e}"),
                        }
                    }
                }
                retries
            })
        })
        .collect();
    let mut retries = 0;
    for task in tasks {
        retries += task.await.unwrap();
    }
    let total = (WRITERS * OPS) as u64;
    assert_eq!(
        logged_seqs(&db.store, &s).await,
        (1..=total).collect::<Vec<_>>()
    );
    let room = other.load_room(&s.id).await.unwrap();
    assert_eq!(room.last_seq, total);
    let mut ids: Vec<_> = room.op_ids.iter().map(|(id, _)| id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), WRITERS * OPS, "every op exactly once");
    for w in 0..WRITERS {
        assert_eq!(cards_on(&room, &format!("w{w}:canvas")), OPS);
    }
    println!("{WRITERS} writers × {OPS} ops on two stores: {retries} retries after a lost race");
}

/// Joins racing on two stores stop exactly at the participant limit.
async fn concurrent_joins_on_two_stores_stop_at_the_limit(db: TestDb) {
    let s = session(&db.store, "ACK479").await;
    let g = db.store.add_group(&s.id, &group("Nord")).await.unwrap();
    let other = Store::open(&db.url).await.unwrap();
    let tries = limits::PARTICIPANTS_PER_SESSION + 20;
    let tasks: Vec<_> = (0..tries)
        .map(|i| {
            let store = if i % 2 == 0 {
                db.store.clone()
            } else {
                other.clone()
            };
            let (sid, gid) = (s.id.clone(), g.id.clone());
            tokio::spawn(async move {
                let hash = format!("token-{i}");
                store
                    .add_participant(&sid, &gid, &person("Anna"), hash.as_bytes(), 1, 2)
                    .await
            })
        })
        .collect();
    let (mut joined, mut full) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => joined += 1,
            Err(StoreError::SessionFull) => full += 1,
            Err(e) => panic!("join: {e}"),
        }
    }
    assert_eq!(joined, limits::PARTICIPANTS_PER_SESSION);
    assert_eq!(full, 20);
    assert_eq!(
        db.store.participants(&s.id).await.unwrap().len(),
        limits::PARTICIPANTS_PER_SESSION
    );
}

async fn removing_a_participant_and_deleting_a_session_leave_nothing(db: TestDb) {
    let s = session(&db.store, "ACK479").await;
    let g = db.store.add_group(&s.id, &group("Nord")).await.unwrap();
    let anna = db
        .store
        .add_participant(&s.id, &g.id, &person("Anna"), b"anna", 1, 2)
        .await
        .unwrap();
    for seq in 1..=3 {
        let mut op = card_op(&s, &g.id, &anna.id, seq, seq as usize);
        if seq == 2 {
            // A snapshot naming Anna, as the hub writes one.
            let room = db.store.load_room(&s.id).await.unwrap();
            let mut board = room.boards.values().next().cloned().unwrap();
            let template = app::domain::templates::find("canvas").unwrap();
            let logged = &op.op.op;
            app::domain::board::apply(&mut board, template, &logged.author, &logged.op).unwrap();
            op.snapshot = Some(board);
        }
        db.store.commit_op(op).await.unwrap();
    }
    db.store.remove_participant(&s.id, &anna.id).await.unwrap();
    let ops = db.store.ops_since(&s.id, None, 0, 10).await.unwrap();
    assert_eq!(ops.len(), 3);
    for logged in &ops {
        let json = &logged.json;
        assert!(!json.contains("Person"), "name left in {json}");
        assert!(json.contains(app::domain::privacy::FORMER_PARTICIPANT));
    }
    let room = db.store.load_room(&s.id).await.unwrap();
    let board = serde_json::to_string(&room.boards).unwrap();
    assert!(!board.contains("Person"), "name left on the board");
    assert!(matches!(
        db.store.remove_participant(&s.id, &anna.id).await,
        Err(StoreError::UnknownParticipant)
    ));
    assert!(db.store.delete_session(&s.id).await.unwrap());
    assert!(!db.store.delete_session(&s.id).await.unwrap());
    assert_eq!(db.store.session_count().await.unwrap(), 0);
    assert!(db
        .store
        .ops_since(&s.id, None, 0, 10)
        .await
        .unwrap()
        .is_empty());
    assert!(db.store.groups(&s.id).await.unwrap().is_empty());
    assert_eq!(db.store.health().await, Ok(()));
}

crate::on_both_backends!(
    creates_session_and_finds_it_by_code_and_moderator_hash,
    duplicate_join_code_is_reported_not_overwritten,
    groups_are_added_renamed_and_removed_in_order,
    group_limit_is_enforced,
    join_stores_participant_and_token_lookup_finds_them,
    joining_a_group_of_another_session_writes_nothing,
    data_survives_reopening_the_file,
    ops_commit_in_sequence_and_load_back_through_replay,
    concurrent_writers_on_two_stores_keep_seqs_gap_free,
    concurrent_joins_on_two_stores_stop_at_the_limit,
    removing_a_participant_and_deleting_a_session_leave_nothing,
);

/// PostgreSQL, where several instances number ops: an op whose room
/// applied it after another op than the one stored under `seq - 1` is
/// refused, however the numbers line up, and nothing of it is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_refuses_an_op_that_follows_an_op_another_instance_did_not_store() {
    let db = common::test_db_on(common::Backend::Postgres).await;
    let s = session(&db.store, "ACK479").await;
    let first = card_op(&s, "g1", "p1", 1, 1);
    let first_id = first.op.op.op_id.clone();
    db.store.commit_op(first).await.unwrap();
    // Another instance's room applied op 2 after its own op 1, which lost.
    let mut second = card_op(&s, "g1", "p1", 2, 2);
    second.prev_op_id = Some("op-that-lost".into());
    let refused = db.store.commit_op(second.clone()).await;
    assert!(
        matches!(refused, Err(StoreError::OutOfSequence { seq: 2, .. })),
        "{refused:?}"
    );
    assert_eq!(logged_seqs(&db.store, &s).await, vec![1]);
    assert_eq!(db.store.load_room(&s.id).await.unwrap().last_seq, 1);
    // After the op that is stored: committed.
    second.prev_op_id = Some(first_id);
    db.store.commit_op(second).await.unwrap();
    assert_eq!(logged_seqs(&db.store, &s).await, vec![1, 2]);
}
