//! Repository tests on a real SQLite file.

mod common;

use app::domain::session::{limits, GroupDetails, ParticipantDetails, SessionDetails};
use app::domain::JoinCode;
use common::test_db;
use server::store::{Store, StoreError};

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

#[tokio::test]
async fn creates_session_and_finds_it_by_code_and_moderator_hash() {
    let db = test_db().await;
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

#[tokio::test]
async fn duplicate_join_code_is_reported_not_overwritten() {
    let db = test_db().await;
    session(&db.store, "ACK479").await;
    let again = db
        .store
        .create_session(&details(), &JoinCode::parse("ACK479").unwrap(), b"x", 2)
        .await;
    assert!(matches!(again, Err(StoreError::JoinCodeTaken)));
}

#[tokio::test]
async fn groups_are_added_renamed_and_removed_in_order() {
    let db = test_db().await;
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

#[tokio::test]
async fn group_limit_is_enforced() {
    let db = test_db().await;
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

#[tokio::test]
async fn join_stores_participant_and_token_lookup_finds_them() {
    let db = test_db().await;
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

#[tokio::test]
async fn joining_a_group_of_another_session_writes_nothing() {
    let db = test_db().await;
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

#[tokio::test]
async fn data_survives_reopening_the_file() {
    let db = test_db().await;
    let s = session(&db.store, "ACK479").await;
    let url = format!("sqlite://{}", db.dir.path().join("test.db").display());
    let reopened = Store::open(&url).await.unwrap();
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
    let result = Store::open("postgres://localhost/ikz").await;
    assert!(matches!(result, Err(StoreError::UnsupportedDatabase(ref s)) if s == "postgres"));
}
