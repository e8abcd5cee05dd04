//! The installation's configuration file, for tablets a municipality's IT
//! hands out: the trusted services, the default activation endpoint, kiosk
//! mode, and the language and text size a new tablet starts with. TOML, read
//! by the `toml` crate (its errors carry where they are). The shell reads
//! the system-wide file (the administrator's) and the user's own. Only the
//! system-wide file may set what decides whom the tablet trusts or how it is
//! locked down (trusted services, activation endpoint, kiosk, autostart,
//! the nurse code's hash): the user's
//! file may set only personal preferences (language, text size), replacing
//! the system's key by key, and a key it may not set is told and not used.
//! A file that cannot be read is told with its file and line (the error's
//! args), and its values are not used (the safe defaults are). Example and
//! places: README.md, "Managed installations".

use serde::Deserialize;

use super::StartAtLogin;
use crate::{
    error::{CoreError, ErrorCode},
    locale::Locale,
    settings::TextSize,
    trust::TrustedService,
};

/// One trusted follow-up service.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrustedEntry {
    origin: String,
    name: String,
}

/// One file as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    activation_endpoint: Option<String>,
    autostart: Option<bool>,
    kiosk: Option<bool>,
    language: Option<String>,
    nurse_code_hash: Option<String>,
    text_size: Option<TextSize>,
    #[serde(default)]
    trusted_service: Option<Vec<TrustedEntry>>,
}

/// Whose file it is: the administrator's, system-wide (it may set
/// everything), or the user's own (personal preferences only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigSource {
    System,
    User,
}

/// One configuration file as read: whose, its name (for messages) and text.
#[derive(Debug, Clone, Copy)]
pub struct ConfigFile<'a> {
    pub source: ConfigSource,
    pub name: &'a str,
    pub text: &'a str,
}

/// The keys only the system-wide file may set: each widens whom the tablet
/// trusts or loosens how it is locked down. A key added later that does so
/// belongs here (`File::system_only_keys` is checked against it).
const SYSTEM_ONLY_KEYS: [&str; 5] = ["activation_endpoint", "autostart", "kiosk", "nurse_code_hash", "trusted_service"];

impl File {
    /// The system-only keys this file sets.
    fn system_only_keys(&self) -> Vec<&'static str> {
        let File { activation_endpoint, autostart, kiosk, language: _, nurse_code_hash, text_size: _, trusted_service } =
            self;
        let set = [
            activation_endpoint.is_some(),
            autostart.is_some(),
            kiosk.is_some(),
            nurse_code_hash.is_some(),
            trusted_service.is_some(),
        ];
        SYSTEM_ONLY_KEYS.into_iter().zip(set).filter(|(_, set)| *set).map(|(key, _)| key).collect()
    }

    /// The file with only its personal preferences.
    fn personal_only(self) -> File {
        File { language: self.language, text_size: self.text_size, ..File::default() }
    }
}

/// The installation, both files merged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Installation {
    pub activation_endpoint: Option<String>,
    /// Full screen without window controls (lent tablets).
    pub kiosk: bool,
    /// Whether the app starts at login: the system-wide file's
    /// `autostart`, on by default in kiosk; otherwise the user's choice.
    pub start_at_login: StartAtLogin,
    /// The language a new tablet starts in.
    pub language: Option<Locale>,
    /// The installation's nurse code as an Argon2id hash, for a service
    /// that issues none (and the recovery screen of such a tablet).
    pub nurse_code_hash: Option<String>,
    /// The text size a new tablet starts with.
    pub text_size: Option<TextSize>,
    pub trusted: Vec<TrustedService>,
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn problem(name: &str, line: usize, what: impl std::fmt::Display) -> CoreError {
    CoreError::new(ErrorCode::ConfigInvalid, format!("{name}, line {line}: {what}"))
        .with_arg("file", name)
        .with_arg("line", line.to_string())
}

/// The 1-based line where `key` is set, or its table begins
/// (`[[trusted_service]]`), in `text` (1 if not found).
fn line_with(text: &str, key: &str) -> usize {
    text.lines().position(|l| l.trim_start().trim_start_matches('[').starts_with(key)).map_or(1, |i| i + 1)
}

