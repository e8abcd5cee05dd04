//! What the core tells the screen: one stream of [`Change`]s. Whatever
//! changes what a screen shows — a reading stored and judged (from a screen
//! or a device in the background; a red from the background to show now), a
//! result read, a plan changed or refused, messages, the service's
//! acknowledgement, sync, training and why it ended, the nurse lock,
//! settings, Bluetooth, a reminder, a call ringing, a `heima-enrol:` link
//! arriving — is told here once, by the code that changed it. A listener
//! that falls behind is told [`Change::Missed`]. The shell forwards each
//! change to the window over a Tauri channel and shows the notifications
//! some changes carry; the screens re-render on them instead of asking again
//! and again.

use serde::Serialize;

use crate::{
    settings::ReminderSound,
    vocabulary::{Colour, ResultItem},
};

/// How many changes a slow listener may fall behind before it is told
/// [`Change::Missed`] (and shows everything afresh).
pub const BACKLOG: usize = 256;

/// One change, as the window gets it (`{"change": "recorded", ...}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// A reading or answered questionnaire was stored and judged.
    Recorded { item: ResultItem, colour: Option<Colour> },
    /// A reading came in the background (a device the patient used
    /// without opening the app's measure screen) and needs the patient
    /// now: the window shows its result at once, and the shell shows
    /// `notification` when the window is hidden.
    ShowReading { id: i64, notification: Notification },
    /// A photo for the plan was kept (its task is done).
    PhotoKept { id: i64 },
    /// The patient has read the advice of a result.
    ResultRead { item: ResultItem },
    /// A new plan has come; the patient is told what changed.
    PlanChanged,
    /// The service sent a plan the app could not read: the old plan still
    /// holds; the patient is told to call, the service gets a notice.
    PlanRefused,
    /// New messages from the service.
    Messages,
    /// The service says a nurse has seen readings or answers.
    Acknowledged,
    /// Appointments came, changed or were called off.
    Appointments,
    /// Sync started or ended (what is waiting, sent, the last error).
    Sync,
    /// A sync round sent a batch (its progress bar moves).
    SyncProgress,
    /// Training mode went on or off, and why.
    Training { on: bool, why: TrainingSwitch },
    /// The nurse screens opened or locked.
    NurseLock { unlocked: bool },
    /// The language or the display settings changed.
    Settings,
    /// What the app knows of Bluetooth changed (checked at start).
    Bluetooth,
    /// A task of the plan fell due and is not done: the shell shows the
    /// notification, with the sound the patient chose.
    Remind { notification: Notification, sound: ReminderSound },
    /// A call rings: the call screen comes up, and the shell shows the
    /// notification when the app is not in front.
    Ringing { notification: Notification },
    /// Something from the service needs the patient (new messages, a plan
    /// the app could not read; the screens hear those changes too): the
    /// shell shows the notification when the window is not in front.
    Attention { notification: Notification },
    /// The call changed (its phase, mute, camera, network): what the call
    /// screen shows now. Its pictures go their own way (binary, to the
    /// window that asks).
    Call { screen: super::CallScreen },
    /// The enrolment scan changed: the camera opened or closed, a code was
    /// read (the nurse's page sends it), another kind of code was seen.
    Scan { view: super::ScanView },
    /// A `heima-enrol:` link opened the app: the nurse's page comes up
    /// (`arrived_link` gives it to her form).
    LinkArrived,
    /// Reading aloud started or ended (its last word, a stop, a newer one);
    /// `failed`: why it ended early (the speech service failed), to say.
    ReadAloud { reading: bool, failed: Option<crate::error::ErrorCode> },
    /// The app must restart (a panic; the shell knows and tells).
    RestartNeeded,
    /// The listener fell behind and missed changes: show everything afresh.
    Missed,
}

/// When the shell shows a change's notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyWhen {
    /// Whether or not the window is in front (a reminder, a call).
    Always,
    /// Only when the window is hidden, minimised or behind another: in
    /// front, the screen shows it already.
    WindowHidden,
}

impl Change {
    /// The desktop notification this change carries, if any, and when the
    /// shell shows it.
    pub fn notification(&self) -> Option<(&Notification, NotifyWhen)> {
        match self {
            Change::Remind { notification, .. } => Some((notification, NotifyWhen::Always)),
            Change::ShowReading { notification, .. }
            | Change::Ringing { notification }
            | Change::Attention { notification } => Some((notification, NotifyWhen::WindowHidden)),
            _ => None,
        }
    }

