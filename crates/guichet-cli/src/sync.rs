//! `guichet connect rt` (GLPI: see `glpi.rs`) and `guichet sync [--status]` with either server.
//!
//! `connect` keeps the connector settings in the store and the secret (read from stdin) in the
//! store's secret store only (the OS keyring; the system agent's encrypted credentials), and
//! says where it went and whether it survives a reboot. `sync` runs one pass; being offline is a normal state reported with a clear
//! message and exit status 4, the queue untouched.

use std::fmt::Write as _;
use std::io::BufRead as _;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use chrono::Utc;
use clap::{Args, Subcommand};
use guichet_core::{CoreError, ServiceDesk, SyncAttempt};
use guichet_rt::{RtProfile, SetupReport};
use guichet_store::{OutboxState, Store};
use guichet_sync::config::ConnectorConfig;
use guichet_sync::http::HttpOptions;
use guichet_sync::{ConnectorError, PassReport, Stop, SyncError};
use serde::Serialize;

use crate::error::CliError;
use crate::secret_place::SecretPlace;
use crate::{output, Context};

/// `guichet connect …`
#[derive(Debug, Args)]
pub struct ConnectArgs {
    #[command(subcommand)]
    kind: ConnectKind,
}

#[derive(Debug, Subcommand)]
enum ConnectKind {
    /// Request Tracker 5 (REST2). The password or auth token is read from stdin.
    Rt {
        /// Base URL of RT, e.g. https://rt.example.org
        #[arg(long)]
        url: String,
        /// RT login.
        #[arg(long)]
        user: String,
        /// Queue where tickets are created.
        #[arg(long, default_value = "ServiceDesk")]
        queue: String,
        /// Extra trusted CA certificates (PEM), for an internal PKI.
        #[arg(long, value_name = "FILE")]
        ca_file: Option<PathBuf>,
        /// Timeout of each request, in seconds.
        #[arg(long, default_value_t = 30, value_name = "SECS")]
        timeout: u64,
        /// Article class of the knowledge base (default: `Guichet KB` if the user sees it,
        /// else RT's own `General`, looked up at each sync).
        #[arg(long, value_name = "CLASS")]
        kb_class: Option<String>,
        /// Asset catalog the inventory goes to (default: `Workstations` if the user sees it,
        /// else RT's own `General assets`, looked up at each sync).
        #[arg(long, value_name = "CATALOG")]
        asset_catalog: Option<String>,
        /// Allow a plain http:// URL to another machine (the secret and tickets then cross
        /// the network unencrypted); http:// to this machine needs no flag.
        #[arg(long)]
        allow_insecure_http: bool,
    },
    /// GLPI 10 (REST API v1, apirest.php) or 11 (high-level API v2, api.php), tickets and
    /// knowledge base, and native inventory submission. Secrets are read from stdin.
    Glpi(crate::glpi::GlpiArgs),
    /// No service desk: nothing is sent or fetched any more (the desktop app's "No server").
    /// The queue, tickets and articles stay in the store for a later connection.
    None,
}

/// `guichet sync …`
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Show the queue, the last success and the last error instead of syncing.
    #[arg(long)]
    status: bool,
    /// Put entries the server refused back in the queue, and send entries waiting for their
    /// next attempt now rather than at their scheduled retry (after fixing the cause).
    #[arg(long, conflicts_with = "status")]
    retry: bool,
    /// Also send this machine's inventory (collected now).
    #[arg(long, conflicts_with = "status")]
    with_inventory: bool,
    /// Send the inventory in full rather than only what changed (implies --with-inventory).
    #[arg(long, conflicts_with = "status")]
    full_inventory: bool,
}

/// Exit status when the server cannot be reached.
pub(crate) const EXIT_OFFLINE: u8 = 4;
/// Exit status when the credentials are refused.
pub(crate) const EXIT_AUTH: u8 = 5;
/// Exit status of `guichet sync` when entries of this pass were not sent: the server refused
/// them (parked) or failed on them (retried later). Each is named on stderr with its reason.
pub(crate) const EXIT_DEFERRED: u8 = 6;
/// Exit status when another process kept the store's sync lock past the wait: it sends the
/// queue, nothing is lost.
pub(crate) const EXIT_BUSY: u8 = 8;
/// Exit status when the server's answer went past one of Guichet's limits (an endless body, a
/// decompression bomb, endless pages): nothing more was read, the queue is kept.
pub(crate) const EXIT_OVER_LIMIT: u8 = 9;

