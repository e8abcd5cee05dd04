//! The app's languages ([`Locale`]: Bokmål, the default, Nynorsk, English
//! and Northern Sámi, the last a preview until a translator has reviewed
//! it: `locales/se/REVIEW.md`) and their Fluent resources; [`Text`], a text the service wrote
//! in the languages it gave, and the one order in which a missing language
//! falls back to another ([`Locale::fallbacks`]).
//!
//! The `.ftl` files under `locales/{nb,nn,en}/` are compiled into the binary
//! here (`include_str!`), so the UI needs no file access: it asks for a
//! locale's sources and formats them with Fluent. [`format()`] words the texts
//! the Rust side shows itself (notifications).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, ErrorCode};

/// A language the app is written in.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Locale {
    /// Norsk bokmål (default).
    #[default]
    #[serde(rename = "nb")]
    Bokmal,
    /// Norsk nynorsk.
    #[serde(rename = "nn")]
    Nynorsk,
    /// English.
    #[serde(rename = "en")]
    English,
    /// Davvisámegiella (Northern Sámi).
    #[serde(rename = "se")]
    NorthernSami,
}

impl Locale {
    pub const ALL: [Locale; 4] = [Locale::Bokmal, Locale::Nynorsk, Locale::English, Locale::NorthernSami];

    /// The BCP 47 tag, which is also the folder name under `locales/`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Bokmal => "nb",
            Locale::Nynorsk => "nn",
            Locale::English => "en",
            Locale::NorthernSami => "se",
        }
    }

    /// Whether the translation is a preview, not yet reviewed by a
    /// qualified translator (`locales/<tag>/REVIEW.md`): the language
    /// picker says so.
    pub fn is_preview(self) -> bool {
        self == Locale::NorthernSami
    }

    /// The tag dates and numbers are written with (`Intl` in the UI).
    pub fn format_tag(self) -> &'static str {
        match self {
            Locale::Bokmal => "nb-NO",
            Locale::Nynorsk => "nn-NO",
            Locale::English => "en-GB",
            Locale::NorthernSami => "se-NO",
        }
    }

    /// The languages to show a service's text in, best first, when it is
    /// not in this one: Bokmål and Nynorsk stand in for each other before
    /// English; Sámi is read in Norwegian before English; every language
    /// is in the list once.
    pub fn fallbacks(self) -> [Locale; 4] {
        use Locale::*;
        match self {
            Bokmal => [Bokmal, Nynorsk, English, NorthernSami],
            Nynorsk => [Nynorsk, Bokmal, English, NorthernSami],
            English => [English, Bokmal, Nynorsk, NorthernSami],
            NorthernSami => [NorthernSami, Bokmal, Nynorsk, English],
        }
    }

    /// Parses a tag such as `nb`, `nn-NO` or `en`.
    pub fn from_tag(tag: &str) -> Result<Locale, CoreError> {
        let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "nb" | "no" => Ok(Locale::Bokmal),
            "nn" => Ok(Locale::Nynorsk),
            "en" => Ok(Locale::English),
            "se" | "sme" => Ok(Locale::NorthernSami),
            _ => Err(CoreError::new(ErrorCode::UnknownLocale, format!("tag {tag:?}"))),
        }
    }

    /// The locale's Fluent sources, one `(file name, text)` per `.ftl` file.
    pub fn resources(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Locale::Bokmal => NB,
            Locale::Nynorsk => NN,
            Locale::English => EN,
            Locale::NorthernSami => SE,
        }
    }
}

/// A text the service wrote (a plan's title, an advice, a questionnaire's
/// question, learning material's blocks), in every language it gave: at
/// least one. Shown in the patient's language, else in the first of
/// [`Locale::fallbacks`] that it has, and then marked as in another
/// language. Serialised as `{"nb": …, "nn": …}` with the languages given.
#[derive(Debug, Clone, Eq, Serialize, Deserialize)]
#[serde(
    try_from = "BTreeMap<Locale, T>",
    into = "BTreeMap<Locale, T>",
    bound(serialize = "T: Clone + Serialize", deserialize = "T: Deserialize<'de>")
)]
pub struct Text<T = String> {
    by_language: BTreeMap<Locale, T>,
    /// The language the service wrote it in (the others are its
    /// translations); what goes back to the service names this one.
    #[serde(skip)]
    original: Locale,
}

impl Text<String> {
    /// A Bokmål text (the app's own, tests).
    pub fn plain(nb: &str) -> Text {
        Text::new(Locale::Bokmal, nb.to_string())
    }
}

/// Two texts are equal when they say the same in the same languages
/// (which one the service wrote them in is not part of what they say, and
/// is not kept when a text is stored).
impl<T: PartialEq> PartialEq for Text<T> {
    fn eq(&self, other: &Self) -> bool {
        self.by_language == other.by_language
    }
}

/// A Bokmål text (the app's own, tests).
impl From<&str> for Text {
    fn from(nb: &str) -> Text {
        Text::plain(nb)
    }
}