/// Reads one file (`name` for messages); every value is checked.
fn read(name: &str, text: &str) -> Result<File, CoreError> {
    let file: File = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
        problem(name, line, e.message())
    })?;
    let line_with = |key: &str| line_with(text, key);
    if let Some(tag) = &file.language {
        Locale::from_tag(tag).map_err(|_| problem(name, line_with("language"), format!("unknown language {tag:?}")))?;
    }
    if let Some(endpoint) = &file.activation_endpoint {
        let url = url::Url::parse(endpoint).map_err(|e| problem(name, line_with("activation_endpoint"), e))?;
        if url.scheme() != "https" {
            return Err(problem(name, line_with("activation_endpoint"), "must be https"));
        }
    }
    if file.nurse_code_hash.as_deref().is_some_and(|h| !crate::enrolment::is_nurse_code_hash(h)) {
        return Err(problem(name, line_with("nurse_code_hash"), "must be an Argon2id hash with m=19456, t=2, p=1"));
    }
    for entry in file.trusted_service.iter().flatten() {
        let url = url::Url::parse(&entry.origin).map_err(|e| problem(name, line_with("origin"), e))?;
        if url.scheme() != "https" || entry.name.trim().is_empty() {
            return Err(problem(name, line_with("origin"), "a trusted service is an https origin with a name"));
        }
    }
    Ok(file)
}

impl Installation {
    /// Reads the files in order (system-wide first, then the user's);
    /// later values replace earlier ones key by key. A file with a problem
    /// is left out and its problem returned (naming the file and the
    /// line); a key the user's file may not set is left out and told
    /// (`config-system-only`, naming the file, the line and the key).
    pub fn from_files(files: &[ConfigFile]) -> (Installation, Vec<CoreError>) {
        let mut merged = File::default();
        let mut problems = vec![];
        for &ConfigFile { source, name, text } in files {
            match read(name, text) {
                Ok(file) => {
                    let file = match source {
                        ConfigSource::System => file,
                        ConfigSource::User => {
                            for key in file.system_only_keys() {
                                problems.push(
                                    CoreError::new(
                                        ErrorCode::ConfigSystemOnly,
                                        format!(
                                            "{name}, line {}: {key} is read from the system-wide file only",
                                            line_with(text, key)
                                        ),
                                    )
                                    .with_arg("file", name)
                                    .with_arg("line", line_with(text, key).to_string())
                                    .with_arg("key", key),
                                );
                            }
                            file.personal_only()
                        }
                    };
                    merged.activation_endpoint = file.activation_endpoint.or(merged.activation_endpoint);
                    merged.autostart = file.autostart.or(merged.autostart);
                    merged.kiosk = file.kiosk.or(merged.kiosk);
                    merged.language = file.language.or(merged.language);
                    merged.nurse_code_hash = file.nurse_code_hash.or(merged.nurse_code_hash);
                    merged.text_size = file.text_size.or(merged.text_size);
                    merged.trusted_service = file.trusted_service.or(merged.trusted_service);
                }
                Err(e) => problems.push(e),
            }
        }
        let installation = Installation {
            activation_endpoint: merged.activation_endpoint,
            kiosk: merged.kiosk.unwrap_or(false),
            start_at_login: match (merged.autostart, merged.kiosk) {
                (Some(true), _) | (None, Some(true)) => StartAtLogin::Yes,
                (Some(false), _) => StartAtLogin::No,
                (None, _) => StartAtLogin::UsersChoice,
            },
            language: merged.language.and_then(|t| Locale::from_tag(&t).ok()),
            nurse_code_hash: merged.nurse_code_hash,
            text_size: merged.text_size,
            trusted: merged
                .trusted_service
                .unwrap_or_default()
                .into_iter()
                .filter_map(|t| {
                    let origin = url::Url::parse(&t.origin).ok()?.origin().ascii_serialization();
                    Some(TrustedService { origin, name: t.name.trim().to_string() })
                })
                .collect(),
        };
        (installation, problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYSTEM: &str = r#"
# Installed by the municipality's IT.
activation_endpoint = "https://dho.heimbas.kommune.no/heima/activate"
kiosk = true
language = "nn"
text_size = "large"

[[trusted_service]]
origin = "https://dho.heimbas.kommune.no"
name = "Heimbas kommune"
"#;

    fn system(text: &str) -> ConfigFile<'_> {
        ConfigFile { source: ConfigSource::System, name: "system", text }
    }

    fn user(text: &str) -> ConfigFile<'_> {
        ConfigFile { source: ConfigSource::User, name: "user", text }
    }