/// The error of a server past a limit, during `connect` (`what` happened to the settings).
pub(crate) fn over_limit(e: impl std::fmt::Display, what: &str) -> CliError {
    CliError::new(
        "over_limit",
        EXIT_OVER_LIMIT,
        anyhow::anyhow!("{e}; {what}"),
    )
}

/// Checks `address` against the connection's http rule (see `guichet_sync::http`), and warns
/// when it is plain http to another machine, allowed by `--allow-insecure-http`.
pub(crate) fn check_transport(cfg: &ConnectorConfig, address: &str) -> Result<(), CliError> {
    let insecure = cfg
        .check_transport(address)
        .map_err(|e| CliError::usage(e.to_string()))?;
    if insecure {
        eprintln!(
            "warning: {address} is plain http:// to another machine: the secret and the \
             tickets cross the network unencrypted (allowed by --allow-insecure-http)"
        );
    }
    Ok(())
}

pub(crate) fn sync_error(e: SyncError) -> CliError {
    match e {
        SyncError::Store(s) => s.into(),
        SyncError::Config(m) => CliError::new("config", 2, anyhow::anyhow!(m)),
        SyncError::Secret(m) => CliError::new("keyring", 1, anyhow::anyhow!(m)),
    }
}

pub(crate) fn timeouts(secs: u64) -> Result<HttpOptions, CliError> {
    if !(1..=3600).contains(&secs) {
        return Err(CliError::usage(format!(
            "--timeout must be 1 to 3600 seconds, not {secs}"
        )));
    }
    Ok(HttpOptions {
        ca_file: None,
        connect_timeout: Duration::from_secs(secs.min(10)),
        timeout: Duration::from_secs(secs),
        proxy: None,
    })
}

/// The HTTP settings of a saved connection: its CA file and timeout.
pub(crate) fn http_options(cfg: &ConnectorConfig) -> Result<HttpOptions, CliError> {
    Ok(HttpOptions {
        ca_file: cfg.ca_file.clone(),
        ..timeouts(cfg.timeout_secs)?
    })
}

/// The password or token of `user`, the first line of stdin.
fn read_secret(user: &str) -> Result<String, CliError> {
    eprintln!("reading the password or token for {user} from stdin…");
    let mut secret = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut secret)
        .context("reading the secret from stdin")?;
    let secret = secret.trim_end_matches(['\n', '\r']).to_string();
    if secret.is_empty() {
        return Err(CliError::usage("no secret on stdin"));
    }
    Ok(secret)
}

/// Runs `guichet connect`.
pub async fn connect(ctx: &Context, args: ConnectArgs) -> Result<(), CliError> {
    let (cfg, profile) = match args.kind {
        ConnectKind::Rt {
            url,
            user,
            queue,
            ca_file,
            timeout,
            kb_class,
            asset_catalog,
            allow_insecure_http,
        } => {
            let cfg = rt_config(url, user, queue, ca_file, timeout, allow_insecure_http)?;
            (
                cfg,
                RtProfile {
                    kb_class,
                    asset_catalog,
                },
            )
        }
        ConnectKind::Glpi(glpi) => return crate::glpi::connect(ctx, glpi).await,
        ConnectKind::None => return disconnect(ctx).await,
    };
    let secret = read_secret(&cfg.user)?;
    let desk = ServiceDesk::rt_with(&cfg, &profile, &http_options(&cfg)?, secret.clone())?;
    let setup = match desk.connector().authenticate().await {
        Ok(()) => {
            eprintln!("connected to {} as {}", cfg.url, cfg.user);
            check_setup(&desk, &cfg).await?
        }
        Err(e @ ConnectorError::Auth(_)) => {
            return Err(CliError::new(
                "auth",
                EXIT_AUTH,
                anyhow::anyhow!("{e}; nothing was saved"),
            ))
        }
        Err(e @ ConnectorError::OverLimit(_)) => return Err(over_limit(e, "nothing was saved")),
        // Being offline while configuring is allowed: the settings are kept for later.
        Err(e) => {
            let why = crate::output::terminal(&e.to_string()).into_owned();
            eprintln!("warning: could not check the credentials now ({why}); saved anyway");
            None
        }
    };
    let store = ctx.store().await?;
    let backend = Context::secrets(&store)
        .store(&cfg.secret_account(), &secret)
        .map_err(sync_error)?;
    profile
        .save(&store, &cfg, Utc::now())
        .await
        .map_err(sync_error)?;
    let place = SecretPlace::of(backend);
    eprintln!("{}", place.line());
    if ctx.json {
        let view = serde_json::json!({
            "secret": place,
            "url": cfg.url,
            "user": cfg.user,
            "queue": cfg.queue,
            "checked": setup.is_some(),
            "kb_class": setup.as_ref().and_then(|s| s.kb_class.clone()),
            "asset_catalog": setup.as_ref().and_then(|s| s.asset_catalog.clone()),
            "warnings": setup.map(|s| s.warnings).unwrap_or_default(),
        });
        let mut b = serde_json::to_vec_pretty(&view).context("encoding JSON")?;
        b.push(b'\n');
        output::write(None, &b)?;
    }
    Ok(())
}

