//! The admin section: the site register of the store's `site` module, reachable from the app.
//!
//! * Machines of the site: import inventory files picked in a dialog (native JSON, GLPI JSON,
//!   OCS/FusionInventory XML; all parsed before anything is written, one transaction), list and
//!   search with filters, a machine's detail (its newest inventory) and history.
//! * Hand-entered assets: list with filters, add, edit (status included).
//! * Export: one GLPI JSON file per machine into a folder picked in a dialog; the CSV of the
//!   register and the printable HTML report (French or English) through a save dialog.
//! * Labels of hand-entered assets: the QR label as SVG for display, and the printable HTML
//!   sheet of one or several assets through a save dialog.
//!
//! Commands stay thin: the store does the work (matching, journal, transactions) and
//! `guichet-site` renders the exports, exactly as for the command line. Offline bundles are in
//! [`crate::bundles`], the scheduled agent in [`crate::agent`].

use chrono::{DateTime, NaiveDate, Utc};

use guichet_inventory::import::import_file;
use guichet_site::report;
use guichet_store::{
    Asset, AssetFilter, AssetPatch, AssetStatus, MachineFilter, NewAsset, SiteImport, SiteMachine,
    SiteSnapshotMeta,
};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{AppError, AppResult, ErrorCode};
use crate::state::AppState;
use crate::view::{self, InventoryView};

/// A machine of the register, as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MachineRow {
    /// Local number.
    pub id: u32,
    /// Host name.
    pub hostname: String,
    /// OS full name.
    pub os: Option<String>,
    /// Physical memory, bytes.
    pub ram_bytes: Option<u64>,
    /// Manufacturer and model.
    pub model: Option<String>,
    /// Serial number.
    pub serial: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// Newest inventory's collection time.
    pub last_seen: DateTime<Utc>,
    /// Snapshots in its history.
    pub snapshot_count: u32,
    /// Software packages in its newest inventory.
    pub software_count: u32,
    /// Packages that matched the software filter, `name version`.
    pub matched_software: Vec<String>,
}

impl From<SiteMachine> for MachineRow {
    fn from(m: SiteMachine) -> Self {
        let model = [m.vendor.as_deref(), m.model.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        MachineRow {
            id: m.id as u32,
            hostname: m.hostname,
            os: m.os,
            ram_bytes: m.ram_bytes.map(|b| b.max(0) as u64),
            model: Some(model).filter(|s| !s.is_empty()),
            serial: m.serial,
            location: m.location,
            last_seen: m.last_seen,
            snapshot_count: m.snapshot_count as u32,
            software_count: m.software_count as u32,
            matched_software: m
                .matched_software
                .into_iter()
                .map(|s| match s.version {
                    Some(v) => format!("{} {v}", s.name),
                    None => s.name,
                })
                .collect(),
        }
    }
}

/// Filters of the machine list; empty strings mean "any".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MachineQuery {
    /// Host name contains.
    pub hostname: String,
    /// OS contains.
    pub os: String,
    /// Location equals.
    pub location: String,
    /// Has a package whose name contains.
    pub software: String,
    /// … in a version such as `<115` or `>=2.0` (needs `software`).
    pub version: String,
    /// Less memory than this many GiB (0: any).
    pub ram_below_gib: u32,
}

fn some(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

impl MachineQuery {
    fn filter(&self) -> AppResult<MachineFilter> {
        let version = match some(&self.version) {
            None => None,
            Some(v) => Some(v.parse().map_err(AppError::invalid)?),
        };
        if version.is_some() && some(&self.software).is_none() {
            return Err(AppError::invalid("a version filter needs a software name"));
        }
        Ok(MachineFilter {
            hostname: some(&self.hostname),
            os: some(&self.os),
            ram_below: (self.ram_below_gib > 0).then(|| u64::from(self.ram_below_gib) << 30),
            location: some(&self.location),
            software: some(&self.software),
            version,
        })
    }
}

/// One snapshot of a machine's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct HistoryRow {
    /// When the inventory was collected.
    pub collected_at: DateTime<Utc>,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
    /// `native`, `glpi`, `ocs_xml`.
    pub source_format: String,
    /// File it came from.
    pub source_name: String,
    /// Software packages.
    pub software_count: u32,
}

