//! Tauri's build step: embeds tauri.conf.json, the capability files and the icons, and declares
//! the app's commands so that each must be allowed by name in a capability (least privilege).
fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "inventory_collect",
            "inventory_current",
            "snapshot_list",
            "snapshot_save",
            "snapshot_view",
            "snapshot_diff",
            "inventory_export",
            "machine_health",
            "system_info_preview",
            "attachment_add",
            "attachment_screenshot",
            "ticket_categories",
            "ticket_create",
            "ticket_list",
            "ticket_thread",
            "ticket_reply",
            "kb_search",
            "kb_categories",
            "kb_articles",
            "kb_article",
            "settings_get",
            "settings_save",
            "connection_test",
            "sync_status",
            "sync_now",
            "os_locale",
            "diagnostics",
            "log_tail",
            "open_log_folder",
            "ui_ready",
        ]),
    ))
    .expect("tauri build step");
}