/// The connector settings of `connect rt`, checked.
fn rt_config(
    url: String,
    user: String,
    queue: String,
    ca_file: Option<PathBuf>,
    timeout: u64,
    allow_insecure_http: bool,
) -> Result<ConnectorConfig, CliError> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(CliError::usage(format!(
            "--url must start with https:// (or http://), not `{url}`"
        )));
    }
    let ca_file = match ca_file {
        Some(p) => Some(
            std::fs::canonicalize(&p)
                .with_context(|| format!("reading the CA file {}", p.display()))?,
        ),
        None => None,
    };
    let cfg = ConnectorConfig {
        kind: "rt".into(),
        url: url.trim_end_matches('/').to_string(),
        user,
        queue,
        ca_file,
        timeout_secs: timeout,
        allow_insecure_http,
    };
    check_transport(&cfg, &cfg.url)?;
    Ok(cfg)
}

/// What the server lacks for Guichet, each as a warning on stderr (connect still succeeds);
/// a queue the user cannot see fails the connection, nothing saved. `None` when the server
/// could not be asked.
async fn check_setup(
    desk: &ServiceDesk,
    cfg: &ConnectorConfig,
) -> Result<Option<SetupReport>, CliError> {
    let ServiceDesk::Rt(rt) = desk else {
        return Ok(None);
    };
    match rt.check_setup().await {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("warning: {}", crate::output::terminal(w));
            }
            if let Some(c) = &report.kb_class {
                eprintln!(
                    "knowledge base: article class `{}`",
                    crate::output::terminal(c)
                );
            }
            if let Some(c) = &report.asset_catalog {
                eprintln!("inventory: asset catalog `{}`", crate::output::terminal(c));
            }
            Ok(Some(report))
        }
        Err(ConnectorError::Permanent { message, .. }) => Err(CliError::new(
            "queue",
            2,
            anyhow::anyhow!("{message}; nothing was saved (check --queue)"),
        )),
        Err(e @ ConnectorError::OverLimit(_)) => Err(over_limit(e, "nothing was saved")),
        Err(e) => {
            eprintln!(
                "warning: could not check how {} is set up ({}); saved anyway",
                cfg.url,
                crate::output::terminal(&e.to_string())
            );
            Ok(None)
        }
    }
}

/// Runs `guichet sync`.
pub async fn run(ctx: &Context, args: SyncArgs) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let cfg = ConnectorConfig::load(&store).await.map_err(sync_error)?;
    if args.status {
        return status(ctx, &store, cfg.as_ref()).await;
    }
    let Some(cfg) = cfg else {
        return Err(CliError::new(
            "not_configured",
            2,
            anyhow::anyhow!(
                "no server configured: run `guichet connect rt --url … --user …` or \
                 `guichet connect glpi --url …`"
            ),
        ));
    };
    let now = Utc::now();
    if args.retry {
        retry_now(&store, now).await?;
    }
    if args.with_inventory || args.full_inventory {
        // The full inventory, never the quick one of a report: the server's first one is whole.
        let reason = if args.full_inventory {
            guichet_core::InventoryReason::Full
        } else {
            guichet_core::InventoryReason::Requested
        };
        guichet_core::collect_inventory_to_push(
            &store,
            Some(&cfg.kind),
            reason,
            Duration::from_secs(15),
            now,
        )
        .await?;
    }
    let started = std::time::Instant::now();
    let report = pass(&store, &cfg, now).await?;
    tracing::info!(ms = started.elapsed().as_millis() as u64, "sync pass");
    let bytes = if ctx.json {
        let mut b = serde_json::to_vec_pretty(&report).context("encoding JSON")?;
        b.push(b'\n');
        b
    } else {
        summary(&report).into_bytes()
    };
    output::write(None, &bytes)?;
    outcome(&report)
}