impl<T> Text<T> {
    pub fn new(locale: Locale, value: T) -> Text<T> {
        Text { by_language: BTreeMap::from([(locale, value)]), original: locale }
    }

    /// Keeps the translations `keep` allows; the text as the service
    /// wrote it stays whatever they say.
    pub fn retain_translations(&mut self, keep: impl Fn(&T) -> bool) {
        let original = self.original;
        self.by_language.retain(|l, t| *l == original || keep(t));
    }

    /// The text as the service wrote it, before any translation (of a
    /// text read from the service; a stored one takes its first language).
    pub fn original(&self) -> &T {
        &self.by_language[&self.original]
    }

    /// Adds (or replaces) the text in `locale`.
    pub fn set(&mut self, locale: Locale, value: T) {
        self.by_language.insert(locale, value);
    }

    /// The text in `locale` itself, if given.
    pub fn exactly(&self, locale: Locale) -> Option<&T> {
        self.by_language.get(&locale)
    }

    /// The language the text is shown in for a patient who chose
    /// `locale`, and the text.
    pub fn shown(&self, locale: Locale) -> (Locale, &T) {
        locale
            .fallbacks()
            .into_iter()
            .find_map(|l| self.by_language.get(&l).map(|t| (l, t)))
            .expect("a text has at least one language, and every language is in each fallback list")
    }

    /// The text for a patient who chose `locale`.
    pub fn get(&self, locale: Locale) -> &T {
        self.shown(locale).1
    }

    /// The languages given.
    pub fn languages(&self) -> impl Iterator<Item = Locale> + '_ {
        self.by_language.keys().copied()
    }

    /// The same text, each language's turned by `f`.
    pub fn map<U>(&self, mut f: impl FnMut(&T) -> U) -> Text<U> {
        Text { by_language: self.by_language.iter().map(|(l, t)| (*l, f(t))).collect(), original: self.original }
    }
}

impl<T> TryFrom<BTreeMap<Locale, T>> for Text<T> {
    type Error = &'static str;
    fn try_from(by_language: BTreeMap<Locale, T>) -> Result<Self, Self::Error> {
        let Some(&original) = by_language.keys().next() else {
            return Err("a text needs at least one language");
        };
        Ok(Text { by_language, original })
    }
}

impl<T> From<Text<T>> for BTreeMap<Locale, T> {
    fn from(text: Text<T>) -> Self {
        text.by_language
    }
}

/// What the UI needs to write in a language: its Fluent sources, the
/// order in which a service's text falls back ([`Locale::fallbacks`]),
/// and the tag and time zone dates and numbers are written with.
#[derive(Debug, Clone, Serialize)]
pub struct LocaleSources {
    pub locale: Locale,
    pub sources: Vec<&'static str>,
    pub fallbacks: Vec<Locale>,
    pub format_tag: &'static str,
    /// IANA name of the time zone the core keeps days in ("Europe/Oslo").
    pub time_zone: String,
    /// Every language the app speaks, for the picker.
    pub languages: Vec<LanguageChoice>,
}

/// A language as the picker offers it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LanguageChoice {
    pub locale: Locale,
    /// Not yet reviewed by a qualified translator: marked as a preview.
    pub preview: bool,
}

impl LocaleSources {
    pub fn new(locale: Locale, time_zone: &jiff::tz::TimeZone) -> LocaleSources {
        LocaleSources {
            locale,
            sources: locale.resources().iter().map(|(_, text)| *text).collect(),
            fallbacks: locale.fallbacks().to_vec(),
            format_tag: locale.format_tag(),
            time_zone: time_zone.iana_name().unwrap_or("Europe/Oslo").to_string(),
            languages: Locale::ALL
                .iter()
                .map(|&locale| LanguageChoice { locale, preview: locale.is_preview() })
                .collect(),
        }
    }
}

/// Formats message `id` with `args` in `locale` — for texts the Rust side
/// shows itself (desktop notifications). The UI formats its own.
/// A missing message gives its id, as the UI does.
pub fn format(locale: Locale, id: &str, args: &[(&str, &str)]) -> String {
    use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};
    let lang: unic_langid::LanguageIdentifier = locale.tag().parse().expect("valid tags");
    let mut bundle = FluentBundle::new(vec![lang]);
    bundle.set_use_isolating(false);
    for (_, text) in locale.resources() {
        let resource = FluentResource::try_new(text.to_string()).expect("the locale tests parse every file");
        bundle.add_resource(resource).expect("message ids are unique");
    }
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else { return id.to_string() };
    let mut fluent_args = FluentArgs::new();
    for (key, value) in args {
        // A whole number goes as a number, so plurals choose by it.
        match value.parse::<i64>() {
            Ok(n) => fluent_args.set(*key, n),
            Err(_) => fluent_args.set(*key, *value),
        }
    }
    let mut errors = vec![];
    bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned()
}

/// The `.ftl` files each locale has, in load order.
pub const FTL_FILES: &[&str] =
    &["app.ftl", "today.ftl", "devices.ftl", "settings.ftl", "errors.ftl", "screens.ftl", "call.ftl", "privacy.ftl"];

