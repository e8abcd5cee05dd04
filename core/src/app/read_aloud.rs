//! "Les opp" in the app: the screen's words, as the window hands them over
//! in their languages, planned by [`crate::speech::plan`] (a voice for
//! every part, or nothing is read) and spoken by the installation's
//! [`crate::speech::Speech`] off the caller's thread. A newer reading or a
//! stop ends the one before; the screens are told when a reading starts
//! and when it ends ([`Change::ReadAloud`]), so its button can say "Stopp".

use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc,
};

use super::{changes::Change, App, Platform};
use crate::{call::media::CallMedia, error::CoreError, speech::SpokenPart};

impl<P: Platform, M: CallMedia> App<P, M> {
    /// Reads `parts` aloud, each in its language; refused before a word is
    /// spoken when one has no voice (`speech-no-voice`, naming it), is too
    /// long, or the speech service does not answer.
    pub fn read_aloud(&self, parts: Vec<SpokenPart>) -> Result<(), CoreError> {
        // A stop that comes while the voices are asked for (a speech
        // service starting up) still stops this reading.
        let asked = self.reading_stops.load(Ordering::SeqCst);
        let speech = self.config.speech.clone();
        let planned = crate::speech::plan(&parts, &speech.languages()?)?;
        if planned.is_empty() {
            return Ok(());
        }
        let stop = Arc::new(AtomicBool::new(false));
        {
            let mut current = self.reading.lock().unwrap();
            if self.reading_stops.load(Ordering::SeqCst) != asked {
                return Ok(());
            }
            // The one before ends first; only the current reading tells its end.
            if let Some(before) = current.replace(stop.clone()) {
                before.store(true, Ordering::SeqCst);
            }
            // Told under the lock, so a stop that follows is told after it.
            self.tell(Change::ReadAloud { reading: true, failed: None });
        }
        let changes = self.changes.clone();
        let reading = self.reading.clone();
        self.runtime.spawn_blocking(move || {
            let failed = speech.speak(&planned, &stop).err().map(|e| {
                log::warn!("reading aloud ended early: {}", e.code);
                e.code
            });
            // Only the reading still current tells its end, under the lock,
            // so the end of one never follows the start of a newer one.
            let mut current = reading.lock().unwrap();
            if current.as_ref().is_some_and(|now| Arc::ptr_eq(now, &stop)) {
                *current = None;
                changes.tell(Change::ReadAloud { reading: false, failed });
            }
        });
        Ok(())
    }

    /// Stops reading aloud (a tap, another screen), also one still being
    /// set up.
    pub fn stop_reading(&self) {
        let mut current = self.reading.lock().unwrap();
        self.reading_stops.fetch_add(1, Ordering::SeqCst);
        if let Some(reading) = current.take() {
            reading.store(true, Ordering::SeqCst);
        }
        self.tell(Change::ReadAloud { reading: false, failed: None });
        drop(current);
    }
}

#[cfg(test)]
mod tests {
    use std::{sync::Arc, time::Duration};

    use crate::{
        app::{testing::*, Change},
        error::ErrorCode,
        locale::Locale,
        speech::SpokenPart,
    };

    fn part(language: Locale, text: &str) -> SpokenPart {
        SpokenPart { language, text: text.into() }
    }

    async fn next_reading(listener: &mut crate::app::changes::Listener) -> bool {
        loop {
            let change = tokio::time::timeout(Duration::from_secs(5), listener.next()).await.unwrap().unwrap();
            if let Change::ReadAloud { reading, .. } = change {
                return reading;
            }
        }
    }

    /// The screen's parts reach the speech service in their languages, and
    /// the screens hear the reading start and end; a language without a
    /// voice reads nothing and says which.
    #[tokio::test(flavor = "multi_thread")]
    async fn the_screens_words_are_read_in_their_language_and_end_is_told() {
        let speech = Arc::new(RecordingSpeech::with(&["nb", "en"]));
        let t = TestApp::demo_with(|c| c.speech = speech.clone());
        let mut listener = t.app.listen();
        t.app.read_aloud(vec![part(Locale::Nynorsk, "Raud sone"), part(Locale::English, "Call now")]).unwrap();
        assert!(next_reading(&mut listener).await, "started");
        assert!(!next_reading(&mut listener).await, "ended");
        let said = speech.said.lock().unwrap().clone();
        assert_eq!(said, [vec![("nb".to_string(), "Raud sone".to_string()), ("en".into(), "Call now".into())]]);

        let refused = t.app.read_aloud(vec![part(Locale::Bokmal, "Hei"), part(Locale::NorthernSami, "Bures")]);
        let refused = refused.unwrap_err();
        assert_eq!((refused.code, refused.args["language"].as_str()), (ErrorCode::SpeechNoVoice, "se"));
        assert_eq!(speech.said.lock().unwrap().len(), 1, "nothing of it was read");

        // The speech service fails once it began: the end says why.
        let t = TestApp::demo_with(|c| c.speech = Arc::new(RecordingSpeech::failing(&["nb"])));
        let mut listener = t.app.listen();
        t.app.read_aloud(vec![part(Locale::Bokmal, "Hei")]).unwrap();
        loop {
            let change = tokio::time::timeout(Duration::from_secs(5), listener.next()).await.unwrap().unwrap();
            if let Change::ReadAloud { reading: false, failed } = change {
                assert_eq!(failed, Some(ErrorCode::SpeechFailed));
                break;
            }
        }
    }

    /// A stop ends the reading at once and is told; a newer reading ends
    /// the one before, and only the newest tells its end.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_stop_or_a_newer_reading_ends_the_one_before() {
        let speech = Arc::new(RecordingSpeech::holding(&["nb"]));
        let t = TestApp::demo_with(|c| c.speech = speech.clone());
        let mut listener = t.app.listen();
        t.app.read_aloud(vec![part(Locale::Bokmal, "Første")]).unwrap();
        assert!(next_reading(&mut listener).await);
        t.app.read_aloud(vec![part(Locale::Bokmal, "Andre")]).unwrap();
        assert!(next_reading(&mut listener).await, "the newer one started; the first told no end");
        t.app.stop_reading();
        assert!(!next_reading(&mut listener).await, "stopped");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(speech.said.lock().unwrap().len(), 2);
        assert_eq!(speech.stopped.load(std::sync::atomic::Ordering::SeqCst), 2, "both ended by a stop");
        // Neither ended reading tells an end after the stop.
        let late = tokio::time::timeout(Duration::from_millis(200), next_reading(&mut listener)).await;
        assert!(late.is_err(), "no reading told after the stop: {late:?}");
    }
}
