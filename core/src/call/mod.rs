//! Video calls with the follow-up service: a WebRTC peer in the core,
//! because Debian's WebKitGTK has no `RTCPeerConnection`. Built on the
//! `webrtc` crate 0.21 (the async layer over the sans-I/O `rtc` crate), with
//! VP8 video and Opus audio, the codecs every browser has.
//!
//! [`CallPeer`] offers or answers and moves RTP only: the patient's camera
//! and microphone arrive as encoded RTP packets through [`OutgoingMedia`]
//! (the SSRC and the payload type the other side chose are set here) and the
//! nurse's packets leave through [`IncomingMedia`]; encoding, decoding,
//! capture and playback live in the `heima-media` crate (GStreamer), so this
//! crate knows no codec library. The peer also asks for key frames, counts
//! the traffic ([`Traffic`]), judges the network per window
//! ([`NetworkWindow`]) and hangs up. Offers and answers are plain SDP with
//! every candidate in them (no trickle), as in WHIP/WHEP; [`signalling`]
//! carries them to the service (`docs/calls.md`).

pub mod demo_nurse;
pub mod media;
pub mod protocol;
pub mod signalling;

use std::{
    hash::{BuildHasher, Hasher},
    net::IpAddr,
    sync::{
        atomic::{AtomicU64, AtomicU8, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use rtc::{
    interceptor::Registry,
    media_stream::MediaStreamTrack,
    peer_connection::{
        configuration::{
            interceptor_registry::register_default_interceptors,
            media_engine::{MediaEngine, MIME_TYPE_OPUS, MIME_TYPE_VP8},
            RTCConfigurationBuilder, RTCIceTransportPolicy,
        },
        sdp::RTCSessionDescription,
        transport::RTCIceServer,
    },
    rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication,
    rtp,
    rtp_transceiver::rtp_sender::{
        RTCRtpCodec, RTCRtpCodecParameters, RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind,
    },
    shared::marshal::{Marshal, Unmarshal},
};
use serde::Serialize;
use webrtc::{
    media_stream::{
        track_local::{static_rtp::TrackLocalStaticRTP, TrackLocal},
        track_remote::{TrackRemote, TrackRemoteEvent},
    },
    peer_connection::{
        PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler, RTCIceGatheringState, RTCPeerConnectionState,
    },
    runtime::{channel, default_runtime, Receiver, Runtime, Sender},
};

pub use protocol::IceServer;
use protocol::{payload_type, LossMeter, POOR_NETWORK_LOSS};

use crate::error::ErrorCode;

/// Why a call could not be set up or went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct CallError {
    /// A `call-…` code (or `media-…` from the media).
    pub code: ErrorCode,
    pub detail: String,
}

impl CallError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> CallError {
        CallError { code, detail: detail.into() }
    }
}

fn failed(code: ErrorCode) -> impl Fn(webrtc::error::Error) -> CallError {
    move |e| CallError { code, detail: e.to_string() }
}

/// Where the call is, as the screen shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallState {
    Connecting,
    Connected,
    /// The network dropped; it may come back.
    Disconnected,
    Failed,
    Ended,
}

impl CallState {
    fn from_u8(v: u8) -> CallState {
        match v {
            1 => CallState::Connected,
            2 => CallState::Disconnected,
            3 => CallState::Failed,
            4 => CallState::Ended,
            _ => CallState::Connecting,
        }
    }

    fn as_u8(self) -> u8 {
        match self {
            CallState::Connecting => 0,
            CallState::Connected => 1,
            CallState::Disconnected => 2,
            CallState::Failed => 3,
            CallState::Ended => 4,
        }
    }
}

/// Audio or video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MediaKind {
    Audio,
    Video,
}

/// Where the other side's RTP goes (a decoder). Called from the network
/// task for each packet, with the packet as it arrived (header and payload).
pub trait IncomingMedia: Send + Sync + 'static {
    fn rtp(&self, kind: MediaKind, packet: &[u8]);
}

