//! The Arcwell desktop app: a Tauri v2 shell over the `arcwell` core.
//!
//! This crate knows about windows and IPC and nothing else: every command is a thin adapter that
//! calls one core function and maps its error to `{ code, message }`.

#[cfg(test)]
mod command_map;
mod commands;
mod error;
mod lockwatch;
mod memory;
mod reminders;
mod rendering;
mod state;

use state::{AppState, Launch};
use tauri::Manager;

/// Builds and runs the app. Flags: `--demo` (or `ARCWELL_DEMO=1`) opens a fresh demo practice of
/// invented people; `--data-dir DIR` (or `ARCWELL_DATA_DIR`) picks the practice directory.
pub fn run() {
    // First, while this is the only thread: WebKit reads it when its web process starts.
    rendering::prefer_cpu_painting();
    // The app holds the database key and decrypted pages, its web process the screens: no core
    // file of either (the limit is inherited by the processes WebKit starts).
    if let Err(e) = arcwell::security::forbid_core_dumps() {
        eprintln!("arcwell-app: warning: {e}");
    }
    let launch = match Launch::from_env(std::env::args().skip(1)) {
        Ok(l) => l,
        Err(message) => {
            eprintln!("arcwell-app: {message}");
            std::process::exit(2);
        }
    };
    let instance = instance_id(&launch.data_dir);
    // While the app is built (its plugins connect to D-Bus then), the tokio runtime is current:
    // zbus 5 then runs its blocking steps on tokio's pool, not on a pool whose thread would wake
    // twice a second for as long as the app runs (Cargo.toml, zbus5). Left before the event loop.
    let runtime = tauri::async_runtime::handle();
    let entered = runtime.inner().enter();
    let app = tauri::Builder::default()
        // First, so that a second launch on this practice hands over to the running app and exits.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance)
                .callback(|app, _args, _cwd| reminders::show_main(app))
                .build(),
        )
        .plugin(tauri_plugin_opener::init())
        .manage(AppState::new(launch))
        .setup(|app| {
            let handle = app.handle();
            // First: the practice opens (and Today's pages are read) while WebKit starts.
            handle.state::<AppState>().open_in_background();
            let tray = reminders::tray(handle);
            reminders::start(handle, tray);
            lockwatch::start(handle);
            Ok(())
        })
        .on_window_event(|window, event| {
            // With a tray (and the setting on), closing the window keeps Arcwell running so reminders keep coming.
            if let tauri::WindowEvent::CloseRequested { api, .. } = event
                && window.app_handle().state::<AppState>().hides_on_close()
            {
                api.prevent_close();
                let _ = window.hide();
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::practice::startup_mark,
            commands::practice::app_status,
            commands::practice::unlock_with_pin,
            commands::practice::set_unlock_pin,
            commands::practice::has_unlock_pin,
            commands::practice::setup,
            commands::practice::unlock,
            commands::practice::lock_practice,
            commands::security::audit_entries,
            commands::security::verify_audit,
            commands::security::reanchor_audit,
            commands::security::security_settings,
            commands::security::save_security_settings,
            commands::security::change_passphrase,
            commands::security::rotate_key,
            commands::security::repair_practice_file,
            commands::security::past_retention,
            commands::security::purge_participant,
            commands::backups::backup_settings,
            commands::backups::save_backup_settings,
            commands::backups::backup_now,
            commands::backups::backup_health,
            commands::backups::verify_backup,
            commands::backups::restore_backup,
            commands::backups::restore_new_practice,
            commands::measures::measures_library,
            commands::measures::arc_measures,
            commands::measures::give_measure,
            commands::measures::withdraw_measure_response,
            commands::measures::practice_insight,
            commands::exports::export_defaults,
            commands::exports::export_record,
            commands::exports::export_csv,
            commands::exports::export_calendar,
            commands::exports::export_fhir,
            commands::packets::packet_make,
            commands::packets::packet_import,
            commands::packets::arc_packets,
            commands::retreats::list_retreats,
            commands::retreats::create_retreat,
            commands::retreats::edit_retreat,
            commands::retreats::retreat_view,
            commands::retreats::add_retreat_members,
            commands::retreats::remove_retreat_member,
            commands::retreats::schedule_group_dosing,
            commands::retreats::open_dosing_day,
            commands::retreats::dosing_day_grid,
            commands::retreats::record_now,
            commands::retreats::end_dosing_day,
            commands::retreats::export_retreat_calendar,
            commands::retreats::export_retreat_roster,
            commands::retreats::shift_arc,
            commands::retreats::pause_arc,
            commands::retreats::resume_arc,
            commands::retreats::switch_arc_plan,
            commands::retreats::add_checkin_series,
            commands::practice::practice_status,
            commands::practice::get_profile,
            commands::practice::save_profile,
            commands::participants::list_participants,
            commands::participants::get_participant,
            commands::participants::add_participant,
            commands::participants::edit_participant,
            commands::arcs::open_arc,
            commands::arcs::advance_arc,
            commands::arcs::get_arc,
            commands::arcs::arcs_in_phase,
            commands::sessions::schedule_session,
            commands::sessions::complete_session,
            commands::sessions::cancel_session,
            commands::sessions::mark_no_show,
            commands::integration::dashboard,
            commands::integration::list_plans,
            commands::integration::save_plan,
            commands::integration::set_arc_plan,
            commands::integration::move_plan_step,
            commands::integration::set_arc_approaches,
            commands::integration::get_checkin,
            commands::integration::complete_checkin,
            commands::integration::skip_checkin,
            commands::integration::reschedule_checkin,
            commands::integration::add_checkin,
            commands::integration::checkin_outreach,
            commands::integration::open_outreach_in_mail,
            commands::integration::add_milestone,
            commands::integration::set_milestone_status,
            commands::integration::list_alerts,
            commands::integration::acknowledge_alert,
            commands::integration::snooze_alert,
            commands::reminders::notifications,
            commands::reminders::unread_notifications,
            commands::reminders::mark_notifications_read,
            commands::reminders::reminder_settings,
            commands::reminders::save_reminder_settings,
            commands::reminders::run_reminders_now,
            commands::documents::list_templates,
            commands::documents::get_template,
            commands::documents::save_template,
            commands::documents::copy_template,
            commands::documents::list_template_packs,
            commands::documents::set_template_pack,
            commands::documents::checkin_document,
            commands::documents::session_document,
            commands::documents::add_document,
            commands::documents::save_draft,
            commands::documents::sign_document,
            commands::documents::amend_document,
            commands::documents::withdraw_consent,
            commands::documents::get_document,
            commands::documents::list_documents,
            commands::documents::list_screening_flags,
            commands::documents::acknowledge_flag,
            commands::documents::search,
        ])
        .build(tauri::generate_context!());
    drop(entered);
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("arcwell-app: the window could not start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        // Quitting (the tray's Quit, or the window closed where there is no tray) ends the process
        // without dropping what the app manages: close the practice here, which brings its audit
        // anchor up to the trail's head (it otherwise follows commits at most every few seconds).
        if let tauri::RunEvent::Exit = event {
            app.state::<AppState>().release();
        }
    });
}

/// One running app per practice: the demo and a real practice may run side by side, two windows on
/// the same practice may not. A D-Bus name element: letters, digits and `_` only.
fn instance_id(data_dir: &std::path::Path) -> String {
    use std::hash::{Hash, Hasher};
    let dir = data_dir.canonicalize().unwrap_or_else(|_| data_dir.to_path_buf());
    let mut h = std::collections::hash_map::DefaultHasher::new();
    dir.hash(&mut h);
    format!("org.arcwell.app.practice_{:016x}", h.finish())
}