/// The exit of `guichet sync` for what the pass did.
fn outcome(report: &PassReport) -> Result<(), CliError> {
    match &report.stopped {
        Some(Stop::Offline(m)) => Err(CliError::new(
            "offline",
            EXIT_OFFLINE,
            anyhow::anyhow!("offline: {m}; nothing was lost, the queue is kept for the next sync"),
        )),
        Some(Stop::Auth(m)) => Err(CliError::new(
            "auth",
            EXIT_AUTH,
            anyhow::anyhow!("{m}; the queue is kept. Run `guichet connect` again"),
        )),
        Some(Stop::Busy(m)) => Err(CliError::new(
            "busy",
            EXIT_BUSY,
            anyhow::anyhow!("{m}; nothing was lost"),
        )),
        Some(Stop::OverLimit(m)) => Err(CliError::new(
            "over_limit",
            EXIT_OVER_LIMIT,
            anyhow::anyhow!("{m}; the pass stopped, nothing was lost: the queue is kept"),
        )),
        None if !report.errors.is_empty() => Err(CliError::new(
            "sync_incomplete",
            1,
            anyhow::anyhow!(report.errors.join("; ")),
        )),
        None if !report.deferred.is_empty() => Err(CliError::new(
            "sync_deferred",
            EXIT_DEFERRED,
            anyhow::anyhow!(
                "{}; nothing was lost, `guichet sync --status` shows the queue",
                report.problems().join("; ")
            ),
        )),
        None => Ok(()),
    }
}

/// `connect none`: the store forgets the service desk (as the app's "No server" does).
async fn disconnect(ctx: &Context) -> Result<(), CliError> {
    let store = ctx.store().await?;
    store
        .remove_setting(guichet_sync::config::CONNECTOR_KEY)
        .await?;
    eprintln!("no service desk: nothing is sent any more; the queue is kept");
    Ok(())
}

/// `sync --retry`: refused entries back in the queue, waiting ones due now.
async fn retry_now(store: &Store, now: chrono::DateTime<Utc>) -> Result<(), CliError> {
    let n = store.requeue_parked(now).await?;
    eprintln!(
        "{n} refused entr{} put back in the queue",
        if n == 1 { "y" } else { "ies" }
    );
    let n = store.retry_waiting_now(now).await?;
    if n > 0 {
        eprintln!(
            "{n} waiting entr{} retried now",
            if n == 1 { "y" } else { "ies" }
        );
    }
    Ok(())
}

/// One engine pass with the configured connector (Request Tracker or GLPI).
pub(crate) async fn pass(
    store: &Store,
    cfg: &ConnectorConfig,
    now: chrono::DateTime<Utc>,
) -> Result<PassReport, CliError> {
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::from_os_rng();
    let http = http_options(cfg)?;
    let desk = guichet_core::open_desk(
        store,
        cfg,
        &http,
        crate::glpi_messages::wording_from_env(),
        now,
    )
    .await?;
    Ok(guichet_core::run_pass(store, &desk, &http, now, &mut rng).await?)
}

fn summary(r: &PassReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "pushed: {}", r.pushed.len());
    for p in &r.pushed {
        let _ = writeln!(s, "  {} {} → {}", p.kind.as_str(), p.uuid, p.remote_id);
    }
    let _ = writeln!(
        s,
        "pulled: {} ticket update(s), {} repl(ies), {} file(s), {} article(s) updated, {} removed",
        r.tickets_updated, r.replies_pulled, r.files_pulled, r.articles_updated, r.articles_deleted
    );
    for n in &r.notices {
        let _ = writeln!(s, "notice: {n}");
    }
    for d in &r.deferred {
        let when = d
            .retry_at
            .map(|t| format!("retry after {}", t.format("%Y-%m-%d %H:%M:%S UTC")))
            .unwrap_or_else(|| "refused, parked (`guichet sync --retry` after fixing)".into());
        let _ = writeln!(s, "  {} {}: {} ({when})", d.kind.as_str(), d.uuid, d.error);
    }
    s
}