    #[test]
    fn the_system_file_sets_up_the_installation() {
        let (installation, problems) = Installation::from_files(&[system(SYSTEM)]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            installation,
            Installation {
                activation_endpoint: Some("https://dho.heimbas.kommune.no/heima/activate".into()),
                kiosk: true,
                start_at_login: StartAtLogin::Yes,
                language: Some(Locale::Nynorsk),
                nurse_code_hash: None,
                text_size: Some(TextSize::Large),
                trusted: vec![TrustedService {
                    origin: "https://dho.heimbas.kommune.no".into(),
                    name: "Heimbas kommune".into()
                }],
            }
        );
    }

    #[test]
    fn the_users_file_replaces_preferences_key_by_key() {
        let (installation, problems) = Installation::from_files(&[system(SYSTEM), user("language = \"nb\"\n")]);
        assert!(problems.is_empty());
        assert_eq!(installation.language, Some(Locale::Bokmal));
        assert_eq!(installation.text_size, Some(TextSize::Large), "kept from the system file");
        assert_eq!(installation.trusted.len(), 1, "kept from the system file");
    }

    /// A previous borrower of a lent tablet writes the user's file to
    /// trust a service of their own, send typed activation codes there, or
    /// leave kiosk mode: none of it counts, each key is told with its line,
    /// and the file's own preferences still apply.
    #[test]
    fn the_users_file_cannot_widen_trust_or_leave_kiosk() {
        let hostile = r#"text_size = "largest"
activation_endpoint = "https://codes.attacker.example/activate"
kiosk = false
autostart = false

[[trusted_service]]
origin = "https://fhir.attacker.example"
name = "Heimbas kommune"
"#;
        for files in [vec![system(SYSTEM), user(hostile)], vec![user(hostile)]] {
            let (installation, problems) = Installation::from_files(&files);
            let told: Vec<(&str, &str)> = problems
                .iter()
                .map(|p| {
                    assert_eq!(p.code, ErrorCode::ConfigSystemOnly);
                    assert_eq!(p.args["file"], "user");
                    (p.args["key"].as_str(), p.args["line"].as_str())
                })
                .collect();
            assert_eq!(
                told,
                [("activation_endpoint", "2"), ("autostart", "4"), ("kiosk", "3"), ("trusted_service", "6")]
            );
            assert!(installation.trusted.iter().all(|t| !t.origin.contains("attacker")), "{:?}", installation.trusted);
            assert!(installation.activation_endpoint.as_deref().is_none_or(|e| !e.contains("attacker")));
            assert_eq!(installation.text_size, Some(TextSize::Largest), "a preference still counts");
            if files.len() == 2 {
                assert!(installation.kiosk, "kiosk stays on");
                assert_eq!(installation.start_at_login, StartAtLogin::Yes, "and so does its start at login");
                assert_eq!(installation.trusted.len(), 1);
            }
        }
    }

