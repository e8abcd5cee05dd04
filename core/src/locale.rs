//! The app's languages ([`Locale`]: Bokmål, the default, Nynorsk and
//! English) and their Fluent resources.
//!
//! The `.ftl` files under `locales/{nb,nn,en}/` are compiled into the binary
//! here (`include_str!`), so the UI needs no file access: it asks for a
//! locale's sources and formats them with Fluent. [`format()`] words the texts
//! the Rust side shows itself (notifications).

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, ErrorCode};

/// A language the app is written in.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::Bokmal, Locale::Nynorsk, Locale::English];

    /// The BCP 47 tag, which is also the folder name under `locales/`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Bokmal => "nb",
            Locale::Nynorsk => "nn",
            Locale::English => "en",
        }
    }

    /// Parses a tag such as `nb`, `nn-NO` or `en`.
    pub fn from_tag(tag: &str) -> Result<Locale, CoreError> {
        let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "nb" | "no" => Ok(Locale::Bokmal),
            "nn" => Ok(Locale::Nynorsk),
            "en" => Ok(Locale::English),
            _ => Err(CoreError::new(ErrorCode::UnknownLocale, format!("tag {tag:?}"))),
        }
    }

    /// The locale's Fluent sources, one `(file name, text)` per `.ftl` file.
    pub fn resources(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Locale::Bokmal => NB,
            Locale::Nynorsk => NN,
            Locale::English => EN,
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
        fluent_args.set(*key, *value);
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
        assert_eq!(Locale::from_tag("sv").unwrap_err().code, "unknown-locale");
    }

    #[test]
    fn formats_in_each_language() {
        assert_eq!(format(Locale::Bokmal, "task-state-done", &[("time", "08:05")]), "Gjort klokka 08:05");
        assert_eq!(format(Locale::Nynorsk, "task-state-to-do", &[]), "Ikkje gjort enno");
        assert_eq!(format(Locale::English, "no-such-message", &[]), "no-such-message");
    }

    #[test]
    fn every_locale_embeds_every_file() {
        for locale in Locale::ALL {
            let names: Vec<_> = locale.resources().iter().map(|(n, _)| *n).collect();
            assert_eq!(names, FTL_FILES, "{locale:?}");
        }
    }
}
