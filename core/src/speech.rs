//! Read aloud ("Les opp"): a screen's own words spoken in their language
//! through the platform's speech service. [`Speech`] is the one seam (the
//! shell gives speech-dispatcher on Linux; a recording one for tests); here
//! is which voice reads which language ([`voice_for`]) and the plan of a
//! reading ([`plan`]): every part has a voice before a word is spoken, or
//! the reading is refused with the language that has none — never read in
//! the wrong one.

use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use crate::{
    error::{CoreError, ErrorCode},
    locale::Locale,
};

/// The platform's speech service.
pub trait Speech: Send + Sync {
    /// The languages it has a voice for, as it names them (BCP 47: `nb`,
    /// `en-GB`).
    fn languages(&self) -> Result<Vec<String>, CoreError>;
    /// Speaks each `(language, text)` in turn, each with a voice for its
    /// language (one of [`Speech::languages`]); returns when the last has
    /// been spoken, or at once when `stop` is set (checked at least every
    /// tenth of a second, also before the first word). Blocks its thread.
    fn speak(&self, parts: &[(String, String)], stop: &AtomicBool) -> Result<(), CoreError>;
}

/// No speech service: every reading says there is no voice.
pub struct NoSpeech;

impl Speech for NoSpeech {
    fn languages(&self) -> Result<Vec<String>, CoreError> {
        Ok(vec![])
    }
    fn speak(&self, _: &[(String, String)], _: &AtomicBool) -> Result<(), CoreError> {
        Err(CoreError::new(ErrorCode::SpeechFailed, "no speech service"))
    }
}

/// A piece of the screen, in the language it is written in (a service's
/// text may be in another than the patient's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpokenPart {
    pub language: Locale,
    pub text: String,
}

/// The most a reading speaks, in characters: a screen, never a book.
pub const MOST_CHARS: usize = 20_000;

/// The voices that read `locale`, best first. Nynorsk is read by a
/// Norwegian voice when there is none of its own (Bokmål and Nynorsk are
/// written forms of one spoken language); Northern Sámi only by its own.
pub fn voice_tags(locale: Locale) -> &'static [&'static str] {
    match locale {
        Locale::Bokmal => &["nb", "no", "nn"],
        Locale::Nynorsk => &["nn", "nb", "no"],
        Locale::English => &["en-gb", "en", "en-us"],
        Locale::NorthernSami => &["se", "sme"],
    }
}

/// The language of `available` that reads `locale` best, if any.
pub fn voice_for(locale: Locale, available: &[String]) -> Option<String> {
    let normal = |tag: &str| tag.to_ascii_lowercase().replace('_', "-");
    voice_tags(locale)
        .iter()
        .find_map(|wanted| {
            available.iter().find(|a| normal(a) == *wanted).or_else(|| {
                // A bare tag reads any of its regions ("en" by "en-AU").
                (!wanted.contains('-'))
                    .then(|| available.iter().find(|a| normal(a).split('-').next() == Some(wanted)))
                    .flatten()
            })
        })
        .cloned()
}

/// What to say with which voice: each non-empty part (runs of space made
/// one), in order, with the voice for its language (each part its own
/// utterance, so a heading and the text after it keep their pause).
/// Refused with `speech-no-voice` (naming the language) when a part has
/// no voice, and `speech-too-long` over [`MOST_CHARS`].
pub fn plan(parts: &[SpokenPart], available: &[String]) -> Result<Vec<(String, String)>, CoreError> {
    let mut out: Vec<(String, String)> = vec![];
    let mut total = 0;
    for part in parts {
        let text = part.text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            continue;
        }
        total += text.chars().count();
        if total > MOST_CHARS {
            return Err(CoreError::new(ErrorCode::SpeechTooLong, format!("over {MOST_CHARS} characters")));
        }
        let voice = voice_for(part.language, available).ok_or_else(|| {
            CoreError::new(ErrorCode::SpeechNoVoice, format!("no voice for {}", part.language.tag()))
                .with_arg("language", part.language.tag())
        })?;
        out.push((voice, text));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| t.to_string()).collect()
    }

    /// Each language is read by its own voice, Nynorsk by a Norwegian one
    /// when it has none, and a language without a voice by none.
    #[test]
    fn which_voice_reads_which_language() {
        let espeak = tags(&["af", "en", "en-GB", "en-US", "nb", "sv"]);
        let cases: [(Locale, &[String], Option<&str>); 7] = [
            (Locale::Bokmal, &espeak, Some("nb")),
            (Locale::Nynorsk, &espeak, Some("nb")),
            (Locale::English, &espeak, Some("en-GB")),
            (Locale::English, &tags(&["en_AU"]), Some("en_AU")),
            (Locale::Nynorsk, &tags(&["nb", "nn-NO"]), Some("nn-NO")),
            (Locale::Bokmal, &tags(&["sv", "da"]), None),
            (Locale::NorthernSami, &espeak, None),
        ];
        for (locale, available, want) in cases {
            assert_eq!(voice_for(locale, available).as_deref(), want, "{locale:?} from {available:?}");
        }
    }

    /// A reading speaks each part with its voice, skips blanks, and is
    /// refused whole when a part has no voice.
    #[test]
    fn a_reading_is_planned_whole_or_refused() {
        let espeak = tags(&["en-GB", "nb"]);
        let part = |language, text: &str| SpokenPart { language, text: text.into() };
        let planned = plan(
            &[
                part(Locale::Nynorsk, "Raud sone.\n  Ring  tenesta."),
                part(Locale::Bokmal, "(står på bokmål)"),
                part(Locale::Nynorsk, "   "),
                part(Locale::English, "Call now."),
            ],
            &espeak,
        )
        .unwrap();
        let want = [("nb", "Raud sone. Ring tenesta."), ("nb", "(står på bokmål)"), ("en-GB", "Call now.")];
        assert_eq!(planned, want.map(|(v, t)| (v.to_string(), t.to_string())));
        let refused = plan(&[part(Locale::Bokmal, "Hei"), part(Locale::English, "Hi")], &tags(&["nb"])).unwrap_err();
        assert_eq!((refused.code, refused.args["language"].as_str()), (ErrorCode::SpeechNoVoice, "en"));
        let long = plan(&[part(Locale::Bokmal, &"a".repeat(MOST_CHARS + 1))], &espeak).unwrap_err();
        assert_eq!(long.code, ErrorCode::SpeechTooLong);
        assert_eq!(plan(&[], &espeak).unwrap(), vec![]);
    }
}