    /// The installation's nurse code (for a service that issues none) is a
    /// hash with the app's Argon2id parameters, set by the system-wide file
    /// only: the user's is told and not used, and a hash with other
    /// parameters (one that would make every try cost a gigabyte) or of
    /// another kind is refused with its line.
    #[test]
    fn only_the_system_file_sets_the_nurse_code_hash_and_only_the_apps_kind() {
        let hash = crate::app::nurse::hash_nurse_code("864200", &[3; 16]).unwrap();
        let text = format!("nurse_code_hash = \"{hash}\"\n");
        let (installation, problems) = Installation::from_files(&[system(&text)]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(installation.nurse_code_hash.as_deref(), Some(hash.as_str()));
        let (installation, problems) = Installation::from_files(&[user(&text)]);
        assert_eq!(
            (problems[0].code, problems[0].args["key"].as_str()),
            (ErrorCode::ConfigSystemOnly, "nurse_code_hash")
        );
        assert_eq!(installation.nurse_code_hash, None);

        use argon2::{password_hash::SaltString, Algorithm, Argon2, PasswordHasher, Version};
        let salt = SaltString::encode_b64(&[3; 16]).unwrap();
        let costly = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon2::Params::new(65_536, 3, 1, None).unwrap());
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, argon2::Params::default());
        for other in [&costly, &argon2i] {
            let bad = other.hash_password(b"864200", &salt).unwrap().to_string();
            let (installation, problems) =
                Installation::from_files(&[system(&format!("language = \"nn\"\nnurse_code_hash = \"{bad}\"\n"))]);
            assert_eq!((problems[0].code, problems[0].args["line"].as_str()), (ErrorCode::ConfigInvalid, "2"), "{bad}");
            assert_eq!((installation.nurse_code_hash, installation.language), (None, None), "the file is left out");
        }
    }

    /// The app starts at login when the system-wide file says so, and in
    /// kiosk unless it says not to; a file that says nothing leaves the
    /// user's own choice alone.
    #[test]
    fn the_app_starts_at_login_as_the_system_file_says_and_in_kiosk_by_default() {
        let cases = [
            ("", StartAtLogin::UsersChoice),
            ("kiosk = false\n", StartAtLogin::UsersChoice),
            ("autostart = true\n", StartAtLogin::Yes),
            ("autostart = false\n", StartAtLogin::No),
            ("kiosk = true\n", StartAtLogin::Yes),
            ("kiosk = true\nautostart = false\n", StartAtLogin::No),
            ("kiosk = false\nautostart = true\n", StartAtLogin::Yes),
        ];
        for (text, starts) in cases {
            let (installation, problems) = Installation::from_files(&[system(text)]);
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(installation.start_at_login, starts, "{text:?}");
        }
    }

    /// Every key of the file is either personal or listed as system-only,
    /// so a key added later is decided on, not let through by default.
    #[test]
    fn every_key_is_personal_or_system_only() {
        let all_set = File {
            activation_endpoint: Some(String::new()),
            autostart: Some(true),
            kiosk: Some(true),
            language: Some(String::new()),
            nurse_code_hash: Some(String::new()),
            text_size: Some(TextSize::Large),
            trusted_service: Some(vec![]),
        };
        assert_eq!(all_set.system_only_keys(), SYSTEM_ONLY_KEYS);
        let personal = all_set.personal_only();
        assert!(personal.system_only_keys().is_empty());
        assert!(personal.language.is_some() && personal.text_size.is_some());
    }

    /// Each broken file is told with its line, and none of its values is used.
    #[test]
    fn a_broken_file_names_its_line_and_is_not_used() {
        let cases = [
            ("kiosk = yes\n", 1, "quoted"),
            ("language = \"nn\"\n\nkisok = true\n", 3, "kisok"),
            ("text_size = \"huge\"\n", 1, "huge"),
            ("\nlanguage = \"de\"\n", 2, "unknown language"),
            ("activation_endpoint = \"http://dho.example.no/a\"\n", 1, "https"),
            ("[[trusted_service]]\norigin = \"http://x.example.no\"\nname = \"X\"\n", 2, "https origin"),
            ("[[trusted_service]]\norigin = \"https://x.example.no\"\n", 1, "name"),
        ];
        for (text, line, says) in cases {
            let (installation, problems) = Installation::from_files(&[system(SYSTEM), user(text)]);
            assert_eq!(problems.len(), 1, "{text:?}");
            let p = &problems[0];
            assert_eq!(p.code, ErrorCode::ConfigInvalid);
            assert_eq!(
                p.args.get("line").map(String::as_str),
                Some(line.to_string().as_str()),
                "{text:?}: {}",
                p.detail
            );
            assert_eq!(p.args.get("file").map(String::as_str), Some("user"));
            assert!(p.detail.contains(says), "{text:?}: {}", p.detail);
            assert!(
                installation.kiosk && installation.language == Some(Locale::Nynorsk),
                "the system file still counts"
            );
        }
    }
}