impl From<SiteSnapshotMeta> for HistoryRow {
    fn from(s: SiteSnapshotMeta) -> Self {
        HistoryRow {
            collected_at: s.collected_at,
            imported_at: s.imported_at,
            source_format: s.source_format,
            source_name: s.source_name,
            software_count: s.software_count as u32,
        }
    }
}

/// A machine's detail: its row, its newest inventory and its history (oldest first).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct MachineDetail {
    /// The machine.
    pub machine: MachineRow,
    /// Its newest inventory, by category.
    pub inventory: InventoryView,
    /// Its snapshots.
    pub history: Vec<HistoryRow>,
}

/// What importing one file did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ImportRow {
    /// File name.
    pub file: String,
    /// `new`, `merged` or `unchanged`.
    pub outcome: String,
    /// The machine's host name.
    pub hostname: String,
}

/// Asset life-cycle status (the store's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum AssetState {
    InUse,
    InStock,
    Broken,
    Retired,
}

impl From<AssetStatus> for AssetState {
    fn from(s: AssetStatus) -> Self {
        match s {
            AssetStatus::InUse => AssetState::InUse,
            AssetStatus::InStock => AssetState::InStock,
            AssetStatus::Broken => AssetState::Broken,
            AssetStatus::Retired => AssetState::Retired,
        }
    }
}

impl From<AssetState> for AssetStatus {
    fn from(s: AssetState) -> Self {
        match s {
            AssetState::InUse => AssetStatus::InUse,
            AssetState::InStock => AssetStatus::InStock,
            AssetState::Broken => AssetStatus::Broken,
            AssetState::Retired => AssetStatus::Retired,
        }
    }
}

/// The editable fields of an asset; empty strings mean "not set", dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AssetFields {
    /// What it is (required): printer, screen, phone…
    pub kind: String,
    /// Manufacturer.
    pub make: String,
    /// Model.
    pub model: String,
    /// Serial number.
    pub serial: String,
    /// Where it is.
    pub location: String,
    /// Who has it.
    pub assigned_user: String,
    /// Status.
    pub status: AssetState,
    /// Purchase date.
    pub purchased_on: String,
    /// Last day of the warranty.
    pub warranty_until: String,
    /// Notes.
    pub notes: String,
}

/// A hand-entered asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AssetRow {
    /// Local number.
    pub id: u32,
    /// The fields.
    pub fields: AssetFields,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

fn text(o: Option<String>) -> String {
    o.unwrap_or_default()
}

fn day(o: Option<NaiveDate>) -> String {
    o.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

impl From<Asset> for AssetRow {
    fn from(a: Asset) -> Self {
        AssetRow {
            id: a.id as u32,
            fields: AssetFields {
                kind: a.kind,
                make: text(a.make),
                model: text(a.model),
                serial: text(a.serial),
                location: text(a.location),
                assigned_user: text(a.assigned_user),
                status: a.status.into(),
                purchased_on: day(a.purchased_on),
                warranty_until: day(a.warranty_until),
                notes: text(a.notes),
            },
            updated_at: a.updated_at,
        }
    }
}

fn parse_day(what: &str, s: &str) -> AppResult<Option<NaiveDate>> {
    match some(s) {
        None => Ok(None),
        Some(d) => NaiveDate::parse_from_str(&d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::invalid(format!("{what}: expected YYYY-MM-DD, not `{d}`"))),
    }
}

impl AssetFields {
    fn new_asset(&self) -> AppResult<NewAsset> {
        let kind = some(&self.kind).ok_or_else(|| AppError::invalid("the asset type is empty"))?;
        let purchased_on = parse_day("purchase date", &self.purchased_on)?;
        let warranty_until = parse_day("warranty end", &self.warranty_until)?;
        if let (Some(p), Some(w)) = (purchased_on, warranty_until) {
            if w < p {
                return Err(AppError::invalid("the warranty ends before the purchase"));
            }
        }
        Ok(NewAsset {
            kind,
            make: some(&self.make),
            model: some(&self.model),
            serial: some(&self.serial),
            location: some(&self.location),
            assigned_user: some(&self.assigned_user),
            status: self.status.into(),
            purchased_on,
            warranty_until,
            notes: some(&self.notes),
        })
    }

    /// Every field replaced (an edit form sends the whole asset).
    fn patch(&self) -> AppResult<AssetPatch> {
        let n = self.new_asset()?;
        Ok(AssetPatch {
            kind: Some(n.kind),
            make: Some(n.make),
            model: Some(n.model),
            serial: Some(n.serial),
            location: Some(n.location),
            assigned_user: Some(n.assigned_user),
            status: Some(n.status),
            purchased_on: Some(n.purchased_on),
            warranty_until: Some(n.warranty_until),
            notes: Some(n.notes),
        })
    }
}

/// Filters of the asset list; empty means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AssetQuery {
    /// Make, model, serial or notes contain.
    pub text: String,
    /// Status.
    pub status: Option<AssetState>,
}