/// RTP packets counted so far, per kind and direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Traffic {
    pub audio_received: u64,
    pub video_received: u64,
    pub audio_sent: u64,
    pub video_sent: u64,
}

/// How the network did since the last look.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NetworkWindow {
    /// Share of the other side's video packets lost, if any were expected.
    pub video_loss: Option<f64>,
    /// Packets of either kind that arrived.
    pub packets: u64,
}

impl NetworkWindow {
    /// Too poor to talk: most of the picture is lost, or nothing arrives.
    pub fn is_poor(&self) -> bool {
        self.packets == 0 || self.video_loss.is_some_and(|loss| loss > POOR_NETWORK_LOSS)
    }
}

/// Which ICE candidates a peer may use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IceTransports {
    /// Host, server-reflexive and relay candidates.
    #[default]
    All,
    /// Only the TURN relay's (as behind a carrier-grade NAT, or to test it).
    Relay,
}

/// What a peer is set up with.
#[derive(Debug, Clone)]
pub struct CallOptions {
    /// The address to gather host candidates on (`0.0.0.0` for every
    /// interface; `127.0.0.1` in tests).
    pub bind: IpAddr,
    /// STUN/TURN servers from the service.
    pub ice_servers: Vec<IceServer>,
    pub ice_transports: IceTransports,
}

impl CallOptions {
    pub fn loopback() -> CallOptions {
        CallOptions { bind: IpAddr::from([127, 0, 0, 1]), ice_servers: Vec::new(), ice_transports: IceTransports::All }
    }
}

#[derive(Default)]
struct Shared {
    state: AtomicU8,
    audio_received: AtomicU64,
    video_received: AtomicU64,
    audio_sent: AtomicU64,
    video_sent: AtomicU64,
    window_packets: AtomicU64,
    /// Payload types the other side chose; 0 until known.
    audio_pt: AtomicU8,
    video_pt: AtomicU8,
    video_loss: Mutex<LossMeter>,
}

impl Shared {
    fn set_state(&self, state: CallState) {
        // Ended is final: a late "disconnected" must not undo a hang-up.
        if CallState::from_u8(self.state.load(Ordering::SeqCst)) != CallState::Ended {
            self.state.store(state.as_u8(), Ordering::SeqCst);
        }
    }

    fn take_payload_types(&self, sdp: &str) -> Result<(), CallError> {
        let audio = payload_type(sdp, "opus/48000");
        let video = payload_type(sdp, "VP8/90000");
        if audio.is_none() && video.is_none() {
            return Err(CallError::new(ErrorCode::CallBadOffer, "neither Opus nor VP8 offered"));
        }
        self.audio_pt.store(audio.unwrap_or(0), Ordering::SeqCst);
        self.video_pt.store(video.unwrap_or(0), Ordering::SeqCst);
        Ok(())
    }
}

struct Events {
    runtime: Arc<dyn Runtime>,
    shared: Arc<Shared>,
    incoming: Arc<dyn IncomingMedia>,
    gathered: Sender<()>,
}

