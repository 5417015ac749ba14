//! The op commit queue both backends use: an op joins the queue when
//! [`CommitQueue::submit`] is called (so ops queued one after another commit
//! in that order); whoever gets the backend's turn next takes everything
//! queued and writes it as one batch ([`BatchWriter::write`]: SQLite in one
//! transaction, PostgreSQL one transaction per op), and every submitter gets
//! its own op's answer. A submitter that finds its op already taken by an
//! earlier turn only waits for the answer.

use super::{OpRow, StoreError, StoreResult};
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::oneshot;

/// An op waiting in the queue, with whom to tell the outcome.
pub(super) struct QueuedOp {
    pub op: OpRow,
    pub done: oneshot::Sender<StoreResult<()>>,
}

impl QueuedOp {
    /// Tells the submitter the outcome (gone submitters are not asked).
    pub fn answer(self, outcome: StoreResult<()>) {
        let _ = self.done.send(outcome);
    }
}

/// How a backend takes its turn and writes a batch.
pub(super) trait BatchWriter: Clone + Send + Sync + 'static {
    /// Held while a batch is taken and written (only one batch at a time).
    type Turn: Send;

    fn turn(&self) -> impl Future<Output = Self::Turn> + Send;

    /// Writes `batch` in queue order and answers every op of it.
    fn write(&self, turn: Self::Turn, batch: Vec<QueuedOp>) -> impl Future<Output = ()> + Send;

    /// Where a turn runs: SQLite hands it to its writer thread, so a commit
    /// does not wait behind every ready socket task of the server's runtime.
    fn run_turn(
        turn: impl Future<Output = ()> + Send + 'static,
    ) -> impl Future<Output = ()> + Send {
        turn
    }
}

#[derive(Default)]
pub(super) struct CommitQueue {
    queued: Mutex<Vec<QueuedOp>>,
}

impl CommitQueue {
    /// Queues `op` now and returns its answer: `Ok` once the op is durable.
    ///
    /// The caller must not be cancelled between queueing and the answer
    /// (the hub runs it in a task of its own): a queued op is committed
    /// whether anyone still waits for it or not.
    pub fn submit<W: BatchWriter>(
        self: &Arc<Self>,
        writer: W,
        op: OpRow,
    ) -> impl Future<Output = StoreResult<()>> + Send + 'static {
        let (done, outcome) = oneshot::channel();
        // Pushing and taking cannot panic, so a poisoned lock still holds a
        // whole queue.
        self.queued
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(QueuedOp { op, done });
        let queue = Arc::clone(self);
        async move {
            let turn = async move {
                let turn = writer.turn().await;
                let batch = queue.take();
                if batch.is_empty() {
                    // An earlier turn took this op into its batch and answered.
                    drop(turn);
                } else {
                    writer.write(turn, batch).await;
                }
            };
            W::run_turn(turn).await;
            outcome
                .await
                .unwrap_or_else(|_| Err(StoreError::Unavailable("commit abandoned".into())))
        }
    }

    fn take(&self) -> Vec<QueuedOp> {
        std::mem::take(&mut *self.queued.lock().unwrap_or_else(PoisonError::into_inner))
    }
}