/// What a site export for people holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SiteExportFormat {
    /// One CSV of machines and assets.
    Csv,
    /// The printable HTML report.
    Html,
}

/// Language of the HTML report (the UI's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportLang {
    /// English.
    En,
    /// Français.
    Fr,
}

impl From<ReportLang> for report::Lang {
    fn from(l: ReportLang) -> Self {
        match l {
            ReportLang::En => report::Lang::En,
            ReportLang::Fr => report::Lang::Fr,
        }
    }
}

pub(crate) fn export_failed(e: guichet_site::ExportError) -> AppError {
    AppError::new(ErrorCode::Failed, e.to_string())
}

/// The bytes of a site export and the file name offered for it.
pub async fn render_site_export(
    store: &guichet_store::Store,
    format: SiteExportFormat,
    lang: ReportLang,
    now: DateTime<Utc>,
) -> AppResult<(Vec<u8>, String)> {
    let machines = store.site_machines(&MachineFilter::default()).await?;
    let assets = store.assets(&AssetFilter::default()).await?;
    let day = now.format("%Y-%m-%d");
    Ok(match format {
        SiteExportFormat::Csv => (
            report::csv(&machines, &assets).map_err(export_failed)?,
            format!("site-{day}.csv"),
        ),
        SiteExportFormat::Html => {
            let software = store.site_software_summary().await?;
            let html = report::html(&report::Site {
                machines: &machines,
                assets: &assets,
                software: &software,
                now,
                lang: lang.into(),
            });
            (html.into_bytes(), format!("site-report-{day}.html"))
        }
    })
}

// ---------------------------------------------------------------- commands

/// Saves the CSV of the register or the printable HTML report through a save dialog; the path
/// written, `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn site_export(
    app: AppHandle,
    state: State<'_, AppState>,
    format: SiteExportFormat,
    lang: ReportLang,
) -> AppResult<Option<String>> {
    let (bytes, name) = render_site_export(&state.store, format, lang, Utc::now()).await?;
    let filter: (&str, &[&str]) = match format {
        SiteExportFormat::Csv => ("CSV", &["csv"]),
        SiteExportFormat::Html => ("HTML", &["html", "htm"]),
    };
    crate::dialogs::save_as(&app, name, Some(filter), &bytes).await
}

