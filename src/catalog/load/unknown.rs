//! Unknown fields, every one of them in one run, each with the nearest known name ("did you
//! mean `summary`?"). serde's `deny_unknown_fields` stops a file at its first unknown field, so
//! a missing cover in the same file showed only on the next run: instead the raw structs take
//! any field, `serde_ignored` collects what they did not take, and each is located in the text
//! (`toml_edit` keeps the spans) and reported here.

use serde::Deserialize;
use serde::de::{self, Visitor};

use super::problems::Findings;
use super::raw::{
    RawAccess, RawArticle, RawCitation, RawPhase, RawPoll, RawPollOption, RawStation, RawText,
};
use super::source::Source;

/// One step of a path to a value: a key, or a place in a list of blocks.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Step {
    Key(String),
    Index(usize),
}

/// The steps of an ignored field's path, without serde's own wrappers (`Option`, `Spanned`).
pub(super) fn steps(path: &serde_ignored::Path<'_>) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut at = path;
    loop {
        at = match at {
            serde_ignored::Path::Root => break,
            serde_ignored::Path::Seq { parent, index } => {
                steps.push(Step::Index(*index));
                parent
            }
            serde_ignored::Path::Map { parent, key } => {
                // `toml::Spanned` reads itself as a map of private fields.
                if !key.starts_with("$__") {
                    steps.push(Step::Key(key.clone()));
                }
                parent
            }
            serde_ignored::Path::Some { parent }
            | serde_ignored::Path::NewtypeStruct { parent }
            | serde_ignored::Path::NewtypeVariant { parent } => parent,
        };
    }
    steps.reverse();
    steps
}

/// Reports the unknown field at `steps` of `src`, at its line, with the nearest known name
/// among `top` (the fields of the file's own struct) or those of the table it is in.
pub(super) fn report(src: &Source, steps: &[Step], top: &[&str], report: &mut Findings) {
    let Some(Step::Key(name)) = steps.last() else {
        return;
    };
    let parent: Vec<&str> = steps[..steps.len() - 1]
        .iter()
        .filter_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(_) => None,
        })
        .collect();
    let known = match parent.last() {
        None => top,
        Some(
            &("title" | "summary" | "cover_alt" | "venue" | "access_note" | "call_to_action"
            | "place" | "name" | "question" | "label"),
        ) => fields_of::<RawText>(),
        Some(&"polls") => fields_of::<RawPoll>(),
        Some(&"options") => fields_of::<RawPollOption>(),
        Some(&"article") => fields_of::<RawArticle>(),
        Some(&"citation") => fields_of::<RawCitation>(),
        Some(&"access") => fields_of::<RawAccess>(),
        Some(&"stations") => fields_of::<RawStation>(),
        Some(&"phases") => fields_of::<RawPhase>(),
        Some(&"digest") => fields_of::<super::notify_tables::RawDigest>(),
        Some(&"weekly") => fields_of::<super::notify_tables::RawWeekly>(),
        Some(&"alerts") => fields_of::<super::notify_tables::RawAlerts>(),
        Some(_) => &[],
    };
    let place = if parent.is_empty() {
        String::new()
    } else {
        format!(" in [{}]", parent.join("."))
    };
    let hint = match nearest(name, known) {
        Some(near) => format!("; did you mean `{near}`?"),
        None if known.is_empty() => String::new(),
        None => format!(
            "; the fields here are {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let message = format!("unknown field `{name}`{place}{hint}");
    match src.span_of(steps) {
        Some(span) => report.at(src, span, message),
        None => report.file(&src.path, message),
    }
}

/// The known name nearest to `name`, when it is near enough to be what was meant.
fn nearest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, k), *k))
        .filter(|&(d, k)| d <= (k.chars().count() / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// The field names serde's derive knows for `T`: the derive hands them to
/// `deserialize_struct`, which this deserializer catches and then refuses.
pub(super) fn fields_of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    struct Catch(std::cell::Cell<&'static [&'static str]>);
    impl<'de> de::Deserializer<'de> for &Catch {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("only structs"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.set(fields);
            Err(de::Error::custom("caught"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let catch = Catch(std::cell::Cell::new(&[]));
    let _ = T::deserialize(&catch);
    catch.0.get()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::load::raw::RawStory;

    #[test]
    fn the_known_fields_come_from_the_structs_and_the_nearest_is_suggested() {
        let story = fields_of::<RawStory>();
        assert!(
            story.contains(&"summary") && story.contains(&"cover"),
            "{story:?}"
        );
        assert_eq!(nearest("sumary", story), Some("summary"));
        assert_eq!(nearest("Summery", story), Some("summary"));
        assert_eq!(nearest("covr", story), Some("cover"));
        assert_eq!(nearest("colour", story), None);
    }
}