macro_rules! ftl {
    ($tag:literal) => {
        &[
            ("app.ftl", include_str!(concat!("../../locales/", $tag, "/app.ftl"))),
            ("today.ftl", include_str!(concat!("../../locales/", $tag, "/today.ftl"))),
            ("devices.ftl", include_str!(concat!("../../locales/", $tag, "/devices.ftl"))),
            ("settings.ftl", include_str!(concat!("../../locales/", $tag, "/settings.ftl"))),
            ("errors.ftl", include_str!(concat!("../../locales/", $tag, "/errors.ftl"))),
            ("screens.ftl", include_str!(concat!("../../locales/", $tag, "/screens.ftl"))),
            ("call.ftl", include_str!(concat!("../../locales/", $tag, "/call.ftl"))),
            ("privacy.ftl", include_str!(concat!("../../locales/", $tag, "/privacy.ftl"))),
        ]
    };
}

static NB: &[(&str, &str)] = ftl!("nb");
static NN: &[(&str, &str)] = ftl!("nn");
static EN: &[(&str, &str)] = ftl!("en");
static SE: &[(&str, &str)] = ftl!("se");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_and_regions_are_ignored() {
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()).unwrap(), locale);
        }
        assert_eq!(Locale::from_tag("nn-NO").unwrap(), Locale::Nynorsk);
        assert_eq!(Locale::from_tag("nb_NO").unwrap(), Locale::Bokmal);
        assert_eq!(Locale::from_tag("se-NO").unwrap(), Locale::NorthernSami);
        assert_eq!(Locale::from_tag("sv").unwrap_err().code, "unknown-locale");
    }

    #[test]
    fn formats_in_each_language() {
        assert_eq!(format(Locale::Bokmal, "task-state-done", &[("time", "08:05")]), "Gjort klokka 08:05");
        assert_eq!(format(Locale::Nynorsk, "task-state-to-do", &[]), "Ikkje gjort enno");
        assert_eq!(format(Locale::English, "no-such-message", &[]), "no-such-message");
    }

    /// Plurals choose by the number, with each language's own rules:
    /// Northern Sámi has a dual.
    #[test]
    fn plurals_follow_each_languages_rules() {
        let cases = [
            (Locale::Bokmal, "plan-timing-per-week", "1", "1 gang i uka"),
            (Locale::NorthernSami, "plan-timing-per-week", "1", "Oktii vahkus"),
            (Locale::NorthernSami, "plan-timing-per-week", "2", "Guktii vahkus"),
            (Locale::NorthernSami, "plan-timing-per-week", "5", "5 gearddi vahkus"),
            (Locale::Nynorsk, "reminder-body-many", "3", "Du har 3 oppgåver i Heima."),
        ];
        for (locale, id, count, want) in cases {
            assert_eq!(format(locale, id, &[("count", count)]), want, "{locale:?} {id} {count}");
        }
    }

    /// A text falls back Bokmål ↔ Nynorsk before English, and says in
    /// which language it is shown.
    #[test]
    fn a_text_is_shown_in_the_chosen_language_else_the_nearest() {
        use Locale::*;
        let mut three = Text::plain("Mål blodtrykket");
        three.set(Nynorsk, "Mål blodtrykket ditt".into());
        three.set(English, "Measure your blood pressure".into());
        let cases: [(&Text, Locale, Locale); 6] = [
            (&three, Nynorsk, Nynorsk),
            (&three, English, English),
            (&Text::new(Nynorsk, "Ta vekta".to_string()), Bokmal, Nynorsk),
            (&Text::new(English, "Weigh".to_string()), Nynorsk, English),
            (&Text::plain("Vei deg"), Nynorsk, Bokmal),
            (&Text::plain("Vei deg"), English, Bokmal),
        ];
        for (text, chosen, shown) in cases {
            assert_eq!(text.shown(chosen).0, shown, "{chosen:?}: {text:?}");
            assert_eq!(text.get(chosen), text.exactly(shown).unwrap());
        }
        let mut both = Text::new(English, "Weigh".to_string());
        both.set(Nynorsk, "Vege deg".into());
        assert_eq!(both.shown(Bokmal), (Nynorsk, &"Vege deg".to_string()), "nn before en");
        for locale in Locale::ALL {
            let order = locale.fallbacks();
            assert_eq!(order[0], locale);
            assert!(Locale::ALL.iter().all(|l| order.contains(l)), "{locale:?} lists every language");
        }
        assert_eq!(serde_json::to_value(&three).unwrap()["nn"], "Mål blodtrykket ditt");
        assert!(serde_json::from_str::<Text>("{}").is_err(), "a text has a language");
    }

    #[test]
    fn every_locale_embeds_every_file() {
        for locale in Locale::ALL {
            let names: Vec<_> = locale.resources().iter().map(|(n, _)| *n).collect();
            assert_eq!(names, FTL_FILES, "{locale:?}");
        }
    }
}