    /// The sound the notification makes, if any (only a reminder has one).
    pub fn sound(&self) -> Option<ReminderSound> {
        match self {
            Change::Remind { sound, .. } if *sound != ReminderSound::Off => Some(*sound),
            _ => None,
        }
    }

    /// Whether the shell brings a hidden or minimised window forward: a
    /// call rings, a reading came in that the patient must see now, or the
    /// app must restart. A reminder or a message only notifies (the
    /// patient opens Heima when ready).
    pub fn brings_window_forward(&self) -> bool {
        matches!(self, Change::Ringing { .. } | Change::ShowReading { .. } | Change::RestartNeeded)
    }
}

/// Why training mode went on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrainingSwitch {
    /// The nurse switched it on her page.
    ByNurse,
    /// The nurse screens locked (left idle, or locked by hand): practice
    /// never goes on unattended, and the screen says so.
    NurseLocked,
}

/// A desktop notification, in the patient's language. It names no value,
/// colour or kind: what it is about is shown in the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub title: String,
    pub body: String,
}

/// The sending side, held by the app (a clone tells the same listeners).
#[derive(Clone)]
pub(crate) struct Changes {
    sender: tokio::sync::broadcast::Sender<Change>,
}

impl Changes {
    pub(crate) fn new() -> Changes {
        Changes { sender: tokio::sync::broadcast::Sender::new(BACKLOG) }
    }

    /// Tells every listener; nobody listening is fine.
    pub(crate) fn tell(&self, change: Change) {
        let _ = self.sender.send(change);
    }

    pub(crate) fn listen(&self) -> Listener {
        Listener { receiver: self.sender.subscribe() }
    }
}

/// One listener's place in the stream.
pub struct Listener {
    receiver: tokio::sync::broadcast::Receiver<Change>,
}

impl Listener {
    /// The next change; [`Change::Missed`] when this listener fell behind;
    /// `None` when the app is gone.
    pub async fn next(&mut self) -> Option<Change> {
        use tokio::sync::broadcast::error::RecvError;
        match self.receiver.recv().await {
            Ok(change) => Some(change),
            Err(RecvError::Lagged(_)) => Some(Change::Missed),
            Err(RecvError::Closed) => None,
        }
    }

    /// The next change if one is waiting (tests).
    pub fn try_next(&mut self) -> Option<Change> {
        use tokio::sync::broadcast::error::TryRecvError;
        match self.receiver.try_recv() {
            Ok(change) => Some(change),
            Err(TryRecvError::Lagged(_)) => Some(Change::Missed),
            Err(TryRecvError::Empty | TryRecvError::Closed) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_listener_hears_each_change_and_a_slow_one_is_told_it_missed_some() {
        let changes = Changes::new();
        let mut quick = changes.listen();
        let mut slow = changes.listen();
        changes.tell(Change::Messages);
        assert_eq!(quick.next().await, Some(Change::Messages));
        for _ in 0..BACKLOG + 1 {
            changes.tell(Change::Sync);
        }
        assert_eq!(slow.next().await, Some(Change::Missed));
        assert_eq!(slow.next().await, Some(Change::Sync), "then it goes on from where the backlog starts");
        assert_eq!(
            serde_json::to_value(Change::Training { on: false, why: TrainingSwitch::NurseLocked }).unwrap(),
            serde_json::json!({ "change": "training", "on": false, "why": "nurse-locked" })
        );
        drop(changes);
        while quick.try_next().is_some() {}
        assert_eq!(quick.next().await, None, "the app is gone");
    }

    /// A hidden window comes back for what cannot wait, and only for that.
    #[test]
    fn a_call_and_a_reading_to_see_now_bring_the_window_forward() {
        let notification = Notification { title: "t".into(), body: String::new() };
        let cases = [
            (Change::Ringing { notification: notification.clone() }, true),
            (Change::ShowReading { id: 1, notification: notification.clone() }, true),
            (Change::RestartNeeded, true),
            (Change::Attention { notification: notification.clone() }, false),
            (Change::Remind { notification, sound: ReminderSound::Bell }, false),
            (Change::Messages, false),
            (Change::PlanChanged, false),
            (Change::Sync, false),
        ];
        for (change, forward) in cases {
            assert_eq!(change.brings_window_forward(), forward, "{change:?}");
        }
    }
}
