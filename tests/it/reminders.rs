//! The reminder scheduler against a real encrypted practice, with an injected clock that can jump
//! like a suspended laptop, and a notifier that records what it was asked to show.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use arcwell::Practice;
use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::participant::ParticipantInput;
use arcwell::integration::checkin::{AddCheckIn, CompleteCheckIn};
use arcwell::reminders::{
    Clock, Command, Lateness, Notice, Notifier, OsOutcome, QuietHours, ReminderSettings, SchedulerHandle, Status,
    scheduler,
};
use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;
use uuid::Uuid;

use crate::support::{Fixture, now};

/// A wall clock the test moves. `advance` is time passing (sleepers whose instant has come wake);
/// `suspend` moves it without waking anyone, as tokio's timers stop in a suspended laptop;
/// `resume` then wakes the sleepers, as the kernel does on resume.
struct ManualClock {
    now: Mutex<DateTime<Utc>>,
    wake: watch::Sender<u64>,
}

impl ManualClock {
    fn at(t: DateTime<Utc>) -> Arc<Self> {
        Arc::new(Self { now: Mutex::new(t), wake: watch::channel(0).0 })
    }
    fn advance(&self, d: Duration) {
        *self.now.lock().unwrap() += d;
        self.wake.send_modify(|n| *n += 1);
    }
    fn suspend(&self, d: Duration) {
        *self.now.lock().unwrap() += d;
    }
    fn resume(&self) {
        self.wake.send_modify(|n| *n += 1);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap()
    }
    async fn sleep_until(&self, deadline: DateTime<Utc>) {
        let mut woken = self.wake.subscribe();
        while self.now() < deadline {
            if woken.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

/// Records every notification; `failing` makes it refuse like a machine with no notification service.
#[derive(Default)]
struct Recorder {
    shown: Mutex<Vec<Notice>>,
    failing: bool,
    /// Never answers the first call, like a wedged notification service.
    hangs_once: std::sync::atomic::AtomicBool,
}

impl Notifier for Recorder {
    async fn show(&self, notice: &Notice) -> Result<(), String> {
        self.shown.lock().unwrap().push(notice.clone());
        if self.hangs_once.swap(false, std::sync::atomic::Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
        if self.failing { Err("org.freedesktop.Notifications was not provided".into()) } else { Ok(()) }
    }
}

impl Recorder {
    fn titles(&self) -> Vec<String> {
        self.shown.lock().unwrap().iter().map(|n| n.title.clone()).collect()
    }
}

/// A practice with quiet hours off (unless a test turns them on) and one arc in integration.
fn practice() -> (Fixture, Practice, Uuid) {
    let (fx, mut p) = Fixture::new();
    let mut s = p.reminders().settings().unwrap();
    s.quiet_hours = None;
    p.reminders().update_settings(&s).unwrap();
    let arc = arc_for(&mut p, "Odile Marchetti");
    (fx, p, arc)
}

fn arc_for(p: &mut Practice, name: &str) -> Uuid {
    let pid = p.participants().add(&ParticipantInput { name: name.into(), ..Default::default() }, now()).unwrap().id;
    let arc = p.open_arc(&OpenArc { participant_id: pid, intention: None, plan_id: None }, now()).unwrap().id;
    for to in [Phase::Preparation, Phase::Administration, Phase::Integration] {
        p.advance_arc(arc, &AdvanceArc { to, reason: None }, now()).unwrap();
    }
    arc
}

fn add(p: &mut Practice, arc: Uuid, at: DateTime<Utc>, purpose: &str) -> Uuid {
    let input = AddCheckIn { arc_id: arc, at: at.to_rfc3339(), purpose: purpose.into(), prompts: vec![] };
    p.checkins().add(&input, now()).unwrap().id
}

struct Running {
    handle: SchedulerHandle,
    status: watch::Receiver<Status>,
    task: tokio::task::JoinHandle<()>,
}

fn start(source: &Arc<Mutex<Practice>>, clock: &Arc<ManualClock>, notifier: &Arc<Recorder>) -> Running {
    let (handle, task) = scheduler(Arc::clone(source), Arc::clone(clock), Arc::clone(notifier));
    let status = handle.status();
    Running { handle, status, task: tokio::spawn(task) }
}

impl Running {
    /// Waits (at most 10 s of real time) until the published status satisfies `ok`.
    async fn until(&mut self, what: &str, ok: impl Fn(&Status) -> bool) -> Status {
        let waited = tokio::time::timeout(StdDuration::from_secs(10), self.status.wait_for(|s| ok(s)))
            .await
            .ok()
            .and_then(Result::ok)
            .map(|s| s.clone());
        match waited {
            Some(s) => s,
            None => panic!("timed out waiting for: {what}; last status {:?}", *self.status.borrow()),
        }
    }

    /// Waits until the scheduler has settled after `ticks` ticks.
    async fn ticked(&mut self, ticks: u64) -> Status {
        self.until(&format!("{ticks} ticks"), |s| s.ticks >= ticks).await
    }

    async fn stop(self) {
        self.handle.send(Command::Stop);
        self.task.await.unwrap();
    }
}

fn lateness(p: &Mutex<Practice>) -> Vec<(String, Option<Lateness>)> {
    let mut p = p.lock().unwrap();
    let mut out: Vec<_> = p
        .reminders()
        .notifications(100)
        .unwrap()
        .into_iter()
        .flat_map(|n| n.items.into_iter().map(|i| (i.purpose, i.late)))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[tokio::test]
async fn with_nothing_due_it_ticks_once_and_then_sleeps_without_waking() {
    let (_fx, p, _arc) = practice();
    let source = Arc::new(Mutex::new(p));
    let clock = ManualClock::at(now());
    let notifier = Arc::new(Recorder::default());
    let mut run = start(&source, &clock, &notifier);
    let s = run.ticked(1).await;
    assert_eq!((s.next_wake, s.delivered), (None, 0), "nothing due: no wake-up planned");
    for _ in 0..5 {
        clock.advance(Duration::days(30));
    }
    tokio::time::sleep(StdDuration::from_millis(200)).await;
    assert_eq!(run.status.borrow().ticks, 1, "five months passed with nothing due and it never woke");
    run.stop().await;
}

#[tokio::test]
async fn a_checkin_is_delivered_at_its_due_time_once_without_names_by_default() {
    let (_fx, mut p, arc) = practice();
    let due = now() + Duration::minutes(10);
    add(&mut p, arc, due, "After the family visit");
    let source = Arc::new(Mutex::new(p));
    let clock = ManualClock::at(now());
    let notifier = Arc::new(Recorder::default());
    let mut run = start(&source, &clock, &notifier);

    let s = run.ticked(1).await;
    assert_eq!((s.next_wake, s.delivered), (Some(due), 0), "it sleeps until the check-in is due");
    clock.advance(Duration::minutes(9));
    tokio::time::sleep(StdDuration::from_millis(100)).await;
    assert_eq!(run.status.borrow().ticks, 1, "a minute early: still asleep");
    clock.advance(Duration::minutes(1));
    let s = run.until("the notification", |s| s.delivered == 1).await;
    let (notice, os) = s.last.unwrap();
    assert_eq!(os, OsOutcome::Shown);
    assert_eq!(notice.title, "1 check-in due");
    assert_eq!(notice.body, "Open Arcwell to see who.");
    assert!(!notice.body.contains("Odile") && !notice.title.contains("Odile"), "no names by default");

    // More time passes and the app is nudged: the same check-in is never delivered again.
    clock.advance(Duration::hours(5));
    run.handle.send(Command::RunNow);
    run.ticked(3).await;
    assert_eq!(notifier.titles(), ["1 check-in due"]);

    let centre = source.lock().unwrap().reminders().notifications(10).unwrap();
    assert_eq!(centre.len(), 1);
    assert_eq!((centre[0].os_outcome, centre[0].read), (OsOutcome::Shown, false));
    assert_eq!(centre[0].items[0].participant_name, "Odile Marchetti", "the in-app centre names who");
    assert_eq!(centre[0].items[0].late, None, "delivered on time");
    assert_eq!(source.lock().unwrap().reminders().unread().unwrap(), 1);
    run.stop().await;
}

#[tokio::test]
async fn names_appear_only_when_the_setting_allows() {
    let (_fx, mut p, arc) = practice();
    let mut s = p.reminders().settings().unwrap();
    s.show_names = true;
    p.reminders().update_settings(&s).unwrap();
    add(&mut p, arc, now() - Duration::minutes(1), "Two weeks on");
    let source = Arc::new(Mutex::new(p));
    let notifier = Arc::new(Recorder::default());
    let mut run = start(&source, &ManualClock::at(now()), &notifier);
    let s = run.until("delivery", |s| s.delivered == 1).await;
    assert_eq!(s.last.unwrap().0.body, "Odile Marchetti: check-in");
    run.stop().await;
}

#[tokio::test]
async fn three_checkins_across_a_two_hour_suspend_arrive_once_on_waking_marked_as_missed_asleep() {
    let (_fx, mut p, arc) = practice();
    let other = arc_for(&mut p, "Bram Okonkwo");
    add(&mut p, arc, now() + Duration::minutes(20), "a");
    add(&mut p, other, now() + Duration::minutes(50), "b");
    add(&mut p, arc, now() + Duration::minutes(90), "c");
    let source = Arc::new(Mutex::new(p));
    let clock = ManualClock::at(now());
    let notifier = Arc::new(Recorder::default());
    let mut run = start(&source, &clock, &notifier);
    run.ticked(1).await;

    clock.suspend(Duration::hours(2));
    tokio::time::sleep(StdDuration::from_millis(200)).await;
    assert!(notifier.titles().is_empty(), "nothing happens while the laptop sleeps");
    clock.resume();
    let s = run.until("delivery on resume", |s| s.delivered == 1).await;
    let notice = s.last.unwrap().0;
    assert_eq!(notice.title, "3 check-ins due");
    assert!(notice.body.contains("3 came due while the computer was asleep."), "{}", notice.body);
    assert_eq!(
        lateness(&source),
        [
            ("a".into(), Some(Lateness::Asleep)),
            ("b".into(), Some(Lateness::Asleep)),
            ("c".into(), Some(Lateness::Asleep))
        ]
    );
    clock.advance(Duration::days(1));
    run.handle.send(Command::RunNow);
    run.ticked(s.ticks + 1).await;
    assert_eq!(notifier.titles(), ["3 check-ins due"], "each delivered exactly once");
    run.stop().await;
}

#[tokio::test]
async fn after_a_restart_nothing_is_repeated_and_nothing_is_lost() {
    let (_fx, mut p, arc) = practice();
    add(&mut p, arc, now() + Duration::minutes(5), "first");
    add(&mut p, arc, now() + Duration::hours(1), "second");
    add(&mut p, arc, now() + Duration::hours(3), "third");
    let source = Arc::new(Mutex::new(p));
    let clock = ManualClock::at(now());
    let notifier = Arc::new(Recorder::default());

    let mut run = start(&source, &clock, &notifier);
    run.ticked(1).await;
    clock.advance(Duration::minutes(5));
    run.until("the first", |s| s.delivered == 1).await;
    run.stop().await;

    // The app is closed for two hours, then started again.
    clock.advance(Duration::hours(2));
    let mut again = start(&source, &clock, &notifier);
    let s = again.until("what came due while closed", |s| s.delivered == 1).await;
    assert_eq!(s.last.unwrap().0.title, "1 check-in due", "only the second: the first is not repeated");
    assert_eq!(s.next_wake, Some(now() + Duration::hours(3)), "and the third is still ahead");
    clock.advance(now() + Duration::hours(3) - clock.now());
    again.until("the third", |s| s.delivered == 2).await;
    again.stop().await;

    assert_eq!(notifier.titles(), ["1 check-in due", "1 check-in due", "1 check-in due"]);
    assert_eq!(
        lateness(&source),
        [("first".into(), None), ("second".into(), Some(Lateness::NotRunning)), ("third".into(), None)]
    );
}

#[tokio::test]
async fn quiet_hours_hold_checkins_until_they_end() {
    let (_fx, mut p, arc) = practice();
    p.reminders()
        .update_settings(&ReminderSettings {
            quiet_hours: Some(QuietHours { start: "21:00".into(), end: "08:00".into() }),
            show_names: false,
            keep_in_tray: true,
        })
        .unwrap();
    // 25 November 2026 in Berlin (UTC+1): 20:00 local is 19:00 UTC; due at 22:30 local.
    let evening = DateTime::parse_from_rfc3339("2026-11-25T19:00:00Z").unwrap().with_timezone(&Utc);
    add(&mut p, arc, evening + Duration::minutes(150), "late evening");
    let source = Arc::new(Mutex::new(p));
    let clock = ManualClock::at(evening);
    let notifier = Arc::new(Recorder::default());
    let mut run = start(&source, &clock, &notifier);
    run.ticked(1).await;

    clock.advance(Duration::minutes(150));
    let s = run.ticked(2).await;
    assert_eq!((s.delivered, s.held), (0, 1), "due at 22:30, inside quiet hours: held");
    let morning = DateTime::parse_from_rfc3339("2026-11-26T07:00:00Z").unwrap().with_timezone(&Utc);
    assert_eq!(s.next_wake, Some(morning), "it sleeps until 08:00 local");
    clock.advance(morning - clock.now() - Duration::minutes(1));
    tokio::time::sleep(StdDuration::from_millis(100)).await;
    assert_eq!(run.status.borrow().delivered, 0, "07:59: still quiet");
    clock.advance(Duration::minutes(1));
    let s = run.until("delivery at 08:00", |s| s.delivered == 1).await;
    assert!(s.last.unwrap().0.body.contains("1 came due during quiet hours."));
    assert_eq!(lateness(&source), [("late evening".into(), Some(Lateness::QuietHours))]);
    run.stop().await;
}

#[tokio::test]
async fn changes_while_it_sleeps_move_its_next_wake_up() {
    let (_fx, mut p, arc) = practice();
    let later = add(&mut p, arc, now() + Duration::hours(2), "later");
    let source = Arc::new(Mutex::new(p));
    let clock = ManualClock::at(now());
    let notifier = Arc::new(Recorder::default());
    let mut run = start(&source, &clock, &notifier);
    assert_eq!(run.ticked(1).await.next_wake, Some(now() + Duration::hours(2)));

    // Added: a check-in sooner than the one it sleeps for.
    let sooner = add(&mut source.lock().unwrap(), arc, now() + Duration::minutes(30), "sooner");
    run.handle.data_changed();
    assert_eq!(run.ticked(2).await.next_wake, Some(now() + Duration::minutes(30)));

    // Moved: the sooner one is rescheduled to after the later one.
    source
        .lock()
        .unwrap()
        .checkins()
        .reschedule(sooner, &(now() + Duration::hours(4)).to_rfc3339(), None, now())
        .unwrap();
    run.handle.data_changed();
    assert_eq!(run.ticked(3).await.next_wake, Some(now() + Duration::hours(2)));

    // Completed before it was due: never delivered.
    source
        .lock()
        .unwrap()
        .checkins()
        .complete(
            later,
            &CompleteCheckIn { note: "Called early; sleeping well".into(), contacted_at: None, document_id: None },
            now(),
        )
        .unwrap();
    run.handle.data_changed();
    assert_eq!(run.ticked(4).await.next_wake, Some(now() + Duration::hours(4)));
    clock.advance(Duration::hours(4));
    let s = run.until("the moved check-in", |s| s.delivered == 1).await;
    assert_eq!(s.last.unwrap().0.title, "1 check-in due");
    assert_eq!(lateness(&source), [("sooner".into(), None)], "the completed one was never delivered");
    run.stop().await;
}

#[tokio::test]
async fn without_a_notification_service_the_centre_still_gets_every_reminder() {
    let (_fx, mut p, arc) = practice();
    add(&mut p, arc, now() - Duration::minutes(5), "one");
    add(&mut p, arc, now() + Duration::minutes(5), "two");
    let source = Arc::new(Mutex::new(p));
    let clock = ManualClock::at(now());
    let notifier = Arc::new(Recorder { failing: true, ..Default::default() });
    let mut run = start(&source, &clock, &notifier);
    run.until("first", |s| s.delivered == 1).await;
    clock.advance(Duration::minutes(5));
    let s = run.until("second", |s| s.delivered == 2).await;
    assert_eq!(s.last.unwrap().1, OsOutcome::Unavailable);
    assert_eq!(s.error, None, "not an error for the user");
    let centre = source.lock().unwrap().reminders().notifications(10).unwrap();
    assert_eq!(centre.iter().map(|n| n.os_outcome).collect::<Vec<_>>(), [OsOutcome::Unavailable; 2]);
    assert_eq!(source.lock().unwrap().reminders().mark_read(clock.now()).unwrap(), 2);
    assert_eq!(source.lock().unwrap().reminders().unread().unwrap(), 0);
    run.stop().await;
}

#[tokio::test]
async fn a_rescheduled_checkin_is_due_anew_at_its_new_time() {
    let (_fx, mut p, arc) = practice();
    let id = add(&mut p, arc, now() - Duration::minutes(1), "moved");
    let source = Arc::new(Mutex::new(p));
    let clock = ManualClock::at(now());
    let notifier = Arc::new(Recorder::default());
    let mut run = start(&source, &clock, &notifier);
    run.until("first delivery", |s| s.delivered == 1).await;
    source.lock().unwrap().checkins().reschedule(id, &(now() + Duration::days(2)).to_rfc3339(), None, now()).unwrap();
    run.handle.data_changed();
    assert_eq!(run.ticked(2).await.next_wake, Some(now() + Duration::days(2)));
    clock.advance(Duration::days(2));
    run.until("delivery at the new time", |s| s.delivered == 2).await;
    let centre = source.lock().unwrap().reminders().notifications(10).unwrap();
    assert_eq!(centre.len(), 2);
    assert!(centre[0].items[0].still_due && !centre[1].items[0].still_due, "the old time is no longer the due one");
    run.stop().await;
}

#[tokio::test]
async fn a_notification_service_that_never_answers_does_not_stop_later_reminders() {
    let (_fx, mut p, arc) = practice();
    add(&mut p, arc, now() - Duration::minutes(1), "first");
    add(&mut p, arc, now() + Duration::minutes(5), "second");
    let source = Arc::new(Mutex::new(p));
    let clock = ManualClock::at(now());
    let notifier = Arc::new(Recorder { hangs_once: true.into(), ..Default::default() });
    let mut run = start(&source, &clock, &notifier);
    // The first call hangs; after SHOW_TIMEOUT (10 s of real time) it counts as not shown.
    let s = tokio::time::timeout(StdDuration::from_secs(30), run.status.wait_for(|s| s.delivered == 1))
        .await
        .unwrap()
        .unwrap()
        .clone();
    assert_eq!(s.last.unwrap().1, OsOutcome::Unavailable);
    clock.advance(Duration::minutes(5));
    let s = run.until("the next reminder", |s| s.delivered == 2).await;
    assert_eq!(s.last.unwrap().1, OsOutcome::Shown);
    run.stop().await;
}

#[tokio::test]
async fn a_burst_of_changes_is_one_tick() {
    let (_fx, p, _arc) = practice();
    let source = Arc::new(Mutex::new(p));
    let notifier = Arc::new(Recorder::default());
    let mut run = start(&source, &ManualClock::at(now()), &notifier);
    run.ticked(1).await;
    // Sent without yielding: on this single-threaded runtime all five are queued before it runs.
    for _ in 0..5 {
        run.handle.data_changed();
    }
    run.ticked(2).await;
    tokio::time::sleep(StdDuration::from_millis(200)).await;
    assert_eq!(run.status.borrow().ticks, 2, "five changes, one tick");
    run.stop().await;
}

#[tokio::test]
async fn the_scheduler_runs_automatic_backups_when_due_after_a_change_and_sleeps_otherwise() {
    use arcwell::backup::auto::{AutoBackupInput, AutoOutcome};
    let (_fx, mut p, _arc) = practice();
    let folder = tempfile::tempdir().unwrap();
    let input = AutoBackupInput {
        enabled: true,
        folder: Some(folder.path().to_str().unwrap().to_owned()),
        every_hours: Some(24),
        passphrase: Some("harbour lantern seven gulls".into()),
        ..Default::default()
    };
    p.backups().save_auto_settings(&input, now()).unwrap();
    let count = || std::fs::read_dir(folder.path()).unwrap().count();
    let source = Arc::new(Mutex::new(p));
    let clock = ManualClock::at(now());
    let mut run = start(&source, &clock, &Arc::new(Recorder::default()));

    let s = run.until("the first backup", |s| s.backups == 1).await;
    assert!(matches!(s.last_backup, Some(AutoOutcome::Written { .. })), "{:?}", s.last_backup);
    assert_eq!(s.next_wake, None, "after a backup, with nothing changed and nothing due, it sleeps until told");
    assert_eq!(count(), 1);

    source
        .lock()
        .unwrap()
        .participants()
        .add(&ParticipantInput { name: "Ilse Brandvold".into(), ..Default::default() }, now())
        .unwrap();
    run.handle.data_changed();
    let s = run.ticked(2).await;
    assert_eq!(
        s.next_wake,
        Some(now() + Duration::hours(24)),
        "a change makes the next backup due a day after the last"
    );
    assert_eq!(s.backups, 1, "not before it is due");

    clock.advance(Duration::hours(24));
    let s = run.until("the second backup", |s| s.backups == 2).await;
    assert_eq!(s.next_wake, None);
    assert_eq!(count(), 2, "a day later, with a change, the second backup is written");
    assert!(!source.lock().unwrap().backups().health(clock.now()).unwrap().stale);
    run.stop().await;
}

#[tokio::test]
async fn a_paused_arcs_check_in_waits_for_the_pause_to_end_and_is_told_of_once() {
    let (_fx, mut p, arc) = practice();
    let due = now() + Duration::minutes(10);
    add(&mut p, arc, due, "After the retreat");
    // Paused through tomorrow (Berlin): the pause ends at midnight of 2026-11-27, 23:00 UTC on the 26th.
    p.schedules().pause(arc, Some("2026-11-26"), Some("asked for a quiet week"), now()).unwrap();
    let pause_ends: DateTime<Utc> = "2026-11-26T23:00:00Z".parse().unwrap();
    let source = Arc::new(Mutex::new(p));
    let clock = ManualClock::at(now());
    let notifier = Arc::new(Recorder::default());
    let mut run = start(&source, &clock, &notifier);

    let s = run.ticked(1).await;
    assert_eq!(s.next_wake, Some(due), "it still wakes at the due time");
    clock.advance(Duration::minutes(10));
    let s = run.ticked(2).await;
    assert_eq!(s.delivered, 0, "paused: nothing told of at the due time");
    assert_eq!(s.next_wake, Some(pause_ends), "it sleeps until the pause ends");
    clock.advance(pause_ends - now() - Duration::minutes(10));
    let s = run.until("the notification once the pause ends", |s| s.delivered == 1).await;
    assert_eq!(s.last.unwrap().0.title, "1 check-in due");
    run.stop().await;
}
