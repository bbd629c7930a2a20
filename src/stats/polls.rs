//! Polls' results: answers per option and their shares. A poll's question and its options'
//! labels are the show's own texts (`Text`, in every language of the exhibit files); the
//! stats JSON keeps its `question_zh`/`question_en` and `label_zh`/`label_en` fields, which
//! scripts read, and gains `question` and `label` with every language.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::catalog::{Exhibition, Lang};
use crate::lang::Text;

/// Each poll of the exhibition (and any answered poll since removed), with its counts:
/// `answers` by (poll, option), `answered` (daily visitors who answered) by poll.
pub(super) fn results(
    e: &Exhibition,
    answers: &BTreeMap<(String, String), u64>,
    answered: &BTreeMap<String, u64>,
) -> Vec<PollResult> {
    let mut polls: Vec<PollResult> = e
        .polls
        .iter()
        .map(|p| {
            let count = |o: &str| {
                answers
                    .get(&(p.id.clone(), o.to_string()))
                    .copied()
                    .unwrap_or(0)
            };
            let mut options: Vec<OptionResult> = p
                .options
                .iter()
                .map(|o| OptionResult::new(&o.id, o.label.clone(), count(&o.id)))
                .collect();
            // Answers to an option since removed from the file still count, named by its id.
            for ((poll, option), n) in answers {
                if poll == &p.id && p.option(option).is_none() {
                    options.push(OptionResult::new(option, id_text(option), *n));
                }
            }
            PollResult::new(
                &p.id,
                p.question.clone(),
                options,
                answered.get(&p.id).copied().unwrap_or(0),
            )
        })
        .collect();
    for (poll, n) in answered {
        if e.polls.iter().all(|p| &p.id != poll) {
            let options = answers
                .iter()
                .filter(|((p, _), _)| p == poll)
                .map(|((_, o), n)| OptionResult::new(o, id_text(o), *n))
                .collect();
            polls.push(PollResult::new(poll, id_text(poll), options, *n));
        }
    }
    polls
}

/// A removed poll or option, named by its id in every language.
fn id_text(id: &str) -> Text {
    Text::new([(Lang::EN, id.to_string())])
}

/// A poll's results: answers per option and their shares, and the visitors who answered.
#[derive(Debug, Clone, PartialEq)]
pub struct PollResult {
    pub id: String,
    /// The show's own question, in each of its languages.
    pub question: Text,
    pub options: Vec<OptionResult>,
    /// Daily unique visitors who answered, summed over days.
    pub answered: u64,
}

impl PollResult {
    fn new(id: &str, question: Text, mut options: Vec<OptionResult>, answered: u64) -> PollResult {
        let total: u64 = options.iter().map(|o| o.count).sum();
        for o in &mut options {
            o.share = if total == 0 {
                0.0
            } else {
                o.count as f64 / total as f64
            };
        }
        PollResult {
            id: id.to_string(),
            question,
            options,
            answered,
        }
    }

    /// The question in `lang`, else in the show's first language.
    pub fn question(&self, lang: Lang) -> &str {
        self.question.get(lang)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OptionResult {
    pub id: String,
    pub label: Text,
    pub count: u64,
    /// Of all answers to the poll.
    pub share: f64,
}

impl OptionResult {
    fn new(id: &str, label: Text, count: u64) -> OptionResult {
        OptionResult {
            id: id.to_string(),
            label,
            count,
            share: 0.0,
        }
    }

    pub fn label(&self, lang: Lang) -> &str {
        self.label.get(lang)
    }
}

/// Every language of a text, by tag: `{"zh": "…", "ja": "…"}`.
struct ByTag<'a>(&'a Text);

impl Serialize for ByTag<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(lang, text)| (lang.as_str(), text)))
    }
}

impl Serialize for PollResult {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("PollResult", 6)?;
        out.serialize_field("id", &self.id)?;
        out.serialize_field("question_zh", self.question(Lang::ZH))?;
        out.serialize_field("question_en", self.question(Lang::EN))?;
        out.serialize_field("question", &ByTag(&self.question))?;
        out.serialize_field("options", &self.options)?;
        out.serialize_field("answered", &self.answered)?;
        out.end()
    }
}

impl Serialize for OptionResult {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("OptionResult", 6)?;
        out.serialize_field("id", &self.id)?;
        out.serialize_field("label_zh", self.label(Lang::ZH))?;
        out.serialize_field("label_en", self.label(Lang::EN))?;
        out.serialize_field("label", &ByTag(&self.label))?;
        out.serialize_field("count", &self.count)?;
        out.serialize_field("share", &self.share)?;
        out.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_keeps_its_fields_and_gains_every_language() {
        let question = Text::new([
            (Lang::JA, "どれが好き？".to_string()),
            (Lang::EN, "Which one?".to_string()),
        ]);
        let option = OptionResult::new("a", Text::new([(Lang::JA, "猫".to_string())]), 3);
        let poll = PollResult::new("fav", question, vec![option], 2);
        let json = serde_json::to_value(&poll).unwrap();
        assert_eq!(json["question_en"], "Which one?");
        assert_eq!(
            json["question_zh"], "どれが好き？",
            "the first language for one it lacks"
        );
        assert_eq!(json["question"]["ja"], "どれが好き？");
        assert_eq!(json["options"][0]["label_en"], "猫");
        assert_eq!(json["options"][0]["label"]["ja"], "猫");
        assert_eq!(json["options"][0]["share"], 1.0);
        assert_eq!(poll.question(Lang::JA), "どれが好き？");
    }
}
