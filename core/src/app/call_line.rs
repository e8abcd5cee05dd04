//! The app's one call line, as a state machine: idle → calling (the
//! patient's call rings at the other end) or incoming (someone rings the
//! patient) → active → ended. It is generic over the media ([`CallMedia`]:
//! GStreamer in the app, fakes in tests) and the signalling
//! ([`CallSignalling`]: the follow-up service, or the demo nurse). Each new
//! call bumps a generation, so a late result of an old call never overwrites
//! a newer one; giving up while it rings stops the ringing request at once.
//! It judges the network per window. Runs its background work on the runtime
//! it is given.
//!
//! Unit tests with fake media and the demo nurse: place, give up, ring,
//! answer, decline, missed, hang up on either side, poor network.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use serde::Serialize;

use crate::call::{
    media::{CallMedia, CaptureMedia, Devices, Frame, PlaybackMedia, Source, Speaker},
    signalling::{follow, CallEnd, CallSignalling, IncomingCall},
    CallError, CallPeer, CallState, IncomingMedia,
};
use crate::error::ErrorCode;

/// How the line paces itself.
#[derive(Debug, Clone, Copy)]
pub struct CallTimings {
    /// How often the other end is asked whether a call is still on (the
    /// push channel wakes the line sooner: [`CallLine::check_soon`]).
    pub follow_every: Duration,
    /// The network is judged over windows this long.
    pub network_window: Duration,
}

impl Default for CallTimings {
    fn default() -> Self {
        CallTimings { follow_every: Duration::from_secs(2), network_window: Duration::from_secs(3) }
    }
}

/// Which picture the call screen asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picture {
    /// What the other side sends.
    Theirs,
    /// The self view.
    Own,
}

struct ActiveCall<M: CallMedia, S> {
    peer: Arc<CallPeer>,
    playback: Arc<M::Playback>,
    capture: Option<M::Capture>,
    devices: Devices,
    signalling: S,
    url: String,
    muted: bool,
    camera_on: bool,
    poor_network: bool,
    window_started: Instant,
}

impl<M: CallMedia, S: CallSignalling> ActiveCall<M, S> {
    /// Hangs up here and tells the other side.
    async fn end(self) {
        let _ = self.peer.hang_up().await;
        let _ = self.signalling.hang_up(&self.url).await;
    }
}

enum Phase<M: CallMedia, S> {
    Idle,
    /// The patient's call is ringing at the other end.
    Calling,
    /// Someone calls the patient; the tablet rings while this lasts (no
    /// ringer when there is no speaker).
    Incoming {
        call: IncomingCall,
        signalling: S,
        _ringer: Option<M::Ringer>,
    },
    Active(Box<ActiveCall<M, S>>),
    /// The last call ended (why), or could not be made.
    Ended(CallEnded),
}

impl<M: CallMedia, S> Phase<M, S> {
    fn is_free(&self) -> bool {
        matches!(self, Phase::Idle | Phase::Ended(_))
    }
}

/// Why the last call ended, or why it could not be made; on the wire the
/// reason's kebab-case name. The call screen words it as
/// `call-ended-<name>`, or with its general words when there are none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum CallEnded {
    End(CallEnd),
    Failed(ErrorCode),
}

impl CallEnded {
    pub fn as_str(self) -> &'static str {
        match self {
            CallEnded::End(CallEnd::HungUpHere) => "hung-up-here",
            CallEnded::End(CallEnd::HungUpThere) => "hung-up-there",
            CallEnded::End(CallEnd::ConnectionLost) => "connection-lost",
            CallEnded::Failed(code) => code.as_str(),
        }
    }
}

/// Where the call is, as the call screen shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallPhase {
    Idle,
    Calling,
    Incoming,
    Connecting,
    Connected,
    Ended,
}

impl CallPhase {
    /// A call is ringing, being made or running.
    pub fn is_on(self) -> bool {
        !matches!(self, CallPhase::Idle | CallPhase::Ended)
    }
}

/// What the call screen shows of the line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallView {
    pub phase: CallPhase,
    /// Why it ended: `hung-up-here`, `hung-up-there`, `connection-lost`,
    /// or a `call-…`/`media-…` error code (`call-missed` among them).
    pub ended: Option<CallEnded>,
    pub muted: bool,
    pub camera_on: bool,
    pub camera_missing: bool,
    pub microphone_missing: bool,
    pub poor_network: bool,
    /// Number of the other side's latest picture (0: none yet).
    pub frame: u64,
    /// Number of the latest self-view picture (0: none).
    pub preview: u64,
}

