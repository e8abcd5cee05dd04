//! Wires a video call together: the core's peer and signalling
//! (`heima_core::call`), GStreamer media (`heima_media`), and, in demo
//! mode, an in-process demo nurse who answers with a test pattern. Holds
//! the one call the app can have and what the call screen shows.

use std::{
    net::IpAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use heima_core::call::{
    signalling::{follow, CallEnd, CallService, IncomingCall},
    CallError, CallOptions, CallPeer, CallState,
};
use heima_media::{Capture, Devices, Frame, Playback, Ringer, Source, Speaker};
use serde::Serialize;
use tauri::{AppHandle, Manager};

use crate::{service_secret, AppState};

/// Environment variable choosing what the patient's side sends instead of
/// the camera and microphone: `test-pattern`, or `none` (as on a tablet
/// without either; the tests use both).
pub const CALL_SOURCE_ENV: &str = "HEIMA_CALL_SOURCE";
/// How often the service is asked whether a call is still on.
const FOLLOW_EVERY: Duration = Duration::from_millis(700);
/// How often the service is asked whether someone is calling.
const INCOMING_EVERY: Duration = Duration::from_secs(4);
/// The demo nurse lets it ring this long before answering.
const DEMO_RING: Duration = Duration::from_millis(1500);
/// How long whether the service takes calls is trusted.
const ENDPOINT_RECHECK: Duration = Duration::from_secs(30);
/// The network is judged over windows this long.
const NETWORK_WINDOW: Duration = Duration::from_secs(3);

/// The other end of a demo call: a second peer in the app, sending a test
/// pattern and a soft tick.
struct DemoNurse {
    peer: CallPeer,
    _capture: Capture,
    _playback: Arc<Playback>,
}

enum Route {
    Service { service: CallService, url: String },
    Demo(DemoNurse),
}

struct ActiveCall {
    peer: Arc<CallPeer>,
    playback: Arc<Playback>,
    capture: Option<Capture>,
    devices: Devices,
    route: Route,
    muted: bool,
    camera_on: bool,
    poor_network: bool,
    window_started: Instant,
}

impl ActiveCall {
    /// A connected (or connecting) call: starts the patient's camera and
    /// microphone into it.
    fn new(peer: Arc<CallPeer>, playback: Arc<Playback>, route: Route) -> ActiveCall {
        let (capture, devices) = start_capture(&peer);
        ActiveCall {
            peer,
            playback,
            capture,
            devices,
            route,
            muted: false,
            camera_on: true,
            poor_network: false,
            window_started: Instant::now(),
        }
    }

    /// Hangs up here and tells the other side.
    async fn end(self) {
        let _ = self.peer.hang_up().await;
        match self.route {
            Route::Service { service, url } => {
                let _ = service.hang_up(&url).await;
            }
            Route::Demo(nurse) => {
                let _ = nurse.peer.hang_up().await;
            }
        }
    }
}

enum Phase {
    Idle,
    /// The patient's call is ringing at the service.
    Calling,
    /// Someone calls the patient (`None`: the demo nurse); the tablet
    /// rings while this lasts (no ringer when there is no speaker).
    Incoming(Option<IncomingCall>, #[allow(dead_code)] /* held for its Drop */ Option<Ringer>),
    Active(Box<ActiveCall>),
    /// The last call ended (why), or could not be made (an error code).
    Ended(&'static str),
}

/// The app's one call line.
pub struct CallLine {
    phase: Mutex<Phase>,
    /// Bumped by each new call, so a late result of an old one is ignored.
    generation: std::sync::atomic::AtomicU64,
    /// The generation of the call the patient last gave up on while it
    /// rang: stops the ringing request at once.
    given_up: tokio::sync::watch::Sender<u64>,
    /// Whether the service takes calls, and when that was read.
    takes_calls: Mutex<Option<(Instant, bool)>>,
}

impl Default for CallLine {
    fn default() -> Self {
        CallLine {
            phase: Mutex::new(Phase::Idle),
            generation: Default::default(),
            given_up: tokio::sync::watch::Sender::new(0),
            takes_calls: Mutex::new(None),
        }
    }
}

/// What the call screen shows.
#[derive(Debug, Clone, Serialize)]
pub struct CallView {
    /// `idle`, `calling`, `incoming`, `connecting`, `connected`, `ended`.
    pub phase: &'static str,
    /// Why it ended: `hung-up-here`, `hung-up-there`, `connection-lost`,
    /// or a `call-…`/`media-…` error code.
    pub ended: Option<&'static str>,
    /// Video calls are possible (demo mode, or a service with a call endpoint).
    pub available: bool,
    pub demo: bool,
    pub muted: bool,
    pub camera_on: bool,
    pub camera_missing: bool,
    pub microphone_missing: bool,
    pub poor_network: bool,
    /// Number of the nurse's latest picture (0: none yet).
    pub frame: u64,
    /// Number of the latest self-view picture (0: none).
    pub preview: u64,
}

fn demo(state: &AppState) -> bool {
    state.settings.lock().unwrap().is_demo()
}

/// The service's call endpoint and the current access token, if it has one.
fn service(state: &AppState) -> Result<CallService, CallError> {
    if demo(state) {
        return Err(CallError::new("call-not-offered", "demo mode"));
    }
    let enrolment =
        service_secret::load().ok().flatten().ok_or_else(|| CallError::new("call-not-offered", "not enrolled"))?;
    let endpoint =
        enrolment.call_endpoint.ok_or_else(|| CallError::new("call-not-offered", "the service takes no calls"))?;
    CallService::new(&endpoint, Some(enrolment.access_token))
}

/// The local address that routes towards `url`'s host (no packet is sent):
/// host candidates are gathered there.
fn local_address_towards(url: &str) -> IpAddr {
    let fallback = IpAddr::from([127, 0, 0, 1]);
    let Some(host) =
        url::Url::parse(url).ok().and_then(|u| u.socket_addrs(|| Some(443)).ok()).and_then(|a| a.first().copied())
    else {
        return fallback;
    };
    std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect(host).and_then(|_| s.local_addr()))
        .map(|a| a.ip())
        .unwrap_or(fallback)
}

/// Starts the patient's camera and microphone; none at all is not an error.
fn start_capture(peer: &CallPeer) -> (Option<Capture>, Devices) {
    let source = match std::env::var(CALL_SOURCE_ENV).as_deref() {
        Ok("test-pattern") => Source::TestPattern,
        Ok("none") => return (None, Devices { camera: false, microphone: false }),
        _ => Source::Devices,
    };
    match Capture::start(source, peer.outgoing()) {
        Ok(capture) => {
            let devices = capture.devices;
            (Some(capture), devices)
        }
        Err(error) => {
            log::warn!("no capture: {}", error.code);
            (None, Devices { camera: false, microphone: false })
        }
    }
}

/// The ringing tone, if the tablet has a speaker to ring on.
fn ring() -> Option<Ringer> {
    Ringer::start().map_err(|e| log::warn!("no ringing tone: {}", e.code)).ok()
}

/// A desktop notification, for when the app is not in front.
fn notify_incoming(app: &AppHandle) {
    use tauri_plugin_notification::NotificationExt;
    let locale = app.state::<AppState>().settings.lock().unwrap().locale;
    let title = heima_core::locale::format(locale, "call-incoming", &[]);
    if let Err(e) = app.notification().builder().title(&title).show() {
        log::warn!("incoming call notification not shown: {e}");
    }
}

fn media_error(e: heima_media::MediaError) -> CallError {
    CallError::new(e.code, e.detail)
}

impl CallLine {
    /// Sets the phase unless a newer call (or a hang-up) came meanwhile;
    /// then hands the phase back.
    fn set(&self, generation: u64, phase: Phase) -> Result<(), Phase> {
        let mut current = self.phase.lock().unwrap();
        if self.generation.load(std::sync::atomic::Ordering::SeqCst) == generation {
            *current = phase;
            Ok(())
        } else {
            Err(phase)
        }
    }

    fn next_generation(&self) -> u64 {
        self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
    }

    pub fn view(&self, state: &AppState) -> CallView {
        let demo = demo(state);
        let available = demo || self.service_takes_calls();
        let mut view = CallView {
            phase: "idle",
            ended: None,
            available,
            demo,
            muted: false,
            camera_on: true,
            camera_missing: false,
            microphone_missing: false,
            poor_network: false,
            frame: 0,
            preview: 0,
        };
        let mut phase = self.phase.lock().unwrap();
        match &mut *phase {
            Phase::Idle => {}
            Phase::Calling => view.phase = "calling",
            Phase::Incoming(..) => view.phase = "incoming",
            Phase::Ended(why) => {
                view.phase = "ended";
                view.ended = Some(why);
            }
            Phase::Active(call) => {
                if call.window_started.elapsed() >= NETWORK_WINDOW {
                    let window = call.peer.take_network_window();
                    call.poor_network = call.peer.state() == CallState::Connected && window.is_poor();
                    call.window_started = Instant::now();
                }
                view.phase = match call.peer.state() {
                    CallState::Connecting => "connecting",
                    CallState::Disconnected => {
                        call.poor_network = true;
                        "connected"
                    }
                    _ => "connected",
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

    /// The nurse's latest picture, or the self view.
    pub fn frame(&self, own: bool) -> Option<Frame> {
        match &*self.phase.lock().unwrap() {
            Phase::Active(call) if own => call.capture.as_ref().and_then(|c| c.preview()),
            Phase::Active(call) => call.playback.frame(),
            _ => None,
        }
    }

    pub fn set_muted(&self, muted: bool) {
        if let Phase::Active(call) = &mut *self.phase.lock().unwrap() {
            call.muted = muted;
            if let Some(c) = &call.capture {
                c.set_muted(muted);
            }
        }
    }

    pub fn set_camera_on(&self, on: bool) {
        if let Phase::Active(call) = &mut *self.phase.lock().unwrap() {
            call.camera_on = on;
            if let Some(c) = &call.capture {
                c.set_camera_on(on);
            }
        }
    }

    /// The demo nurse rings the patient (demo mode only; from the nurse page).
    pub fn demo_ring(&self) {
        let mut phase = self.phase.lock().unwrap();
        if matches!(*phase, Phase::Idle | Phase::Ended(_)) {
            self.next_generation();
            *phase = Phase::Incoming(None, ring());
        }
    }

    /// Does the enrolled service take calls? Read from the keyring at most
    /// every half minute (the call screen asks five times a second).
    fn service_takes_calls(&self) -> bool {
        let mut known = self.takes_calls.lock().unwrap();
        match *known {
            // A "no" is re-read sooner: an enrolment may just have happened.
            Some((when, answer)) if when.elapsed() < if answer { ENDPOINT_RECHECK } else { ENDPOINT_RECHECK / 10 } => {
                answer
            }
            _ => {
                let answer = service_secret::load().ok().flatten().is_some_and(|e| e.call_endpoint.is_some());
                *known = Some((Instant::now(), answer));
                answer
            }
        }
    }
}

/// The patient presses "call the service".
pub fn start(app: AppHandle) -> Result<(), CallError> {
    let state = app.state::<AppState>();
    let line = &state.calls;
    let generation = {
        let mut phase = line.phase.lock().unwrap();
        if !matches!(*phase, Phase::Idle | Phase::Ended(_)) {
            return Err(CallError::new("call-busy", "a call is already on"));
        }
        *phase = Phase::Calling;
        line.next_generation()
    };
    let demo = demo(&state);
    let service = if demo { None } else { Some(service(&state)?) };
    let given_up = line.given_up.subscribe();
    tauri::async_runtime::spawn(async move {
        let result = match service {
            None => place_demo().await,
            Some(service) => place(service, generation, given_up).await,
        };
        settle(&app, generation, result).await;
    });
    Ok(())
}

/// Puts a call that was set up on the line, and follows it; a call the
/// patient gave up on while it was being set up is hung up at once.
async fn settle(app: &AppHandle, generation: u64, result: Result<ActiveCall, CallError>) {
    let state = app.state::<AppState>();
    let call = match result {
        Ok(call) => call,
        Err(error) => {
            log::info!("call not made: {}", error.code);
            let _ = state.calls.set(generation, Phase::Ended(error.code));
            return;
        }
    };
    let followed = match &call.route {
        Route::Service { service, url } => Some((service.clone(), url.clone(), call.peer.clone())),
        Route::Demo(_) => None,
    };
    if let Err(Phase::Active(call)) = state.calls.set(generation, Phase::Active(Box::new(call))) {
        call.end().await;
        return;
    }
    if let Some((service, url, peer)) = followed {
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let end = follow(&service, &url, &peer, FOLLOW_EVERY).await;
            let _ = app.state::<AppState>().calls.set(generation, Phase::Ended(end_code(end)));
        });
    }
}

async fn place(
    service: CallService,
    generation: u64,
    mut given_up: tokio::sync::watch::Receiver<u64>,
) -> Result<ActiveCall, CallError> {
    let ice_servers = service.ice_servers().await.unwrap_or_else(|e| {
        log::warn!("no ICE servers from the service: {}", e.code);
        Vec::new()
    });
    let options = CallOptions { bind: local_address_towards(service.base()), ice_servers };
    let playback = Playback::start(Speaker::Default).map_err(media_error)?;
    let (pending, offer) = CallPeer::offer(&options, playback.clone()).await?;
    // Giving up drops the ringing request; the service sees it closed
    // (WHIP gives the call no address before it is answered).
    let placed = tokio::select! {
        placed = service.place(&offer) => placed,
        _ = given_up.wait_for(|g| *g == generation) => Err(CallError::new("call-cancelled", "the patient gave up")),
    };
    let placed = match placed {
        Ok(placed) => placed,
        Err(error) => {
            pending.cancel().await;
            return Err(error);
        }
    };
    let peer = Arc::new(pending.accept(&placed.answer).await?);
    Ok(ActiveCall::new(peer, playback, Route::Service { service, url: placed.url }))
}

async fn place_demo() -> Result<ActiveCall, CallError> {
    let playback = Playback::start(Speaker::Default).map_err(media_error)?;
    let (pending, offer) = CallPeer::offer(&CallOptions::loopback(), playback.clone()).await?;
    tokio::time::sleep(DEMO_RING).await;
    let nurse_playback = Playback::start(Speaker::Silent).map_err(media_error)?;
    let (nurse, answer) = CallPeer::answer(&offer, &CallOptions::loopback(), nurse_playback.clone()).await?;
    let nurse_capture = Capture::start(Source::TestPattern, nurse.outgoing()).map_err(media_error)?;
    let peer = Arc::new(pending.accept(&answer).await?);
    Ok(ActiveCall::new(
        peer,
        playback,
        Route::Demo(DemoNurse { peer: nurse, _capture: nurse_capture, _playback: nurse_playback }),
    ))
}

/// The patient answers the incoming call.
pub fn answer(app: AppHandle) -> Result<(), CallError> {
    let state = app.state::<AppState>();
    let (generation, incoming) = {
        let mut phase = state.calls.phase.lock().unwrap();
        let Phase::Incoming(incoming, _) = &*phase else {
            return Err(CallError::new("call-no-answer", "nobody is calling"));
        };
        let incoming = incoming.clone();
        *phase = Phase::Calling;
        (state.calls.generation.load(std::sync::atomic::Ordering::SeqCst), incoming)
    };
    let service = if incoming.is_some() { Some(service(&state)?) } else { None };
    tauri::async_runtime::spawn(async move {
        let result = match (incoming, service) {
            (Some(incoming), Some(service)) => answer_service(service, incoming).await,
            _ => answer_demo().await,
        };
        settle(&app, generation, result).await;
    });
    Ok(())
}

async fn answer_service(service: CallService, incoming: IncomingCall) -> Result<ActiveCall, CallError> {
    let ice_servers = service.ice_servers().await.unwrap_or_default();
    let options = CallOptions { bind: local_address_towards(&incoming.url), ice_servers };
    let playback = Playback::start(Speaker::Default).map_err(media_error)?;
    let (peer, answer) = CallPeer::answer(&incoming.offer, &options, playback.clone()).await?;
    if let Err(error) = service.answer(&incoming.url, &answer).await {
        let _ = peer.hang_up().await;
        return Err(error);
    }
    Ok(ActiveCall::new(Arc::new(peer), playback, Route::Service { service, url: incoming.url }))
}

async fn answer_demo() -> Result<ActiveCall, CallError> {
    let nurse_playback = Playback::start(Speaker::Silent).map_err(media_error)?;
    let (pending, offer) = CallPeer::offer(&CallOptions::loopback(), nurse_playback.clone()).await?;
    let playback = Playback::start(Speaker::Default).map_err(media_error)?;
    let (peer, answer) = CallPeer::answer(&offer, &CallOptions::loopback(), playback.clone()).await?;
    let nurse = pending.accept(&answer).await?;
    let nurse_capture = Capture::start(Source::TestPattern, nurse.outgoing()).map_err(media_error)?;
    Ok(ActiveCall::new(
        Arc::new(peer),
        playback,
        Route::Demo(DemoNurse { peer: nurse, _capture: nurse_capture, _playback: nurse_playback }),
    ))
}

fn end_code(end: CallEnd) -> &'static str {
    match end {
        CallEnd::HungUpHere => "hung-up-here",
        CallEnd::HungUpThere => "hung-up-there",
        CallEnd::ConnectionLost => "connection-lost",
    }
}

/// The patient hangs up, declines, or stops a call that still rings.
pub async fn hang_up(app: AppHandle) {
    let state = app.state::<AppState>();
    let previous = {
        let mut phase = state.calls.phase.lock().unwrap();
        if matches!(*phase, Phase::Idle | Phase::Ended(_)) {
            return;
        }
        let old = state.calls.next_generation() - 1;
        if matches!(*phase, Phase::Calling) {
            state.calls.given_up.send_replace(old);
        }
        std::mem::replace(&mut *phase, Phase::Ended("hung-up-here"))
    };
    match previous {
        Phase::Active(call) => call.end().await,
        Phase::Incoming(Some(incoming), _) => {
            if let Ok(service) = service(&state) {
                let _ = service.hang_up(&incoming.url).await;
            }
        }
        _ => {}
    }
}

/// Asks the service now and then whether someone is calling the patient.
pub async fn watch_incoming(app: AppHandle) {
    loop {
        tokio::time::sleep(INCOMING_EVERY).await;
        let state = app.state::<AppState>();
        let ringing = match &*state.calls.phase.lock().unwrap() {
            Phase::Idle | Phase::Ended(_) => None,
            Phase::Incoming(Some(call), _) => Some(call.url.clone()),
            _ => continue,
        };
        let Ok(service) = service(&state) else { continue };
        if let Some(url) = ringing {
            // The nurse gave up before the patient answered.
            if let Ok(false) = service.is_on(&url).await {
                let mut phase = state.calls.phase.lock().unwrap();
                if matches!(&*phase, Phase::Incoming(Some(call), _) if call.url == url) {
                    *phase = Phase::Ended("call-missed");
                }
            }
            continue;
        }
        if let Ok(Some(incoming)) = service.incoming().await {
            let mut phase = state.calls.phase.lock().unwrap();
            if matches!(*phase, Phase::Idle | Phase::Ended(_)) {
                state.calls.next_generation();
                *phase = Phase::Incoming(Some(incoming), ring());
                drop(phase);
                notify_incoming(&app);
            }
        }
    }
}
