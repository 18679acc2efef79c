//! A reply file: hostile until checked. Its size first, then age (binary or armoured) with the
//! practice's reply key, in memory, then its JSON's shape, then every answer against the questions
//! and measures its packet carried. Each refusal says what is wrong; none panics or writes.

use std::collections::BTreeMap;
use std::io::Read;

use age::secrecy::SecretString;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{PacketError, Question, QuestionKind, REPLY_FORMAT};
use crate::Result;
use crate::measures::{Measure, measure};

/// The largest reply file imported: a reply with every answer at its longest is far smaller.
pub const MAX_REPLY_BYTES: usize = 1 << 20;
/// The longest written answer taken, in characters (a few pages).
pub const MAX_ANSWER_CHARS: usize = 10_000;

fn refused(what: impl std::fmt::Display) -> crate::Error {
    PacketError::Refused(format!("{what}; nothing was imported")).into()
}

/// A reply as the participant's page wrote it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Reply {
    pub format: String,
    pub version: u32,
    pub packet: Uuid,
    pub token: String,
    pub answered_at: DateTime<Utc>,
    /// Question key → text or a number; absent or empty when not answered.
    #[serde(default)]
    pub answers: Map<String, Value>,
    /// Measure id → item key → the answer's value.
    #[serde(default)]
    pub measures: BTreeMap<String, Map<String, Value>>,
}

/// A reply file's bytes, at most one more than a reply may have (so that size refuses the rest).
pub(super) fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    let cannot = |e: std::io::Error| {
        crate::Error::invalid(format!(
            "cannot read {}: {e}; check the file's path; nothing was imported",
            path.display()
        ))
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(cannot)?
        .take(MAX_REPLY_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    Ok(bytes)
}

/// The plaintext of a reply file: the file is age, binary or armoured, to the practice's reply key.
pub(super) fn decrypt(bytes: &[u8], secret: &SecretString) -> Result<Vec<u8>> {
    if bytes.len() > MAX_REPLY_BYTES {
        return Err(refused(format_args!(
            "this file is larger than any reply (a reply is at most {} kB), so it is not a reply from a packet",
            MAX_REPLY_BYTES / 1024
        )));
    }
    let trimmed = bytes.trim_ascii_start();
    if !trimmed.starts_with(b"age-encryption.org/v1\n") && !trimmed.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----") {
        return Err(refused("this is not a reply from a packet: it is not an age-encrypted file"));
    }
    let identity = super::identity::identity(secret)?;
    let damaged =
        "the reply is damaged or was changed after it was written; ask the participant to send the file again";
    let decryptor = age::Decryptor::new(age::armor::ArmoredReader::new(trimmed)).map_err(|e| match e {
        age::DecryptError::UnknownFormat => {
            refused("this is not a reply from a packet: its age header is of an unknown version")
        }
        _ => refused(damaged),
    })?;
    if decryptor.is_scrypt() {
        return Err(refused(
            "this file is encrypted with a passphrase, not to this practice's reply key: it is not a reply from a packet",
        ));
    }
    let mut reader = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => refused(
            "this reply was encrypted for another practice (or another key): it does not answer a packet this practice wrote",
        ),
        _ => refused(damaged),
    })?;
    let mut plain = Vec::new();
    // The payload's every chunk is authenticated: a changed byte fails here.
    reader.by_ref().take(MAX_REPLY_BYTES as u64 + 1).read_to_end(&mut plain).map_err(|_| refused(damaged))?;
    if plain.len() > MAX_REPLY_BYTES {
        return Err(refused("the reply's content is larger than any packet's reply"));
    }
    Ok(plain)
}

/// The reply's JSON, its format and version checked.
pub(super) fn parse(plain: &[u8]) -> Result<Reply> {
    let reply: Reply = serde_json::from_slice(plain)
        .map_err(|e| refused(format_args!("the reply's content does not read as a check-in reply ({e})")))?;
    if reply.format != REPLY_FORMAT {
        return Err(refused(format_args!("the reply's content is a {:?}, not a check-in reply", reply.format)));
    }
    if reply.version != 1 {
        return Err(refused(format_args!(
            "the reply is of format version {}, which this Arcwell does not read; update Arcwell",
            reply.version
        )));
    }
    Ok(reply)
}