/// Ask the nurse's browser for a fresh key frame this often, so a picture
/// broken by loss heals.
const KEY_FRAME_REQUEST: Duration = Duration::from_secs(2);

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Events {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            let _ = self.gathered.try_send(());
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        self.shared.set_state(match state {
            RTCPeerConnectionState::Connected => CallState::Connected,
            RTCPeerConnectionState::Disconnected => CallState::Disconnected,
            RTCPeerConnectionState::Failed => CallState::Failed,
            RTCPeerConnectionState::Closed => CallState::Ended,
            _ => CallState::Connecting,
        });
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let (shared, incoming) = (self.shared.clone(), self.incoming.clone());
        let kind = if track.kind().await == RtpCodecKind::Video { MediaKind::Video } else { MediaKind::Audio };
        if kind == MediaKind::Video {
            let (remote, runtime, shared) = (track.clone(), self.runtime.clone(), self.shared.clone());
            self.runtime.spawn(Box::pin(async move {
                let media_ssrc = remote.ssrcs().await.first().copied().unwrap_or(0);
                while CallState::from_u8(shared.state.load(Ordering::SeqCst)) != CallState::Ended {
                    let pli = PictureLossIndication { sender_ssrc: 0, media_ssrc };
                    if remote.write_rtcp(vec![Box::new(pli)]).await.is_err() {
                        break;
                    }
                    runtime.sleep(KEY_FRAME_REQUEST).await;
                }
            }));
        }
        self.runtime.spawn(Box::pin(async move {
            while let Some(event) = track.poll().await {
                let TrackRemoteEvent::OnRtpPacket(packet) = event else { continue };
                if CallState::from_u8(shared.state.load(Ordering::SeqCst)) == CallState::Ended {
                    break;
                }
                let counter = match kind {
                    MediaKind::Video => {
                        if let Ok(mut meter) = shared.video_loss.lock() {
                            meter.packet(packet.header.sequence_number);
                        }
                        &shared.video_received
                    }
                    MediaKind::Audio => &shared.audio_received,
                };
                counter.fetch_add(1, Ordering::Relaxed);
                shared.window_packets.fetch_add(1, Ordering::Relaxed);
                if let Ok(bytes) = packet.marshal() {
                    incoming.rtp(kind, &bytes);
                }
            }
        }));
    }
}

/// VP8 (payload type 96) and Opus (111), as browsers offer them.
fn codecs() -> [(RTCRtpCodecParameters, RtpCodecKind); 2] {
    [
        (RTCRtpCodecParameters { rtp_codec: opus(), payload_type: 111 }, RtpCodecKind::Audio),
        (RTCRtpCodecParameters { rtp_codec: vp8(), payload_type: 96 }, RtpCodecKind::Video),
    ]
}

fn opus() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_OPUS.into(),
        clock_rate: 48_000,
        channels: 2,
        sdp_fmtp_line: "minptime=10;useinbandfec=1".into(),
        rtcp_feedback: vec![],
    }
}

fn vp8() -> RTCRtpCodec {
    RTCRtpCodec {
        mime_type: MIME_TYPE_VP8.into(),
        clock_rate: 90_000,
        channels: 0,
        sdp_fmtp_line: String::new(),
        rtcp_feedback: vec![],
    }
}

fn random_ssrc() -> u32 {
    // Seeded from the operating system's randomness by the standard library.
    std::collections::hash_map::RandomState::new().build_hasher().finish() as u32
}

fn local_track(kind: RtpCodecKind, codec: RTCRtpCodec, ssrc: u32) -> Arc<TrackLocalStaticRTP> {
    let coding = RTCRtpEncodingParameters {
        rtp_coding_parameters: RTCRtpCodingParameters { ssrc: Some(ssrc), ..Default::default() },
        codec,
        ..Default::default()
    };
    Arc::new(TrackLocalStaticRTP::new(MediaStreamTrack::new(
        format!("heima-{kind}"),
        format!("heima-{kind}-track"),
        format!("heima-{kind}"),
        kind,
        vec![coding],
    )))
}

/// Sends the patient's RTP into the call: cheap to clone, never blocks.
/// Packets are dropped (and counted as not sent) when the network cannot
/// keep up, rather than delaying the picture.
#[derive(Clone)]
pub struct OutgoingMedia {
    tx: Sender<(MediaKind, Vec<u8>)>,
}

impl OutgoingMedia {
    /// Queues one RTP packet (header and payload, as an RTP payloader writes
    /// it); its SSRC and payload type are set to the call's. Returns false
    /// when it was dropped.
    pub fn send(&self, kind: MediaKind, packet: &[u8]) -> bool {
        self.tx.try_send((kind, packet.to_vec())).is_ok()
    }
}