/// Imports inventory files picked in a dialog (with an optional location for all of them). All
/// are parsed first: one unreadable file and nothing is written. Empty when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn site_import(
    app: AppHandle,
    state: State<'_, AppState>,
    location: String,
) -> AppResult<Vec<ImportRow>> {
    let dialog = app
        .dialog()
        .file()
        .add_filter("Inventory", &["json", "xml", "ocs"]);
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_files())
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let mut batch = Vec::with_capacity(picked.len());
    for p in picked {
        let path = p
            .into_path()
            .map_err(|e| AppError::new(ErrorCode::Io, e.to_string()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(&path)?;
        let mtime = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .map(DateTime::<Utc>::from)
            .unwrap_or_else(|_| Utc::now());
        let doc = import_file(&bytes, mtime)
            .map_err(|e| AppError::invalid(format!("{name}: {e}; nothing was imported")))?;
        batch.push(SiteImport {
            inventory: doc.inventory,
            deviceid: doc.deviceid,
            format: doc.format.name().to_string(),
            source_name: name,
        });
    }
    // The store takes its id source as a `dyn FnMut` (not `Send`): run the import on a thread
    // of its own rather than inside the command's `Send` future.
    let store = state.store.clone();
    let location = some(&location);
    let results = tauri::async_runtime::spawn_blocking(move || {
        tauri::async_runtime::block_on(async move {
            let mut next = uuid::Uuid::new_v4;
            store
                .site_import(&batch, location.as_deref(), Utc::now(), &mut next)
                .await
        })
    })
    .await
    .map_err(|e| AppError::new(ErrorCode::Failed, e.to_string()))??;
    Ok(results
        .into_iter()
        .map(|r| ImportRow {
            file: r.source_name,
            outcome: r.outcome.name().into(),
            hostname: r.machine.hostname,
        })
        .collect())
}

/// Machines of the register matching the filters, by host name.
#[tauri::command]
#[specta::specta]
pub async fn site_machines(
    state: State<'_, AppState>,
    query: MachineQuery,
) -> AppResult<Vec<MachineRow>> {
    let list = state.store.site_machines(&query.filter()?).await?;
    Ok(list.into_iter().map(Into::into).collect())
}

/// A machine's detail and history.
#[tauri::command]
#[specta::specta]
pub async fn site_machine(state: State<'_, AppState>, id: u32) -> AppResult<MachineDetail> {
    let m = state.store.site_machine(&id.to_string()).await?;
    let (_, inv) = state.store.site_latest_inventory(m.id).await?;
    let history = state.store.site_history(m.id).await?;
    Ok(MachineDetail {
        machine: m.into(),
        inventory: view::inventory_view(&inv),
        history: history.into_iter().map(Into::into).collect(),
    })
}

/// Writes one GLPI JSON file per machine into a folder picked in a dialog; the folder, or
/// `None` when cancelled.
#[tauri::command]
#[specta::specta]
pub async fn site_export_glpi(
    app: AppHandle,
    state: State<'_, AppState>,
) -> AppResult<Option<String>> {
    let dialog = app.dialog().file();
    let Some(dir) = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_folder())
        .await
        .ok()
        .flatten()
    else {
        return Ok(None);
    };
    let dir = dir
        .into_path()
        .map_err(|e| AppError::new(ErrorCode::Io, e.to_string()))?;
    guichet_core::export_site_glpi(&state.store, &dir).await?;
    Ok(Some(dir.display().to_string()))
}