/// What the line and its background tasks share.
struct Line<M: CallMedia, S> {
    media: Arc<M>,
    /// What the patient sends (`None`: nothing, as on a tablet without
    /// camera and microphone).
    source: Option<Source>,
    timings: CallTimings,
    runtime: tokio::runtime::Handle,
    phase: Mutex<Phase<M, S>>,
    /// Bumped by each new call, so a late result of an old one is ignored.
    generation: AtomicU64,
    /// The generation of the call the patient last gave up on while it
    /// rang: stops the ringing request at once.
    given_up: tokio::sync::watch::Sender<u64>,
    /// Asks the call that is on whether it still is, now.
    wake: tokio::sync::Notify,
}

/// The app's one call line (cheap to clone; clones share the line).
pub struct CallLine<M: CallMedia, S> {
    line: Arc<Line<M, S>>,
}

impl<M: CallMedia, S> Clone for CallLine<M, S> {
    fn clone(&self) -> Self {
        CallLine { line: self.line.clone() }
    }
}

impl<M: CallMedia, S: CallSignalling> CallLine<M, S> {
    /// A line that sends `source` (or nothing) and runs its background
    /// work on `runtime`.
    pub fn new(
        media: Arc<M>,
        source: Option<Source>,
        timings: CallTimings,
        runtime: tokio::runtime::Handle,
    ) -> CallLine<M, S> {
        CallLine {
            line: Arc::new(Line {
                media,
                source,
                timings,
                runtime,
                phase: Mutex::new(Phase::Idle),
                generation: AtomicU64::new(0),
                given_up: tokio::sync::watch::Sender::new(0),
                wake: tokio::sync::Notify::new(),
            }),
        }
    }

    /// Something changed at the service (the push channel said so): the
    /// call that is on asks at once whether it still is.
    pub fn check_soon(&self) {
        self.line.wake.notify_one();
    }

    /// The patient calls `signalling`'s end. Returns at once; the screen
    /// follows the phase.
    pub fn start(&self, signalling: S) -> Result<(), CallError> {
        let generation = {
            let mut phase = self.line.phase.lock().unwrap();
            if !phase.is_free() {
                return Err(CallError::new(ErrorCode::CallBusy, "a call is already on"));
            }
            *phase = Phase::Calling;
            self.line.next_generation()
        };
        let line = self.line.clone();
        let given_up = line.given_up.subscribe();
        self.line.runtime.spawn(async move {
            let result = line.place(signalling, generation, given_up).await;
            line.settle(generation, result).await;
        });
        Ok(())
    }

    /// The patient answers the call that rings.
    pub fn answer(&self) -> Result<(), CallError> {
        let (generation, call, signalling) = {
            let mut phase = self.line.phase.lock().unwrap();
            // Answering ends the ringing (the ringer drops with the phase).
            match std::mem::replace(&mut *phase, Phase::Calling) {
                Phase::Incoming { call, signalling, .. } => {
                    (self.line.generation.load(Ordering::SeqCst), call, signalling)
                }
                other => {
                    *phase = other;
                    return Err(CallError::new(ErrorCode::CallNoAnswer, "nobody is calling"));
                }
            }
        };
        let line = self.line.clone();
        self.line.runtime.spawn(async move {
            let result = line.answer(signalling, call).await;
            line.settle(generation, result).await;
        });
        Ok(())
    }

    /// The patient hangs up, declines, or stops a call that still rings.
    pub async fn hang_up(&self) {
        let previous = {
            let mut phase = self.line.phase.lock().unwrap();
            if phase.is_free() {
                return;
            }
            let old = self.line.next_generation() - 1;
            if matches!(*phase, Phase::Calling) {
                self.line.given_up.send_replace(old);
            }
            std::mem::replace(&mut *phase, Phase::Ended(CallEnded::End(CallEnd::HungUpHere)))
        };
        match previous {
            Phase::Active(call) => call.end().await,
            Phase::Incoming { call, signalling, .. } => {
                let _ = signalling.hang_up(&call.url).await;
            }
            _ => {}
        }
    }

    /// Rings the patient with `call` if the line is free. Returns whether
    /// it rings now (the shell then tells the patient).
    pub fn ring(&self, call: IncomingCall, signalling: S) -> bool {
        let mut phase = self.line.phase.lock().unwrap();
        if !phase.is_free() {
            return false;
        }
        self.line.next_generation();
        let ringer = self.line.media.ringer().map_err(|e| log::warn!("no ringing tone: {}", e.code)).ok();
        *phase = Phase::Incoming { call, signalling, _ringer: ringer };
        true
    }