#[derive(Debug, Serialize)]
struct StatusView {
    connector: Option<ConnectorConfig>,
    /// GLPI only: the API detected and the inventory submission state.
    #[serde(skip_serializing_if = "Option::is_none")]
    glpi: Option<crate::glpi::GlpiStatus>,
    queue: Vec<guichet_store::OutboxEntry>,
    status: Option<guichet_store::SyncStatus>,
    /// Reports closed by an article over the last 30 days, against tickets filed.
    deflection: guichet_core::DeflectionRate,
}

async fn status(
    ctx: &Context,
    store: &Store,
    cfg: Option<&ConnectorConfig>,
) -> Result<(), CliError> {
    let queue = store.outbox().await?;
    let st = match cfg {
        Some(c) => Some(store.sync_status(&c.kind).await?),
        None => None,
    };
    let glpi = match cfg {
        Some(c) if c.kind == "glpi" => Some(crate::glpi::status(store).await?),
        _ => None,
    };
    let view = StatusView {
        connector: cfg.cloned(),
        glpi,
        queue,
        status: st,
        deflection: guichet_core::deflection_rate(store, Utc::now()).await?,
    };
    let bytes = if ctx.json {
        let mut b = serde_json::to_vec_pretty(&view).context("encoding JSON")?;
        b.push(b'\n');
        b
    } else {
        status_text(&view).into_bytes()
    };
    output::write(None, &bytes)?;
    Ok(())
}

/// What `sync --status` prints without `--json`.
fn status_text(view: &StatusView) -> String {
    let mut s = String::new();
    match &view.connector {
        Some(c) if c.kind == "glpi" => {
            let who = if c.user.is_empty() {
                "a user token".to_string()
            } else {
                c.user.clone()
            };
            let _ = writeln!(s, "server: glpi {} as {who}", c.url);
        }
        Some(c) => {
            let _ = writeln!(
                s,
                "server: {} {} as {} (queue {})",
                c.kind, c.url, c.user, c.queue
            );
        }
        None => s.push_str("server: not configured (guichet connect rt|glpi …)\n"),
    }
    if let Some(g) = &view.glpi {
        s.push_str(&crate::glpi::status_text(g));
    }
    let fmt = |t: Option<chrono::DateTime<Utc>>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_else(|| "never".into())
    };
    if let Some(st) = &view.status {
        let _ = writeln!(s, "last success: {}", fmt(st.last_success_at));
        match &st.last_error {
            Some(e) => {
                let _ = writeln!(s, "last error: {} ({})", e, fmt(st.last_error_at));
            }
            None => s.push_str("last error: none\n"),
        }
    }
    let parked = view
        .queue
        .iter()
        .filter(|e| e.state == OutboxState::Parked)
        .count();
    let _ = writeln!(s, "queue: {} entr(ies), {parked} refused", view.queue.len());
    s.push_str(&crate::kb::deflection_line(&view.deflection));
    for e in &view.queue {
        let _ = writeln!(
            s,
            "  #{} {} {} attempts={} {}{}",
            e.seq,
            e.kind.as_str(),
            e.ticket_id
                .map(|t| t.to_string()[..8].to_string())
                .unwrap_or_else(|| "-".into()),
            e.attempts,
            match e.state {
                OutboxState::Parked => "refused".to_string(),
                OutboxState::Pending =>
                    format!("next {}", e.next_attempt_at.format("%Y-%m-%d %H:%M:%S UTC")),
            },
            e.last_error
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        );
    }
    s
}

/// Runs one sync pass with the configured connector, if there is one (see
/// [`guichet_core::sync_configured`]).
pub(crate) async fn attempt(
    store: &Store,
    now: chrono::DateTime<Utc>,
) -> Result<SyncAttempt, CliError> {
    let http =
        |cfg: &ConnectorConfig| http_options(cfg).map_err(|e| CoreError::Invalid(e.message()));
    Ok(
        guichet_core::sync_configured(store, http, crate::glpi_messages::wording_from_env(), now)
            .await?,
    )
}
