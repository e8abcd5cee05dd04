//! A service's text in several languages, as R4 writes it: the string is in
//! the resource's `language` (Bokmål when it names none), and each other
//! language is a standard `translation` extension
//! (`http://hl7.org/fhir/StructureDefinition/translation`: `lang`,
//! `content`) on the string's `_element`. Read into a [`Text`]; which
//! language the patient then sees is [`Text::shown`]'s to decide.

use serde_json::Value as Json;

use super::{array, str_at};
use crate::locale::{Locale, Text};

pub const TRANSLATION: &str = "http://hl7.org/fhir/StructureDefinition/translation";

/// The language a resource's own strings are in: its `language`, Bokmål
/// when it names none (a service writing Norwegian as `no` means Bokmål).
/// A language the app does not speak is refused when the resource comes
/// ([`unspoken_language`]); one stored before that rule reads as Bokmål,
/// so a plan in force never becomes unreadable.
pub fn base_language(resource: &Json) -> Locale {
    language_of(resource, Locale::Bokmal)
}

/// A contained resource's language: its own `language`, else `container`'s.
pub(crate) fn language_of(resource: &Json, container: Locale) -> Locale {
    str_at(resource, "language").and_then(|tag| Locale::from_tag(tag).ok()).unwrap_or(container)
}

/// Where a resource or one it contains names a `language` the app does
/// not speak, said for the refusal: its texts would show unmarked and be
/// read aloud in a wrong voice.
pub fn unspoken_language(resource: &Json) -> Option<String> {
    fn unspoken(j: &Json) -> Option<&str> {
        str_at(j, "language").filter(|tag| Locale::from_tag(tag).is_err())
    }
    if let Some(tag) = unspoken(resource) {
        return Some(format!("language {tag:?} is not one Heima speaks"));
    }
    array(resource, "contained")
        .iter()
        .enumerate()
        .find_map(|(i, c)| unspoken(c).map(|tag| format!("contained[{i}].language {tag:?} is not one Heima speaks")))
}

/// `j.key` in `base`, with the translations on `j._key`; none when the
/// string is missing or blank. A translation in a language the app does
/// not speak, or without content, is left out.
pub(crate) fn text(j: &Json, key: &str, base: Locale) -> Option<Text> {
    let value = str_at(j, key).map(str::trim).filter(|t| !t.is_empty())?;
    let mut out = Text::new(base, value.to_string());
    for (lang, content) in translations(j.get(format!("_{key}"))) {
        if lang != base {
            out.set(lang, content.to_string());
        }
    }
    Some(out)
}

/// The translations an element's `_element` carries.
fn translations(meta: Option<&Json>) -> impl Iterator<Item = (Locale, &str)> {
    let list = meta.map(|m| array(m, "extension")).unwrap_or_default();
    list.iter().filter(|e| str_at(e, "url") == Some(TRANSLATION)).filter_map(|tr| {
        let part = |name: &str| array(tr, "extension").iter().find(|e| str_at(e, "url") == Some(name));
        let lang = part("lang").and_then(|e| str_at(e, "valueCode")).and_then(|t| Locale::from_tag(t).ok())?;
        let content =
            part("content").and_then(|e| str_at(e, "valueString")).map(str::trim).filter(|c| !c.is_empty())?;
        Some((lang, content))
    })
}

/// A CodeableConcept's words: its `text`, else its first coding's
/// `display`, each with its translations.
pub(crate) fn concept_text(concept: Option<&Json>, base: Locale) -> Option<Text> {
    let concept = concept?;
    text(concept, "text", base).or_else(|| array(concept, "coding").iter().find_map(|c| text(c, "display", base)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn translation(lang: &str, content: &str) -> Json {
        json!({ "url": TRANSLATION, "extension": [
            { "url": "lang", "valueCode": lang }, { "url": "content", "valueString": content } ] })
    }

    /// The string in the resource's language, each translation in its own;
    /// unknown languages, empty content and other extensions are left out.
    #[test]
    fn a_string_and_its_translations_are_read_in_their_languages() {
        let j = json!({
            "title": "Plan for KOLS",
            "_title": { "extension": [
                translation("nn", "Plan for KOLS (nynorsk)"),
                translation("en-GB", "COPD plan"),
                translation("sv", "KOL-plan"),
                translation("nn", "  "),
                { "url": "https://example.org/other", "valueString": "x" } ] },
        });
        let t = text(&j, "title", Locale::Bokmal).unwrap();
        assert_eq!(t.languages().collect::<Vec<_>>(), [Locale::Bokmal, Locale::Nynorsk, Locale::English]);
        assert_eq!(t.get(Locale::Nynorsk), "Plan for KOLS (nynorsk)");
        assert_eq!(t.get(Locale::English), "COPD plan");
        let nn_base = text(&j, "title", Locale::Nynorsk).unwrap();
        assert_eq!(nn_base.get(Locale::Nynorsk), "Plan for KOLS", "the string is in the base language");
        assert_eq!(nn_base.exactly(Locale::Bokmal), None);
        assert_eq!(text(&json!({ "title": " " }), "title", Locale::Bokmal), None);
        assert_eq!(base_language(&json!({ "language": "nn-NO" })), Locale::Nynorsk);
        assert_eq!(base_language(&json!({ "language": "no" })), Locale::Bokmal);
        assert_eq!(base_language(&json!({})), Locale::Bokmal);
        // Refused when it comes; read as Bokmål when stored before.
        assert_eq!(base_language(&json!({ "language": "sv" })), Locale::Bokmal);
        assert!(unspoken_language(&json!({ "language": "sv" })).unwrap().contains("\"sv\""));
        let contained = json!({ "language": "nb", "contained": [{ "language": "nn" }, { "language": "sma" }] });
        assert!(unspoken_language(&contained).unwrap().starts_with("contained[1]"));
        assert_eq!(unspoken_language(&json!({ "language": "se", "contained": [{}] })), None);
        let concept = json!({ "coding": [{ "display": "Datter", "_display": { "extension": [translation("en", "Daughter")] } }] });
        assert_eq!(concept_text(Some(&concept), Locale::Bokmal).unwrap().get(Locale::English), "Daughter");
    }
}