    /// Asks `signalling` whether someone calls (when the line is free), or
    /// whether the call that rings is still there. Returns whether a new
    /// call rings now.
    pub async fn poll(&self, signalling: &S) -> bool {
        let ringing = match &*self.line.phase.lock().unwrap() {
            Phase::Idle | Phase::Ended(_) => None,
            Phase::Incoming { call, .. } => Some(call.url.clone()),
            _ => return false,
        };
        if let Some(url) = ringing {
            // The other side gave up before the patient answered.
            if let Ok(false) = signalling.is_on(&url).await {
                let mut phase = self.line.phase.lock().unwrap();
                if matches!(&*phase, Phase::Incoming { call, .. } if call.url == url) {
                    *phase = Phase::Ended(CallEnded::Failed(ErrorCode::CallMissed));
                }
            }
            return false;
        }
        match signalling.incoming().await {
            Ok(Some(call)) => self.ring(call, signalling.clone()),
            _ => false,
        }
    }

    /// What the call screen shows now; judges the network once a window.
    pub fn view(&self) -> CallView {
        let mut view = CallView {
            phase: CallPhase::Idle,
            ended: None,
            muted: false,
            camera_on: true,
            camera_missing: false,
            microphone_missing: false,
            poor_network: false,
            frame: 0,
            preview: 0,
        };
        let mut phase = self.line.phase.lock().unwrap();
        match &mut *phase {
            Phase::Idle => {}
            Phase::Calling => view.phase = CallPhase::Calling,
            Phase::Incoming { .. } => view.phase = CallPhase::Incoming,
            Phase::Ended(why) => {
                view.phase = CallPhase::Ended;
                view.ended = Some(*why);
            }
            Phase::Active(call) => {
                if call.window_started.elapsed() >= self.line.timings.network_window {
                    let window = call.peer.take_network_window();
                    call.poor_network = call.peer.state() == CallState::Connected && window.is_poor();
                    call.window_started = Instant::now();
                }
                view.phase = match call.peer.state() {
                    CallState::Connecting => CallPhase::Connecting,
                    CallState::Disconnected => {
                        call.poor_network = true;
                        CallPhase::Connected
                    }
                    _ => CallPhase::Connected,
                };
                view.muted = call.muted;
                view.camera_on = call.camera_on;
                view.camera_missing = !call.devices.camera;
                view.microphone_missing = !call.devices.microphone;
                view.poor_network = call.poor_network;
                view.frame = call.playback.frame().map_or(0, |f| f.number);
                view.preview = call.capture.as_ref().and_then(|c| c.preview()).map_or(0, |f| f.number);
            }
        }
        view
    }

    /// The other side's latest picture, or the self view.
    pub fn frame(&self, picture: Picture) -> Option<Frame> {
        match (&*self.line.phase.lock().unwrap(), picture) {
            (Phase::Active(call), Picture::Own) => call.capture.as_ref().and_then(|c| c.preview()),
            (Phase::Active(call), Picture::Theirs) => call.playback.frame(),
            _ => None,
        }
    }

    pub fn set_muted(&self, muted: bool) {
        if let Phase::Active(call) = &mut *self.line.phase.lock().unwrap() {
            call.muted = muted;
            if let Some(c) = &call.capture {
                c.set_muted(muted);
            }
        }
    }

    pub fn set_camera_on(&self, on: bool) {
        if let Phase::Active(call) = &mut *self.line.phase.lock().unwrap() {
            call.camera_on = on;
            if let Some(c) = &call.capture {
                c.set_camera_on(on);
            }
        }
    }
}

