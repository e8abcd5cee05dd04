//! The app's video calls: who the patient calls ([`CallRoute`]: the enrolled
//! service's call endpoint, or the demo nurse in demo mode) and what the
//! call screen shows ([`CallScreen`]). The call itself is
//! [`super::call_line`].

use serde::Serialize;

use super::{
    call_line::{CallView, Picture},
    App, Change, Mode, Notification, Platform,
};
use crate::{
    call::{
        demo_nurse::DemoNurse,
        media::{CallMedia, Frame},
        signalling::{CallService, CallSignalling, IncomingCall, PlacedCall},
        CallError, CallOptions,
    },
    error::{CoreError, ErrorCode},
};

/// The other end of the patient's calls.
pub enum CallRoute<M: CallMedia> {
    Service(Box<CallService>),
    Demo(DemoNurse<M>),
}

impl<M: CallMedia> Clone for CallRoute<M> {
    fn clone(&self) -> Self {
        match self {
            CallRoute::Service(s) => CallRoute::Service(s.clone()),
            CallRoute::Demo(d) => CallRoute::Demo(d.clone()),
        }
    }
}

impl<M: CallMedia> CallSignalling for CallRoute<M> {
    async fn options(&self) -> Result<CallOptions, CallError> {
        match self {
            CallRoute::Service(s) => CallSignalling::options(&**s).await,
            CallRoute::Demo(d) => d.options().await,
        }
    }
    async fn place(&self, offer: &str) -> Result<PlacedCall, CallError> {
        match self {
            CallRoute::Service(s) => CallSignalling::place(&**s, offer).await,
            CallRoute::Demo(d) => d.place(offer).await,
        }
    }
    async fn incoming(&self) -> Result<Option<IncomingCall>, CallError> {
        match self {
            CallRoute::Service(s) => CallSignalling::incoming(&**s).await,
            CallRoute::Demo(d) => d.incoming().await,
        }
    }
    async fn answer(&self, call: &str, answer: &str) -> Result<(), CallError> {
        match self {
            CallRoute::Service(s) => CallSignalling::answer(&**s, call, answer).await,
            CallRoute::Demo(d) => d.answer(call, answer).await,
        }
    }
    async fn is_on(&self, call: &str) -> Result<bool, CallError> {
        match self {
            CallRoute::Service(s) => CallSignalling::is_on(&**s, call).await,
            CallRoute::Demo(d) => d.is_on(call).await,
        }
    }
    async fn hang_up(&self, call: &str) -> Result<(), CallError> {
        match self {
            CallRoute::Service(s) => CallSignalling::hang_up(&**s, call).await,
            CallRoute::Demo(d) => d.hang_up(call).await,
        }
    }
}

/// How often the call's state and pictures are looked at while a call is
/// on (pictures come at up to 15 a second).
pub const CALL_LOOK_EVERY: std::time::Duration = std::time::Duration::from_millis(66);

/// The numbers of the newest pictures a window has.
#[derive(Debug, Clone, Copy, Default)]
pub struct PicturesSeen {
    pub theirs: u64,
    pub own: u64,
}

/// What the call screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallScreen {
    /// Video calls are possible (demo mode, or a service with a call endpoint).
    pub available: bool,
    pub demo: bool,
    #[serde(flatten)]
    pub line: CallView,
}

fn call_error(e: CallError) -> CoreError {
    CoreError::new(e.code, e.detail)
}

impl<P: Platform, M: CallMedia> App<P, M> {
    /// Who the patient's calls go to now.
    fn call_route(&self) -> Result<CallRoute<M>, CallError> {
        match self.mode() {
            Mode::Demo => Ok(CallRoute::Demo(self.demo_nurse.clone())),
            Mode::Revoked | Mode::Recovery | Mode::Ended => {
                Err(CallError::new(ErrorCode::CallNotOffered, "the service does not take this tablet's calls"))
            }
            Mode::Enrolled => {
                let enrolment = self
                    .enrolment()
                    .ok()
                    .flatten()
                    .ok_or_else(|| CallError::new(ErrorCode::CallNotOffered, "not enrolled"))?;
                let endpoint = enrolment
                    .call_endpoint
                    .ok_or_else(|| CallError::new(ErrorCode::CallNotOffered, "the service takes no calls"))?;
                // Its own token (RFC 8707) or none, never the FHIR token.
                Ok(CallRoute::Service(Box::new(
                    CallService::new(&endpoint, enrolment.call_token)?
                        .with_clock(self.clock.clone())
                        .with_ice_transports(self.config.ice_transports),
                )))
            }
        }
    }