/// One call.
pub struct CallPeer {
    pc: Arc<dyn PeerConnection>,
    shared: Arc<Shared>,
    runtime: Arc<dyn Runtime>,
    outgoing: OutgoingMedia,
}

/// A call offered by the patient, waiting for the other side's answer.
pub struct PendingCall {
    peer: CallPeer,
}

/// Waits at most this long for ICE candidates (an unreachable STUN server
/// must not hold up the call; host candidates come at once).
const GATHER_LIMIT: Duration = Duration::from_secs(3);

impl CallPeer {
    async fn build(
        options: &CallOptions,
        incoming: Arc<dyn IncomingMedia>,
    ) -> Result<(CallPeer, Receiver<()>), CallError> {
        let mut media = MediaEngine::default();
        for (codec, kind) in codecs() {
            media.register_codec(codec, kind).map_err(|e| CallError::new(ErrorCode::CallFailed, e.to_string()))?;
        }
        let registry = register_default_interceptors(Registry::new(), &mut media)
            .map_err(|e| CallError::new(ErrorCode::CallFailed, e.to_string()))?;
        let runtime = default_runtime().ok_or_else(|| CallError::new(ErrorCode::CallFailed, "no async runtime"))?;
        let (gathered_tx, gathered) = channel(1);
        let shared = Arc::new(Shared::default());
        let events =
            Arc::new(Events { runtime: runtime.clone(), shared: shared.clone(), incoming, gathered: gathered_tx });
        let ice_servers = options
            .ice_servers
            .iter()
            .map(|s| RTCIceServer {
                urls: s.urls.clone(),
                username: s.username.clone(),
                credential: s.credential.clone(),
            })
            .collect();
        let pc = PeerConnectionBuilder::new()
            .with_configuration(
                RTCConfigurationBuilder::new()
                    .with_ice_servers(ice_servers)
                    .with_ice_transport_policy(match options.ice_transports {
                        IceTransports::All => RTCIceTransportPolicy::All,
                        IceTransports::Relay => RTCIceTransportPolicy::Relay,
                    })
                    .build(),
            )
            .with_media_engine(media)
            .with_interceptor_registry(registry)
            .with_handler(events)
            .with_runtime(runtime.clone())
            .with_udp_addrs(vec![format!("{}:0", options.bind)])
            .build()
            .await
            .map_err(failed(ErrorCode::CallFailed))?;
        let pc: Arc<dyn PeerConnection> = Arc::new(pc);
        let (audio_ssrc, video_ssrc) = (random_ssrc(), random_ssrc());
        let audio = local_track(RtpCodecKind::Audio, opus(), audio_ssrc);
        let video = local_track(RtpCodecKind::Video, vp8(), video_ssrc);
        pc.add_track(audio.clone() as Arc<dyn TrackLocal>).await.map_err(failed(ErrorCode::CallFailed))?;
        pc.add_track(video.clone() as Arc<dyn TrackLocal>).await.map_err(failed(ErrorCode::CallFailed))?;
        let (tx, mut rx) = channel::<(MediaKind, Vec<u8>)>(512);
        let writer_shared = shared.clone();
        runtime.spawn(Box::pin(async move {
            while let Some((kind, bytes)) = rx.recv().await {
                let Ok(mut packet) = rtp::Packet::unmarshal(&mut bytes.as_slice()) else { continue };
                let (track, ssrc, pt, counter) = match kind {
                    MediaKind::Audio => (&audio, audio_ssrc, &writer_shared.audio_pt, &writer_shared.audio_sent),
                    MediaKind::Video => (&video, video_ssrc, &writer_shared.video_pt, &writer_shared.video_sent),
                };
                let pt = pt.load(Ordering::Relaxed);
                if pt == 0 || CallState::from_u8(writer_shared.state.load(Ordering::SeqCst)) != CallState::Connected {
                    continue;
                }
                packet.header.ssrc = ssrc;
                packet.header.payload_type = pt;
                if track.write_rtp(packet).await.is_ok() {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
        Ok((CallPeer { pc, shared, runtime, outgoing: OutgoingMedia { tx } }, gathered))
    }

    async fn local_sdp(&self, mut gathered: Receiver<()>) -> Result<String, CallError> {
        let _ = webrtc::runtime::timeout(&*self.runtime, GATHER_LIMIT, gathered.recv()).await;
        let local = self
            .pc
            .local_description()
            .await
            .ok_or_else(|| CallError::new(ErrorCode::CallFailed, "no local description"))?;
        Ok(local.sdp)
    }

    /// Answers an SDP offer, sending and receiving audio and video. Returns
    /// the peer and the answer SDP, with every candidate in it.
    pub async fn answer(
        offer: &str,
        options: &CallOptions,
        incoming: Arc<dyn IncomingMedia>,
    ) -> Result<(CallPeer, String), CallError> {
        let offer = RTCSessionDescription::offer(offer.to_string()).map_err(failed(ErrorCode::CallBadOffer))?;
        let (peer, gathered) = CallPeer::build(options, incoming).await?;
        peer.shared.take_payload_types(&offer.sdp)?;
        peer.pc.set_remote_description(offer).await.map_err(failed(ErrorCode::CallBadOffer))?;
        let answer = peer.pc.create_answer(None).await.map_err(failed(ErrorCode::CallFailed))?;
        peer.pc.set_local_description(answer).await.map_err(failed(ErrorCode::CallFailed))?;
        let answer = peer.local_sdp(gathered).await?;
        Ok((peer, answer))
    }

    /// Makes an offer to call someone: audio and video both ways.
    pub async fn offer(
        options: &CallOptions,
        incoming: Arc<dyn IncomingMedia>,
    ) -> Result<(PendingCall, String), CallError> {
        let (peer, gathered) = CallPeer::build(options, incoming).await?;
        let offer = peer.pc.create_offer(None).await.map_err(failed(ErrorCode::CallFailed))?;
        peer.pc.set_local_description(offer).await.map_err(failed(ErrorCode::CallFailed))?;
        let offer = peer.local_sdp(gathered).await?;
        Ok((PendingCall { peer }, offer))
    }

    pub fn state(&self) -> CallState {
        CallState::from_u8(self.shared.state.load(Ordering::SeqCst))
    }

    pub fn traffic(&self) -> Traffic {
        let s = &self.shared;
        Traffic {
            audio_received: s.audio_received.load(Ordering::Relaxed),
            video_received: s.video_received.load(Ordering::Relaxed),
            audio_sent: s.audio_sent.load(Ordering::Relaxed),
            video_sent: s.video_sent.load(Ordering::Relaxed),
        }
    }

    /// The network since the last call of this, then starts a new window.
    pub fn take_network_window(&self) -> NetworkWindow {
        let video_loss = self.shared.video_loss.lock().ok().and_then(|mut m| m.take_loss());
        NetworkWindow { video_loss, packets: self.shared.window_packets.swap(0, Ordering::Relaxed) }
    }

    /// Where the patient's encoded camera and microphone go.
    pub fn outgoing(&self) -> OutgoingMedia {
        self.outgoing.clone()
    }

    /// Hangs up: closes the connection. Telling the other side is the
    /// signalling's part (`signalling::CallService::hang_up`).
    pub async fn hang_up(&self) -> Result<(), CallError> {
        self.shared.set_state(CallState::Ended);
        self.pc.close().await.map_err(failed(ErrorCode::CallFailed))?;
        Ok(())
    }
}

impl PendingCall {
    /// Takes the other side's answer; the call then connects.
    pub async fn accept(self, answer: &str) -> Result<CallPeer, CallError> {
        let answer = RTCSessionDescription::answer(answer.to_string()).map_err(failed(ErrorCode::CallBadAnswer))?;
        self.peer
            .shared
            .take_payload_types(&answer.sdp)
            .map_err(|e| CallError::new(ErrorCode::CallBadAnswer, e.detail))?;
        self.peer.pc.set_remote_description(answer).await.map_err(failed(ErrorCode::CallBadAnswer))?;
        Ok(self.peer)
    }

    /// Gives up before an answer came.
    pub async fn cancel(self) {
        let _ = self.peer.hang_up().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Discard;
    impl IncomingMedia for Discard {
        fn rtp(&self, _: MediaKind, _: &[u8]) {}
    }

    /// Counts what arrives, per kind, and keeps the payload types seen.
    #[derive(Default)]
    struct Count(Mutex<Vec<(MediaKind, u8)>>);
    impl IncomingMedia for Count {
        fn rtp(&self, kind: MediaKind, packet: &[u8]) {
            self.0.lock().unwrap().push((kind, packet[1] & 0x7f));
        }
    }

    fn rtp_packet(sequence: u16, payload_type: u8) -> Vec<u8> {
        let mut p = vec![0x80, payload_type, (sequence >> 8) as u8, sequence as u8, 0, 0, 0, 1, 0, 0, 0, 42];
        p.extend_from_slice(&[0x10, 0, 0x9d, 0x01, 0x2a]);
        p
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn two_cores_call_each_other_and_the_packets_arrive_with_the_negotiated_types() {
        let nurse_in = Arc::new(Count::default());
        let patient_in = Arc::new(Count::default());
        let (pending, offer) = CallPeer::offer(&CallOptions::loopback(), nurse_in.clone()).await.unwrap();
        assert!(offer.contains("VP8/90000") && offer.contains("opus/48000"), "{offer}");
        let (patient, answer) = CallPeer::answer(&offer, &CallOptions::loopback(), patient_in.clone()).await.unwrap();
        let nurse = pending.accept(&answer).await.unwrap();
        let started = std::time::Instant::now();
        while !(patient.state() == CallState::Connected && nurse.state() == CallState::Connected) {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no connection: {:?} {:?}",
                patient.state(),
                nurse.state()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        for seq in 0..40u16 {
            // A payloader's own payload types are replaced with the call's.
            patient.outgoing().send(MediaKind::Video, &rtp_packet(seq, 100));
            nurse.outgoing().send(MediaKind::Audio, &rtp_packet(seq, 101));
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        while nurse_in.0.lock().unwrap().len() < 30 || patient_in.0.lock().unwrap().len() < 30 {
            assert!(started.elapsed() < Duration::from_secs(10), "{:?} {:?}", nurse.traffic(), patient.traffic());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(nurse_in.0.lock().unwrap().iter().all(|p| *p == (MediaKind::Video, 96)));
        assert!(patient_in.0.lock().unwrap().iter().all(|p| *p == (MediaKind::Audio, 111)));
        assert!(
            patient.traffic().video_sent >= 30 && patient.traffic().audio_received >= 30,
            "{:?}",
            patient.traffic()
        );
        let window = nurse.take_network_window();
        assert!(!window.is_poor(), "{window:?}");
        assert!(nurse.take_network_window().is_poor(), "nothing arrived since");

        // Two of every three video packets lost on the way: poor.
        for seq in (100..190u16).step_by(3) {
            patient.outgoing().send(MediaKind::Video, &rtp_packet(seq, 100));
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let lossy = nurse.take_network_window();
        assert!(lossy.packets >= 25 && lossy.is_poor(), "{lossy:?}");
        assert!(lossy.video_loss.unwrap() > 0.6, "{lossy:?}");

        patient.hang_up().await.unwrap();
        assert_eq!(patient.state(), CallState::Ended);
        nurse.hang_up().await.unwrap();
    }

    #[tokio::test]
    async fn a_broken_offer_is_refused_with_a_code() {
        for offer in ["v=0 nonsense", "", "not sdp at all"] {
            let error =
                CallPeer::answer(offer, &CallOptions::loopback(), Arc::new(Discard)).await.err().expect("refused");
            assert_eq!(error.code, "call-bad-offer", "{offer:?}");
        }
    }
}