impl<M: CallMedia, S: CallSignalling> Line<M, S> {
    fn next_generation(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Sets the phase unless a newer call (or a hang-up) came meanwhile;
    /// then hands the phase back.
    fn set(&self, generation: u64, phase: Phase<M, S>) -> Result<(), Phase<M, S>> {
        let mut current = self.phase.lock().unwrap();
        if self.generation.load(Ordering::SeqCst) == generation {
            *current = phase;
            Ok(())
        } else {
            Err(phase)
        }
    }

    /// A connected (or connecting) call: starts the patient's camera and
    /// microphone into it. None at all is not an error.
    fn activate(
        &self,
        peer: Arc<CallPeer>,
        playback: Arc<M::Playback>,
        signalling: S,
        url: String,
    ) -> ActiveCall<M, S> {
        let capture = self.source.and_then(|source| {
            self.media.capture(source, peer.outgoing()).map_err(|e| log::warn!("no capture: {}", e.code)).ok()
        });
        let devices = capture.as_ref().map_or(Devices::NONE, |c| c.devices());
        ActiveCall {
            peer,
            playback,
            capture,
            devices,
            signalling,
            url,
            muted: false,
            camera_on: true,
            poor_network: false,
            window_started: Instant::now(),
        }
    }

    async fn place(
        &self,
        signalling: S,
        generation: u64,
        mut given_up: tokio::sync::watch::Receiver<u64>,
    ) -> Result<ActiveCall<M, S>, CallError> {
        let options = signalling.options().await?;
        let playback = self.media.playback(Speaker::Default)?;
        let incoming: Arc<dyn IncomingMedia> = playback.clone();
        let (pending, offer) = CallPeer::offer(&options, incoming).await?;
        // Giving up drops the ringing request; the service sees it closed
        // (WHIP gives the call no address before it is answered).
        let placed = tokio::select! {
            placed = signalling.place(&offer) => placed,
            _ = given_up.wait_for(|g| *g == generation) => Err(CallError::new(ErrorCode::CallCancelled, "the patient gave up")),
        };
        let placed = match placed {
            Ok(placed) => placed,
            Err(error) => {
                pending.cancel().await;
                return Err(error);
            }
        };
        let peer = match pending.accept(&placed.answer).await {
            Ok(peer) => Arc::new(peer),
            Err(error) => {
                let _ = signalling.hang_up(&placed.url).await;
                return Err(error);
            }
        };
        Ok(self.activate(peer, playback, signalling, placed.url))
    }

    async fn answer(&self, signalling: S, call: IncomingCall) -> Result<ActiveCall<M, S>, CallError> {
        let options = signalling.options().await?;
        let playback = self.media.playback(Speaker::Default)?;
        let incoming: Arc<dyn IncomingMedia> = playback.clone();
        let (peer, answer) = CallPeer::answer(&call.offer, &options, incoming).await?;
        if let Err(error) = signalling.answer(&call.url, &answer).await {
            let _ = peer.hang_up().await;
            return Err(error);
        }
        Ok(self.activate(Arc::new(peer), playback, signalling, call.url))
    }

    /// Puts a call that was set up on the line, and follows it until it
    /// ends; a call the patient gave up on meanwhile is hung up at once.
    async fn settle(&self, generation: u64, result: Result<ActiveCall<M, S>, CallError>) {
        let call = match result {
            Ok(call) => call,
            Err(error) => {
                log::info!("call not made: {}", error.code);
                let _ = self.set(generation, Phase::Ended(CallEnded::Failed(error.code)));
                return;
            }
        };
        let (signalling, url, peer) = (call.signalling.clone(), call.url.clone(), call.peer.clone());
        if let Err(Phase::Active(call)) = self.set(generation, Phase::Active(Box::new(call))) {
            call.end().await;
            return;
        }
        let end = follow(&signalling, &url, &peer, self.timings.follow_every, &self.wake).await;
        let _ = self.set(generation, Phase::Ended(CallEnded::End(end)));
    }
}

#[cfg(test)]
mod tests {
    use std::{sync::Arc, time::Duration};

    use super::{CallLine, CallPhase, CallTimings, CallView};
    use crate::{
        app::testing::{FakeMedia, TestApp},
        call::{demo_nurse::DemoNurse, media::Source, signalling::CallSignalling},
    };

    type Line = CallLine<FakeMedia, DemoNurse<FakeMedia>>;

    /// A line sending fake media, and a demo nurse who answers after `ring`.
    fn line(ring: Duration) -> (Line, DemoNurse<FakeMedia>, Arc<FakeMedia>) {
        let media = Arc::new(FakeMedia::default());
        let timings =
            CallTimings { follow_every: Duration::from_millis(50), network_window: Duration::from_millis(300) };
        let line = CallLine::new(media.clone(), Some(Source::Devices), timings, tokio::runtime::Handle::current());
        (line, DemoNurse::new(media.clone(), ring), media)
    }