/// Hand-entered assets matching the filters, by number.
#[tauri::command]
#[specta::specta]
pub async fn asset_list(state: State<'_, AppState>, query: AssetQuery) -> AppResult<Vec<AssetRow>> {
    let filter = AssetFilter {
        status: query.status.map(Into::into),
        text: some(&query.text),
        ..Default::default()
    };
    Ok(state
        .store
        .assets(&filter)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Adds an asset (`id` = `None`) or replaces the fields of asset `id`; journalled by the store.
#[tauri::command]
#[specta::specta]
pub async fn asset_save(
    state: State<'_, AppState>,
    id: Option<u32>,
    fields: AssetFields,
) -> AppResult<AssetRow> {
    let change = uuid::Uuid::new_v4();
    let a = match id {
        None => {
            state
                .store
                .asset_add(
                    &fields.new_asset()?,
                    uuid::Uuid::new_v4(),
                    change,
                    Utc::now(),
                )
                .await?
        }
        Some(id) => {
            state
                .store
                .asset_edit(id.into(), &fields.patch()?, change, Utc::now())
                .await?
        }
    };
    Ok(a.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> AssetFields {
        AssetFields {
            kind: "printer".into(),
            make: "HP".into(),
            model: "".into(),
            serial: "CN123".into(),
            location: "Accueil".into(),
            assigned_user: "".into(),
            status: AssetState::InUse,
            purchased_on: "2024-01-10".into(),
            warranty_until: "2027-01-10".into(),
            notes: "".into(),
        }
    }

    #[tokio::test]
    async fn an_asset_is_added_then_edited_and_empty_fields_are_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let store = guichet_store::Store::open(dir.path()).await.unwrap();
        let f = fields();
        let a = store
            .asset_add(
                &f.new_asset().unwrap(),
                uuid::Uuid::new_v4(),
                uuid::Uuid::new_v4(),
                Utc::now(),
            )
            .await
            .unwrap();
        let row = AssetRow::from(a.clone());
        assert_eq!(row.fields, f, "what was entered reads back unchanged");
        let mut g = f.clone();
        g.status = AssetState::Broken;
        g.serial = "".into();
        let b = store
            .asset_edit(a.id, &g.patch().unwrap(), uuid::Uuid::new_v4(), Utc::now())
            .await
            .unwrap();
        assert_eq!(b.status, AssetStatus::Broken);
        assert_eq!(b.serial, None);
    }

    #[tokio::test]
    async fn exports_and_label_sheets_are_rendered_from_the_register() {
        let dir = tempfile::tempdir().unwrap();
        let store = guichet_store::Store::open(dir.path()).await.unwrap();
        let now = DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut ids = Vec::new();
        for serial in ["CN1", "CN2"] {
            let mut f = fields();
            f.serial = serial.into();
            let a = store
                .asset_add(
                    &f.new_asset().unwrap(),
                    uuid::Uuid::new_v4(),
                    uuid::Uuid::new_v4(),
                    now,
                )
                .await
                .unwrap();
            ids.push(a.id as u32);
        }
        let (csv, name) = render_site_export(&store, SiteExportFormat::Csv, ReportLang::En, now)
            .await
            .unwrap();
        assert_eq!(name, "site-2026-11-23.csv");
        assert_eq!(String::from_utf8(csv).unwrap().lines().count(), 3);
        let (html, name) = render_site_export(&store, SiteExportFormat::Html, ReportLang::Fr, now)
            .await
            .unwrap();
        assert_eq!(name, "site-report-2026-11-23.html");
        assert!(String::from_utf8(html)
            .unwrap()
            .contains("<html lang=\"fr\">"));

        let (one, name) = crate::labels::render_label_sheet(&store, &ids[..1])
            .await
            .unwrap();
        assert_eq!(name, format!("label-{}.html", ids[0]));
        assert_eq!(String::from_utf8(one).unwrap().matches("<svg ").count(), 1);
        let (both, name) = crate::labels::render_label_sheet(&store, &ids)
            .await
            .unwrap();
        assert_eq!(name, "labels-2.html");
        let both = String::from_utf8(both).unwrap();
        assert!(both.contains("S/N CN1") && both.contains("S/N CN2"));
        assert_eq!(
            crate::labels::render_label_sheet(&store, &[])
                .await
                .unwrap_err()
                .code,
            ErrorCode::Invalid
        );
        assert_eq!(
            crate::labels::render_label_sheet(&store, &[999])
                .await
                .unwrap_err()
                .code,
            ErrorCode::NotFound
        );
    }

    #[test]
    fn bad_asset_input_is_refused_before_anything_is_written() {
        let mut f = fields();
        f.kind = " ".into();
        assert_eq!(f.new_asset().unwrap_err().code, ErrorCode::Invalid);
        let mut f = fields();
        f.purchased_on = "10/01/2024".into();
        assert_eq!(f.new_asset().unwrap_err().code, ErrorCode::Invalid);
        let mut f = fields();
        f.warranty_until = "2023-01-01".into();
        assert_eq!(f.new_asset().unwrap_err().code, ErrorCode::Invalid);
    }

    #[test]
    fn a_version_filter_needs_a_software_name() {
        let q = MachineQuery {
            version: "<115".into(),
            ..Default::default()
        };
        assert_eq!(q.filter().unwrap_err().code, ErrorCode::Invalid);
        let q = MachineQuery {
            software: "firefox".into(),
            version: "<115".into(),
            ram_below_gib: 8,
            ..Default::default()
        };
        let f = q.filter().unwrap();
        assert_eq!(f.ram_below, Some(8 << 30));
        assert!(f.version.is_some());
    }
}
