//! Video calls with the follow-up service: a WebRTC peer in the core,
//! because Debian's WebKitGTK has no `RTCPeerConnection`. Built on the
//! `webrtc` crate 0.21 (the async layer over the sans-I/O `rtc` crate),
//! offering VP8 video and Opus audio, the codecs every browser has.
//!
//! This is the first step of issue 8: the peer answers a caller's SDP
//! offer (not trickled: the candidates travel in the SDP, as in WHIP/WHEP),
//! connects, and counts the RTP that arrives per kind; hanging up closes
//! it. Sending the patient's camera and microphone and showing the nurse's
//! video come next.

use std::{
    net::IpAddr,
    sync::{
        atomic::{AtomicU64, AtomicU8, Ordering},
        Arc,
    },
};

use rtc::{
    interceptor::Registry,
    peer_connection::{
        configuration::{
            interceptor_registry::register_default_interceptors,
            media_engine::{MediaEngine, MIME_TYPE_OPUS, MIME_TYPE_VP8},
            RTCConfigurationBuilder,
        },
        sdp::RTCSessionDescription,
    },
    rtp_transceiver::rtp_sender::{RTCRtpCodec, RTCRtpCodecParameters, RtpCodecKind},
};
use serde::Serialize;
use webrtc::{
    media_stream::track_remote::{TrackRemote, TrackRemoteEvent},
    peer_connection::{PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler, RTCIceGatheringState, RTCPeerConnectionState},
    runtime::{channel, default_runtime, Runtime, Sender},
};

/// Why a call could not be set up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct CallError {
    /// `call-bad-offer`, `call-failed`.
    pub code: &'static str,
    pub detail: String,
}

fn failed(code: &'static str) -> impl Fn(webrtc::error::Error) -> CallError {
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

/// RTP packets received so far, per kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Received {
    pub audio_packets: u64,
    pub video_packets: u64,
}

#[derive(Default)]
struct Shared {
    state: AtomicU8,
    audio: AtomicU64,
    video: AtomicU64,
}

struct Events {
    runtime: Arc<dyn Runtime>,
    shared: Arc<Shared>,
    gathered: Sender<()>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Events {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            let _ = self.gathered.try_send(());
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let mapped = match state {
            RTCPeerConnectionState::Connected => CallState::Connected,
            RTCPeerConnectionState::Disconnected => CallState::Disconnected,
            RTCPeerConnectionState::Failed => CallState::Failed,
            RTCPeerConnectionState::Closed => CallState::Ended,
            _ => CallState::Connecting,
        };
        self.shared.state.store(mapped.as_u8(), Ordering::SeqCst);
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let shared = self.shared.clone();
        let video = track.kind().await == RtpCodecKind::Video;
        self.runtime.spawn(Box::pin(async move {
            while let Some(event) = track.poll().await {
                if let TrackRemoteEvent::OnRtpPacket(_) = event {
                    let counter = if video { &shared.video } else { &shared.audio };
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
}

/// VP8 (payload type 96) and Opus (111), as browsers offer them.
fn codecs() -> [(RTCRtpCodecParameters, RtpCodecKind); 2] {
    [
        (
            RTCRtpCodecParameters {
                rtp_codec: RTCRtpCodec {
                    mime_type: MIME_TYPE_OPUS.into(),
                    clock_rate: 48_000,
                    channels: 2,
                    sdp_fmtp_line: "minptime=10;useinbandfec=1".into(),
                    rtcp_feedback: vec![],
                },
                payload_type: 111,
                ..Default::default()
            },
            RtpCodecKind::Audio,
        ),
        (
            RTCRtpCodecParameters {
                rtp_codec: RTCRtpCodec { mime_type: MIME_TYPE_VP8.into(), clock_rate: 90_000, channels: 0, sdp_fmtp_line: String::new(), rtcp_feedback: vec![] },
                payload_type: 96,
                ..Default::default()
            },
            RtpCodecKind::Video,
        ),
    ]
}

/// One call.
pub struct CallPeer {
    pc: Arc<dyn PeerConnection>,
    shared: Arc<Shared>,
}

impl CallPeer {
    /// Answers an SDP offer (JSON `{type, sdp}` as browsers write it),
    /// listening for media on `bind`. Returns the peer and the answer, with
    /// every candidate in it.
    pub async fn answer(offer: &str, bind: IpAddr) -> Result<(CallPeer, String), CallError> {
        let offer: RTCSessionDescription =
            serde_json::from_str(offer).map_err(|e| CallError { code: "call-bad-offer", detail: e.to_string() })?;
        let mut media = MediaEngine::default();
        for (codec, kind) in codecs() {
            media.register_codec(codec, kind).map_err(|e| CallError { code: "call-failed", detail: e.to_string() })?;
        }
        let registry = register_default_interceptors(Registry::new(), &mut media).map_err(|e| CallError { code: "call-failed", detail: e.to_string() })?;
        let runtime = default_runtime().ok_or_else(|| CallError { code: "call-failed", detail: "no async runtime".into() })?;
        let (gathered_tx, mut gathered) = channel(1);
        let shared = Arc::new(Shared::default());
        let events = Arc::new(Events { runtime: runtime.clone(), shared: shared.clone(), gathered: gathered_tx });
        let pc = PeerConnectionBuilder::new()
            .with_configuration(RTCConfigurationBuilder::new().build())
            .with_media_engine(media)
            .with_interceptor_registry(registry)
            .with_handler(events)
            .with_runtime(runtime)
            .with_udp_addrs(vec![format!("{bind}:0")])
            .build()
            .await
            .map_err(failed("call-failed"))?;
        let pc: Arc<dyn PeerConnection> = Arc::new(pc);
        pc.set_remote_description(offer).await.map_err(failed("call-bad-offer"))?;
        let answer = pc.create_answer(None).await.map_err(failed("call-failed"))?;
        pc.set_local_description(answer).await.map_err(failed("call-failed"))?;
        let _ = gathered.recv().await;
        let local = pc.local_description().await.ok_or_else(|| CallError { code: "call-failed", detail: "no local description".into() })?;
        let answer = serde_json::to_string(&local).map_err(|e| CallError { code: "call-failed", detail: e.to_string() })?;
        Ok((CallPeer { pc, shared }, answer))
    }

    pub fn state(&self) -> CallState {
        CallState::from_u8(self.shared.state.load(Ordering::SeqCst))
    }

    pub fn received(&self) -> Received {
        Received { audio_packets: self.shared.audio.load(Ordering::Relaxed), video_packets: self.shared.video.load(Ordering::Relaxed) }
    }

    /// Hangs up: closes the connection (the other side sees it end).
    pub async fn hang_up(&self) -> Result<(), CallError> {
        self.pc.close().await.map_err(failed("call-failed"))?;
        self.shared.state.store(CallState::Ended.as_u8(), Ordering::SeqCst);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_broken_offer_is_refused_with_a_code() {
        let error = CallPeer::answer("{\"type\":\"offer\",\"sdp\":\"v=0 nonsense\"}", "127.0.0.1".parse().unwrap()).await.err().expect("refused");
        assert_eq!(error.code, "call-bad-offer");
        let error = CallPeer::answer("not json", "127.0.0.1".parse().unwrap()).await.err().expect("refused");
        assert_eq!(error.code, "call-bad-offer");
    }
}
