//! The unlock PIN (issue 23.4): after an in-session lock the practice opens with the PIN (a few
//! tries) or the recovery passphrase; the PIN opens it from the sealed key the lock left, never
//! from the keychain.

use arcwell::domain::participant::ParticipantInput;
use arcwell::key::Passphrase;
use arcwell::store::audit::{AuditQuery, LockReason};
use arcwell::store::pin::PIN_TRIES;
use arcwell::{ErrorCode, KeySource, Keychain};

use crate::support::{Fixture, PASSPHRASE, now};

const PIN: &str = "482916";

fn actions(p: &mut arcwell::Practice, n: u32) -> Vec<String> {
    p.audit()
        .entries(&AuditQuery { limit: n, ..Default::default() })
        .unwrap()
        .into_iter()
        .map(|e| format!("{} {}", e.action, e.detail.unwrap_or_default()))
        .collect()
}

#[test]
fn a_pin_set_with_the_passphrase_opens_the_practice_after_a_lock_a_few_tries_at_most() {
    let (fx, mut p) = Fixture::new();
    p.participants().add(&ParticipantInput { name: "Ilse Marrow".into(), ..Default::default() }, now()).unwrap();
    assert!(p.unlock_pin().lock().unwrap().is_none(), "no PIN: a lock leaves nothing for one");
    let wrong = p.unlock_pin().set(&Passphrase::new("not the passphrase"), Some(PIN)).unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::WrongPassphrase, "setting a PIN needs the recovery passphrase");
    let short = p.unlock_pin().set(&Passphrase::new(PASSPHRASE), Some("123")).unwrap_err();
    assert!(short.to_string().contains("4 to 64 characters"), "{short}");
    assert!(!p.unlock_pin().is_set().unwrap());
    p.unlock_pin().set(&Passphrase::new(PASSPHRASE), Some(PIN)).unwrap();
    assert!(p.unlock_pin().is_set().unwrap());
    assert_eq!(actions(&mut p, 1), ["update unlock pin set"]);
    let before = p.backups().content_digest().unwrap()["participant"].clone();

    let mut locked = p.unlock_pin().lock().unwrap().expect("a PIN: the lock leaves the sealed key");
    p.lock(LockReason::ByHand).unwrap();
    for left in (1..PIN_TRIES).rev() {
        let e = locked.unlock("000000").unwrap_err();
        assert_eq!(e.code(), ErrorCode::WrongPassphrase);
        assert!(e.to_string().contains(&format!("{left} more tries")), "{e}");
    }
    let last = locked.unlock("000001").unwrap_err();
    assert_eq!(last.code(), ErrorCode::PassphraseRequired, "{last}");
    let refused = locked.unlock(PIN).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::PassphraseRequired, "once the tries are used even the right PIN is refused");
    assert_eq!(locked.tries_left(), 0);

    // The recovery passphrase still opens it; the wrong PINs are in the trail.
    let mut p = fx.reopen();
    assert_eq!(p.backups().content_digest().unwrap()["participant"], before);
    let recent = actions(&mut p, 8);
    assert_eq!(recent.iter().filter(|a| a.starts_with("unlock_failed") && a.contains("pin")).count(), 5, "{recent:?}");

    // A fresh lock gives fresh tries, and the right PIN opens it from the sealed key alone.
    let mut locked = p.unlock_pin().lock().unwrap().unwrap();
    p.lock(LockReason::Idle).unwrap();
    assert_eq!(locked.unlock("999999").unwrap_err().code(), ErrorCode::WrongPassphrase);
    let mut p = locked.unlock(PIN).unwrap();
    assert_eq!(p.key_source(), KeySource::Pin);
    assert_eq!(p.backups().content_digest().unwrap()["participant"], before);
    assert!(actions(&mut p, 3)[0].starts_with("unlock pin"), "{:?}", actions(&mut p, 3));
    assert!(p.audit().verify().unwrap().is_intact());
}

#[test]
fn the_pin_follows_a_key_rotation_and_goes_when_removed() {
    let (_fx, mut p) = Fixture::new();
    p.unlock_pin().set(&Passphrase::new(PASSPHRASE), Some(PIN)).unwrap();
    p.rotate_key(&Passphrase::new(PASSPHRASE), &Keychain::Off).unwrap();
    let mut locked = p.unlock_pin().lock().unwrap().unwrap();
    p.lock(LockReason::ByHand).unwrap();
    let mut p = locked.unlock(PIN).expect("the key sealed for the PIN is the rotated one");
    p.unlock_pin().set(&Passphrase::new(PASSPHRASE), None).unwrap();
    assert!(!p.unlock_pin().is_set().unwrap());
    assert!(p.unlock_pin().lock().unwrap().is_none(), "no PIN: after a lock only the recovery passphrase opens it");
    assert_eq!(actions(&mut p, 1), ["update unlock pin removed"]);
}