/// A reply's answers, each checked.
pub(super) struct Checked {
    /// Question key → a non-empty answer (text trimmed, or the scale's whole number).
    pub answers: BTreeMap<String, Value>,
    /// The measures answered (at least one item each), in the packet's order.
    pub measures: Vec<(&'static Measure, Map<String, Value>)>,
}

/// Every answer must be to a question or a measure of the packet, within its bounds.
pub(super) fn check(r: &Reply, questions: &[Question], measures: &[String]) -> Result<Checked> {
    let mut answers = BTreeMap::new();
    for (key, value) in &r.answers {
        let q = questions
            .iter()
            .find(|q| &q.key == key)
            .ok_or_else(|| refused(format_args!("the reply answers a question {key:?} its packet did not ask")))?;
        match (q.kind, value) {
            (_, Value::Null) => {}
            (QuestionKind::Text, Value::String(s)) => {
                if s.chars().count() > MAX_ANSWER_CHARS {
                    return Err(refused(format_args!(
                        "the answer to {:?} is longer than {MAX_ANSWER_CHARS} characters",
                        q.text
                    )));
                }
                let s = s.trim();
                if !s.is_empty() {
                    answers.insert(key.clone(), Value::String(s.to_owned()));
                }
            }
            (QuestionKind::Scale, Value::Number(n)) => {
                let n = n.as_i64().filter(|n| q.min.is_none_or(|m| *n >= m) && q.max.is_none_or(|m| *n <= m));
                let n = n.ok_or_else(|| {
                    refused(format_args!(
                        "the answer to {:?} is not a whole number from {} to {}",
                        q.text,
                        q.min.unwrap_or(0),
                        q.max.unwrap_or(0)
                    ))
                })?;
                answers.insert(key.clone(), Value::from(n));
            }
            _ => return Err(refused(format_args!("the answer to {:?} is not of the kind the question asks", q.text))),
        }
    }
    let mut out = Vec::new();
    for id in r.measures.keys() {
        if !measures.contains(id) {
            return Err(refused(format_args!("the reply answers a measure {id:?} its packet did not ask for")));
        }
    }
    for id in measures {
        let Some(items) = r.measures.get(id) else { continue };
        let m = measure(id)?;
        // The measure's own rules: items it has, values it offers.
        let scored = crate::measures::scoring::score(m, items).map_err(|e| refused(format_args!("{}: {e}", m.name)))?;
        if scored.answered > 0 {
            out.push((m, items.clone()));
        }
    }
    Ok(Checked { answers, measures: out })
}

/// The integration note's answers from a reply's, in the participant's words: the prompts and
/// "anything else" under *insights*, the rest in their own fields. `None` when nothing was written.
pub(super) fn note_answers(
    questions: &[Question],
    answers: &BTreeMap<String, Value>,
    day: &str,
) -> Option<Map<String, Value>> {
    if answers.is_empty() {
        return None;
    }
    let mut note = Map::new();
    let mut words = Vec::new();
    for q in questions.iter().filter(|q| q.key.starts_with('p') || q.key == "more") {
        if let Some(Value::String(a)) = answers.get(&q.key) {
            words.push(format!("{}\n{a}", q.text));
        }
    }
    if !words.is_empty() {
        note.insert(
            "insights".into(),
            Value::String(format!(
                "In the participant's words (their reply, imported {day}):\n\n{}",
                words.join("\n\n")
            )),
        );
    }
    for key in ["challenges", "support_needed", "wellbeing"] {
        if let Some(v) = answers.get(key) {
            note.insert(key.into(), v.clone());
        }
    }
    Some(note)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn questions() -> Vec<Question> {
        super::super::questions_for(&["How did you sleep?".into()])
    }

    fn reply(answers: Value, measures: Value) -> Reply {
        serde_json::from_value(serde_json::json!({
            "format": REPLY_FORMAT, "version": 1, "packet": Uuid::nil(), "token": "t",
            "answered_at": "2026-12-05T10:00:00Z", "answers": answers, "measures": measures,
        }))
        .unwrap()
    }

    fn refusal(e: crate::Error) -> String {
        match e.area::<PacketError>() {
            Some(PacketError::Refused(m)) => m.clone(),
            _ => panic!("not a refusal: {e}"),
        }
    }

    #[test]
    fn answers_must_be_to_the_packets_questions_and_within_bounds() {
        let q = questions();
        let m = vec!["phq9".to_owned()];
        let ok = check(
            &reply(serde_json::json!({"p1": " badly ", "wellbeing": 4, "more": ""}), serde_json::json!({})),
            &q,
            &m,
        )
        .unwrap();
        assert_eq!(ok.answers.get("p1"), Some(&Value::from("badly")), "trimmed");
        assert_eq!(ok.answers.get("wellbeing"), Some(&Value::from(4)));
        assert!(!ok.answers.contains_key("more"), "an empty answer is no answer");

        for (answers, measures, says) in [
            (serde_json::json!({"p9": "x"}), serde_json::json!({}), "did not ask"),
            (serde_json::json!({"wellbeing": 11}), serde_json::json!({}), "from 1 to 10"),
            (serde_json::json!({"wellbeing": 2.5}), serde_json::json!({}), "whole number"),
            (serde_json::json!({"p1": 3}), serde_json::json!({}), "not of the kind"),
            (serde_json::json!({"p1": "x".repeat(MAX_ANSWER_CHARS + 1)}), serde_json::json!({}), "longer than"),
            (serde_json::json!({}), serde_json::json!({"gad7": {"1": 1}}), "did not ask for"),
            (serde_json::json!({}), serde_json::json!({"phq9": {"1": 7}}), "PHQ-9"),
            (serde_json::json!({}), serde_json::json!({"phq9": {"42": 1}}), "PHQ-9"),
        ] {
            let e = check(&reply(answers, measures), &q, &m).err().expect(says);
            let text = refusal(e);
            assert!(text.contains(says) && text.ends_with("nothing was imported"), "{says}: {text}");
        }
    }

    #[test]
    fn the_note_holds_the_participants_words_under_each_question() {
        let q = questions();
        let answers: BTreeMap<String, Value> = [
            ("p1".to_owned(), Value::from("Poorly, then better")),
            ("more".to_owned(), Value::from("Thank you")),
            ("wellbeing".to_owned(), Value::from(6)),
            ("support_needed".to_owned(), Value::from("A call next week")),
        ]
        .into();
        let note = note_answers(&q, &answers, "5 December 2026").unwrap();
        assert_eq!(
            note["insights"],
            "In the participant's words (their reply, imported 5 December 2026):\n\nHow did you sleep?\nPoorly, then better\n\n\
             Is there anything else you would like me to know?\nThank you"
        );
        assert_eq!(note["wellbeing"], 6);
        assert_eq!(note["support_needed"], "A call next week");
        assert!(!note.contains_key("challenges"));
        assert!(note_answers(&q, &BTreeMap::new(), "x").is_none());
    }

    #[test]
    fn a_reply_that_is_not_json_of_ours_is_refused_by_name() {
        for (plain, says) in [
            (&b"not json"[..], "does not read as a check-in reply"),
            (br#"{"format":"x","version":1,"packet":"00000000-0000-0000-0000-000000000000","token":"t","answered_at":"2026-12-05T10:00:00Z"}"#, "not a check-in reply"),
            (br#"{"format":"arcwell-checkin-reply","version":2,"packet":"00000000-0000-0000-0000-000000000000","token":"t","answered_at":"2026-12-05T10:00:00Z"}"#, "update Arcwell"),
            (br#"{"format":"arcwell-checkin-reply","version":1,"packet":"00000000-0000-0000-0000-000000000000","token":"t","answered_at":"2026-12-05T10:00:00Z","extra":1}"#, "does not read"),
        ] {
            let text = refusal(parse(plain).expect_err(says));
            assert!(text.contains(says), "{says}: {text}");
        }
    }
}
