//! The demo nurse ([`DemoNurse`]): the other end of a call in demo mode,
//! inside the app. She answers the patient's call after a short ring, rings
//! the patient when asked (from the nurse page), and sends a test pattern
//! with a soft tick. She speaks the same [`CallSignalling`] as the real
//! service, so the call line has one path for both.

use std::{
    collections::BTreeMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use super::{
    media::{CallMedia, Source, Speaker},
    signalling::{CallSignalling, IncomingCall, PlacedCall},
    CallError, CallOptions, CallPeer, IncomingMedia, PendingCall,
};
use crate::error::ErrorCode;

/// How long the demo nurse lets the patient's call ring before she answers.
pub const DEMO_RING: Duration = Duration::from_millis(1500);

/// The nurse's end of one call.
enum NurseCall<M: CallMedia> {
    /// She rings the patient with this offer.
    Ringing { pending: PendingCall, offer: String, playback: Arc<M::Playback> },
    /// She is in the call.
    On { peer: CallPeer, _capture: M::Capture, _playback: Arc<M::Playback> },
}

/// The demo nurse and her calls (cheap to clone; clones share the calls).
pub struct DemoNurse<M: CallMedia> {
    media: Arc<M>,
    ring_for: Duration,
    calls: Arc<Mutex<BTreeMap<String, NurseCall<M>>>>,
    numbers: Arc<AtomicU64>,
}

impl<M: CallMedia> Clone for DemoNurse<M> {
    fn clone(&self) -> Self {
        DemoNurse {
            media: self.media.clone(),
            ring_for: self.ring_for,
            calls: self.calls.clone(),
            numbers: self.numbers.clone(),
        }
    }
}

impl<M: CallMedia> DemoNurse<M> {
    /// A demo nurse who lets a call ring `ring_for` before answering.
    pub fn new(media: Arc<M>, ring_for: Duration) -> DemoNurse<M> {
        DemoNurse { media, ring_for, calls: Arc::default(), numbers: Arc::default() }
    }

    fn new_address(&self) -> String {
        format!("demo:call/{}", self.numbers.fetch_add(1, Ordering::SeqCst) + 1)
    }

    /// She rings the patient: her offer waits for [`CallSignalling::incoming`].
    pub async fn ring(&self) -> Result<(), CallError> {
        let playback = self.media.playback(Speaker::Silent)?;
        let (pending, offer) = CallPeer::offer(&CallOptions::loopback(), playback.clone()).await?;
        self.calls.lock().unwrap().insert(self.new_address(), NurseCall::Ringing { pending, offer, playback });
        Ok(())
    }

    /// She hangs up (or stops ringing). The demo's nurse never does this on
    /// her own; tests do.
    pub async fn leave(&self, call: &str) {
        let gone = self.calls.lock().unwrap().remove(call);
        match gone {
            Some(NurseCall::On { peer, .. }) => {
                let _ = peer.hang_up().await;
            }
            Some(NurseCall::Ringing { pending, .. }) => pending.cancel().await,
            None => {}
        }
    }

    /// The calls she is in or rings with, for tests.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().keys().cloned().collect()
    }

    fn send_test_pattern(&self, peer: &CallPeer) -> Result<M::Capture, CallError> {
        self.media.capture(Source::TestPattern, peer.outgoing())
    }
}

impl<M: CallMedia> CallSignalling for DemoNurse<M> {
    async fn options(&self) -> Result<CallOptions, CallError> {
        Ok(CallOptions::loopback())
    }

    async fn place(&self, offer: &str) -> Result<PlacedCall, CallError> {
        tokio::time::sleep(self.ring_for).await;
        let playback = self.media.playback(Speaker::Silent)?;
        let incoming: Arc<dyn IncomingMedia> = playback.clone();
        let (peer, answer) = CallPeer::answer(offer, &CallOptions::loopback(), incoming).await?;
        let capture = self.send_test_pattern(&peer)?;
        let url = self.new_address();
        self.calls.lock().unwrap().insert(url.clone(), NurseCall::On { peer, _capture: capture, _playback: playback });
        Ok(PlacedCall { url, answer })
    }

    async fn incoming(&self) -> Result<Option<IncomingCall>, CallError> {
        Ok(self.calls.lock().unwrap().iter().find_map(|(url, call)| match call {
            NurseCall::Ringing { offer, .. } => Some(IncomingCall { url: url.clone(), offer: offer.clone() }),
            NurseCall::On { .. } => None,
        }))
    }

    async fn answer(&self, call: &str, answer: &str) -> Result<(), CallError> {
        let Some(NurseCall::Ringing { pending, playback, .. }) = self.calls.lock().unwrap().remove(call) else {
            return Err(CallError::new(ErrorCode::CallNoAnswer, "the demo nurse no longer rings"));
        };
        let peer = pending.accept(answer).await?;
        let capture = self.send_test_pattern(&peer)?;
        self.calls
            .lock()
            .unwrap()
            .insert(call.to_string(), NurseCall::On { peer, _capture: capture, _playback: playback });
        Ok(())
    }

    async fn is_on(&self, call: &str) -> Result<bool, CallError> {
        Ok(self.calls.lock().unwrap().contains_key(call))
    }

    async fn hang_up(&self, call: &str) -> Result<(), CallError> {
        self.leave(call).await;
        Ok(())
    }
}
