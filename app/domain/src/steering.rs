//! What the moderator steers live: what the projector shows and the timer.
//! Times are the server's clock in milliseconds since the Unix epoch, so every
//! screen counts down the same seconds whatever its own clock says.

use serde::{Deserialize, Serialize};

/// What the projector shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Stage {
    /// Join code, link and QR code.
    #[default]
    Join,
    /// One group's board of one method.
    Board { group_id: String, template: String },
    /// All groups side by side for one method.
    AllGroups { template: String },
    /// All groups' KI ideas in one ranking and one portfolio.
    JointRanking,
    /// The timer, large.
    Timer,
}

/// A countdown: `remaining_ms` as of `running_since` (or frozen while paused).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Timer {
    pub duration_ms: u64,
    pub remaining_ms: u64,
    pub running_since: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TimerAction {
    Set { seconds: u32 },
    Start,
    Pause,
    Stop,
}

/// Longest countdown: a workshop day.
pub const TIMER_MAX_SECONDS: u32 = 12 * 60 * 60;

impl Timer {
    /// Milliseconds left at server time `now`.
    pub fn remaining(&self, now: i64) -> u64 {
        match self.running_since {
            Some(since) => {
                let elapsed = u64::try_from(now.saturating_sub(since)).unwrap_or(0);
                self.remaining_ms.saturating_sub(elapsed)
            }
            None => self.remaining_ms,
        }
    }

    pub fn running(&self) -> bool {
        self.running_since.is_some()
    }

    /// The timer after `action` at server time `now`; `None` if the action
    /// is not possible (a duration out of range).
    pub fn after(&self, action: TimerAction, now: i64) -> Option<Timer> {
        Some(match action {
            TimerAction::Set { seconds } => {
                if seconds == 0 || seconds > TIMER_MAX_SECONDS {
                    return None;
                }
                let ms = u64::from(seconds) * 1000;
                Timer {
                    duration_ms: ms,
                    remaining_ms: ms,
                    running_since: None,
                }
            }
            TimerAction::Start if self.running() || self.remaining_ms == 0 => *self,
            TimerAction::Start => Timer {
                running_since: Some(now),
                ..*self
            },
            TimerAction::Pause => Timer {
                remaining_ms: self.remaining(now),
                running_since: None,
                ..*self
            },
            TimerAction::Stop => Timer {
                remaining_ms: self.duration_ms,
                running_since: None,
                ..*self
            },
        })
    }
}

/// "mm:ss" (or "h:mm:ss") for a number of milliseconds, rounded up so that
/// "00:00" appears only when the time is really up.
pub fn clock(ms: u64) -> String {
    let secs = ms.div_ceil(1000);
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timer_counts_down_pauses_and_resets_by_server_time() {
        let t = Timer::default()
            .after(TimerAction::Set { seconds: 300 }, 0)
            .unwrap();
        assert_eq!(t.remaining(1_000_000), 300_000, "not running yet");
        let t = t.after(TimerAction::Start, 10_000).unwrap();
        assert_eq!(t.remaining(70_000), 240_000);
        let t = t.after(TimerAction::Pause, 70_000).unwrap();
        assert_eq!(t.remaining(999_999), 240_000, "paused");
        let t = t.after(TimerAction::Start, 100_000).unwrap();
        assert_eq!(t.remaining(400_000), 0, "never below zero");
        let t = t.after(TimerAction::Stop, 400_000).unwrap();
        assert_eq!((t.remaining(500_000), t.running()), (300_000, false));
    }

    #[test]
    fn durations_out_of_range_are_refused() {
        let t = Timer::default();
        assert!(t.after(TimerAction::Set { seconds: 0 }, 0).is_none());
        assert!(t
            .after(
                TimerAction::Set {
                    seconds: TIMER_MAX_SECONDS + 1
                },
                0
            )
            .is_none());
        // Starting a timer that is up or already running changes nothing.
        assert_eq!(t.after(TimerAction::Start, 5), Some(t));
    }

    #[test]
    fn clock_rounds_up_and_shows_hours_only_when_needed() {
        assert_eq!(clock(0), "00:00");
        assert_eq!(clock(1), "00:01");
        assert_eq!(clock(61_000), "01:01");
        assert_eq!(clock(3_600_000), "1:00:00");
    }
}