    /// Does the enrolled service take calls? (The follow-up keeps its
    /// enrolment once read: asking costs no keyring read.)
    fn service_takes_calls(&self) -> bool {
        self.enrolment().ok().flatten().is_some_and(|e| e.call_endpoint.is_some())
    }

    /// What the call screen shows now.
    pub fn call_screen(&self) -> CallScreen {
        let mode = self.mode();
        let available = match mode {
            Mode::Demo => true,
            Mode::Enrolled => self.service_takes_calls(),
            Mode::Revoked | Mode::Recovery | Mode::Ended => false,
        };
        CallScreen { available, demo: mode == Mode::Demo, line: self.calls.view() }
    }

    /// The patient calls the service (or the demo nurse).
    pub fn call_start(&self) -> Result<(), CoreError> {
        let route = self.call_route().map_err(call_error)?;
        let started = self.calls.start(route).map_err(call_error);
        self.call_changed.notify_one();
        started
    }

    /// The patient joins a booked video appointment from its card: calls
    /// the service as [`App::call_start`] does, at the appointment's time
    /// only ([`crate::appointments::can_join`]); otherwise
    /// `appointment-not-now`.
    pub fn appointment_join(&self, id: &str) -> Result<(), CoreError> {
        let now = self.clock.now();
        let found = self.with_store(|store| {
            let service = store.appointment_service()?;
            Ok(store.appointment(&service, id)?)
        })?;
        match found {
            Some(a) if crate::appointments::can_join(&a, now) => self.call_start(),
            _ => Err(CoreError::new(ErrorCode::AppointmentNotNow, "the appointment cannot be joined now")),
        }
    }

    /// The patient answers the call that rings.
    pub fn call_answer(&self) -> Result<(), CoreError> {
        let answered = self.calls.answer().map_err(call_error);
        self.call_changed.notify_one();
        answered
    }

    /// Hangs up, declines a ringing call, or stops calling.
    pub async fn call_hang_up(&self) {
        self.calls.hang_up().await;
        self.call_changed.notify_one();
    }

    pub fn call_set_muted(&self, muted: bool) {
        self.calls.set_muted(muted);
        self.call_changed.notify_one();
    }

    pub fn call_set_camera(&self, on: bool) {
        self.calls.set_camera_on(on);
        self.call_changed.notify_one();
    }

    /// The pictures newer than those numbered in `seen` (the other side's,
    /// then the self view), once there are any: looked for every
    /// [`CALL_LOOK_EVERY`] while a call is on. `None` when no call is on
    /// (nothing more will come).
    pub async fn next_pictures(&self, seen: &mut PicturesSeen) -> Option<Vec<(Picture, Frame)>> {
        loop {
            if !self.calls.view().phase.is_on() {
                return None;
            }
            let mut new = vec![];
            for (picture, after) in [(Picture::Theirs, &mut seen.theirs), (Picture::Own, &mut seen.own)] {
                if let Some(frame) = self.calls.frame(picture).filter(|f| f.number > *after) {
                    *after = frame.number;
                    new.push((picture, frame));
                }
            }
            if !new.is_empty() {
                return Some(new);
            }
            tokio::time::sleep(CALL_LOOK_EVERY).await;
        }
    }

    /// Demo mode: the demo nurse rings the patient (from the nurse page).
    pub async fn call_demo_ring(&self) -> Result<(), CoreError> {
        if self.mode() != Mode::Demo {
            return Err(CoreError::new(ErrorCode::CallNotOffered, "only in demo mode"));
        }
        self.demo_nurse.ring().await.map_err(call_error)?;
        self.look_for_call(&CallRoute::Demo(self.demo_nurse.clone())).await;
        Ok(())
    }

    /// Asks the service whether someone calls the patient (the shell's loop
    /// calls this now and then). Returns whether a new call rings now, so
    /// the shell can tell the patient when the app is not in front.
    pub async fn call_poll_incoming(&self) -> bool {
        match (self.mode(), self.call_route()) {
            (Mode::Enrolled, Ok(route)) => self.look_for_call(&route).await,
            _ => false,
        }
    }

    /// Asks `route` whether someone calls; a new ringing call needs the
    /// screen at once. Returns whether one rings now.
    async fn look_for_call(&self, route: &CallRoute<M>) -> bool {
        let rings = self.calls.poll(route).await;
        if rings {
            self.call_changed.notify_one();
            let title = crate::locale::format(self.settings().locale, "call-incoming", &[]);
            self.tell(Change::Ringing { notification: Notification { title, body: String::new() } });
        }
        rings
    }
}