    /// Waits (up to 15 s) until the view satisfies `done`.
    async fn until<S: CallSignalling>(
        line: &CallLine<FakeMedia, S>,
        what: &str,
        done: impl Fn(&CallView) -> bool,
    ) -> CallView {
        for _ in 0..750 {
            let view = line.view();
            if done(&view) {
                return view;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("never {what}: {:?}", line.view());
    }

    async fn eventually(what: &str, done: impl Fn() -> bool) {
        for _ in 0..250 {
            if done() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("never {what}");
    }

    async fn connected(line: &Line) -> CallView {
        until(line, "connected with pictures", |v| v.phase == CallPhase::Connected && v.frame > 0).await
    }

    fn ended(why: &'static str) -> impl Fn(&CallView) -> bool {
        move |v| v.phase == CallPhase::Ended && v.ended.map(|e| e.as_str()) == Some(why)
    }

    async fn rung(line: &Line, nurse: &DemoNurse<FakeMedia>) {
        nurse.ring().await.unwrap();
        assert!(line.poll(nurse).await, "the call rings");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_patient_places_a_call_and_hangs_up() {
        let (line, nurse, _) = line(Duration::from_millis(200));
        assert_eq!(line.view().phase, CallPhase::Idle);
        line.start(nurse.clone()).unwrap();
        assert_eq!(line.view().phase, CallPhase::Calling);
        assert_eq!(line.start(nurse.clone()).unwrap_err().code, "call-busy");
        let view = connected(&line).await;
        assert!(view.camera_missing && !view.microphone_missing, "the fake capture has a microphone only");
        assert_eq!(nurse.calls().len(), 1);
        line.hang_up().await;
        assert!(ended("hung-up-here")(&line.view()));
        eventually("the nurse's end closed", || nurse.calls().is_empty()).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(ended("hung-up-here")(&line.view()), "the follow task does not overwrite the hang-up");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_patient_gives_up_while_it_rings() {
        let (line, nurse, _) = line(Duration::from_secs(60));
        line.start(nurse.clone()).unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(line.view().phase, CallPhase::Calling);
        line.hang_up().await;
        assert!(ended("hung-up-here")(&line.view()));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(ended("hung-up-here")(&line.view()), "the cancelled call stays ended");
        assert!(nurse.calls().is_empty(), "the nurse never answered");
        // The line is free again.
        let (_, quick, _) = self::line(Duration::from_millis(50));
        line.start(quick).unwrap();
        connected(&line).await;
        line.hang_up().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_nurse_rings_and_the_patient_answers() {
        let (line, nurse, media) = line(Duration::from_millis(100));
        rung(&line, &nurse).await;
        assert_eq!(line.view().phase, CallPhase::Incoming);
        assert_eq!(media.ringing(), 1, "the tablet rings");
        assert!(!line.poll(&nurse).await, "one call rings at a time");
        line.answer().unwrap();
        assert_eq!(media.ringing(), 0, "answering stops the ringing");
        connected(&line).await;
        assert_eq!(line.answer().unwrap_err().code, "call-no-answer");
        line.hang_up().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_call_the_nurse_gives_up_on_is_missed_and_a_declined_one_ends() {
        let (line, nurse, media) = line(Duration::from_millis(100));
        rung(&line, &nurse).await;
        for call in nurse.calls() {
            nurse.leave(&call).await;
        }
        assert!(!line.poll(&nurse).await);
        assert!(ended("call-missed")(&line.view()));
        assert_eq!(media.ringing(), 0);

        rung(&line, &nurse).await;
        line.hang_up().await;
        assert!(ended("hung-up-here")(&line.view()));
        assert!(nurse.calls().is_empty(), "declining tells the other side");
        assert_eq!(media.ringing(), 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_nurse_hangs_up() {
        let (line, nurse, _) = line(Duration::from_millis(100));
        line.start(nurse.clone()).unwrap();
        connected(&line).await;
        let call = nurse.calls().pop().unwrap();
        nurse.leave(&call).await;
        until(&line, "ended by the nurse", ended("hung-up-there")).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_network_that_drops_everything_is_poor() {
        let (line, nurse, media) = line(Duration::from_millis(100));
        line.start(nurse.clone()).unwrap();
        connected(&line).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let view = line.view();
        assert!(!view.poor_network, "packets arrive: {view:?}");
        media.stall();
        until(&line, "judged poor", |v| v.poor_network).await;
        line.hang_up().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_app_routes_calls_by_its_mode() {
        let demo = TestApp::demo();
        let screen = demo.app.call_screen();
        assert!(screen.available && screen.demo);
        demo.app.call_start().unwrap();
        until(&demo.app.calls, "connected to the demo nurse", |v| v.phase == CallPhase::Connected).await;
        demo.app.call_hang_up().await;

        demo.app.call_demo_ring().await.unwrap();
        assert_eq!(demo.app.call_screen().line.phase, CallPhase::Incoming);
        demo.app.call_answer().unwrap();
        until(&demo.app.calls, "connected to the ringing demo nurse", |v| v.phase == CallPhase::Connected).await;
        demo.app.call_hang_up().await;

        let enrolled = TestApp::enrolled();
        let screen = enrolled.app.call_screen();
        assert!(!screen.available && !screen.demo, "the service has no call endpoint");
        assert_eq!(enrolled.app.call_start().unwrap_err().code, "call-not-offered");
        assert_eq!(enrolled.app.call_demo_ring().await.unwrap_err().code, "call-not-offered");
    }
}
