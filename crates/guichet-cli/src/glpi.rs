//! `guichet connect glpi`, and the GLPI side of `guichet sync` and `guichet sync --status`.
//!
//! Secrets are read from stdin, one per line, in this order: the user token (or the password
//! with `--user`), then the App-Token (with `--app-token-stdin`), then the secret of the API
//! OAuth client (with `--api-client-id`), then the secret of the inventory OAuth client (with
//! `--inventory-client-id`). They go to the OS keyring only; the settings hold the rest.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use clap::Args;
use guichet_glpi::{detect, DetectedApi, GlpiProfile, GlpiSecrets, InventoryProfile, Secret};
use guichet_store::{InventoryPush, Store};
use guichet_sync::config::ConnectorConfig;
use guichet_sync::http::HttpOptions;
use guichet_sync::ConnectorError;
use serde::Serialize;
use uuid::Uuid;

use crate::error::CliError;
use crate::glpi_messages::wording_from_env;
use crate::sync::{check_transport, over_limit, sync_error, timeouts, EXIT_AUTH};
use crate::Context;

/// `guichet connect glpi …`
#[derive(Debug, Args)]
pub struct GlpiArgs {
    /// GLPI root URL, e.g. https://glpi.example.org (without apirest.php).
    #[arg(long)]
    url: String,
    /// Sign in with this login and its password (stdin) instead of a user token (stdin).
    #[arg(long, value_name = "NAME")]
    user: Option<String>,
    /// Read the API client's App-Token from stdin (after the user token or password).
    #[arg(long)]
    app_token_stdin: bool,
    /// OAuth client id for GLPI 11's high-level API (api.php v2, needs --user); its secret is
    /// read from stdin (after the App-Token).
    #[arg(long, value_name = "ID")]
    api_client_id: Option<String>,
    /// Native inventory endpoint [default: URL/front/inventory.php].
    #[arg(long, value_name = "URL")]
    inventory_url: Option<String>,
    /// OAuth client id (client credentials, scope `inventory`) for a GLPI 11 inventory
    /// endpoint that requires authentication; its secret is read from stdin (last).
    #[arg(long, value_name = "ID", conflicts_with = "no_inventory")]
    inventory_client_id: Option<String>,
    /// Do not send inventories to this server.
    #[arg(long)]
    no_inventory: bool,
    /// Extra trusted CA certificates (PEM), for an internal PKI.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// Timeout of each request, in seconds.
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    timeout: u64,
    /// Allow plain http:// URLs to another machine (secrets and tickets then cross the
    /// network unencrypted); http:// to this machine needs no flag.
    #[arg(long)]
    allow_insecure_http: bool,
}

fn http_url(url: &str, flag: &str) -> Result<String, CliError> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(CliError::usage(format!(
            "{flag} must start with https:// (or http://), not `{url}`"
        )));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// Reads one secret line from stdin.
fn read_secret(lines: &mut impl BufRead, what: &str) -> Result<Secret, CliError> {
    eprintln!("reading the {what} from stdin…");
    let mut line = String::new();
    lines
        .read_line(&mut line)
        .with_context(|| format!("reading the {what} from stdin"))?;
    let line = line.trim_end_matches(['\n', '\r']);
    if line.is_empty() {
        return Err(CliError::usage(format!("no {what} on stdin")));
    }
    Ok(Secret::new(line))
}

fn http_client(cfg: &ConnectorConfig) -> Result<reqwest::Client, CliError> {
    let opts = HttpOptions {
        ca_file: cfg.ca_file.clone(),
        ..timeouts(cfg.timeout_secs)?
    };
    guichet_sync::http::client(&opts).map_err(sync_error)
}

/// Runs `guichet connect glpi`.
pub async fn connect(ctx: &Context, args: GlpiArgs) -> Result<(), CliError> {
    let url = http_url(&args.url, "--url")?;
    if args.api_client_id.is_some() && args.user.is_none() {
        return Err(CliError::usage(
            "--api-client-id needs --user: GLPI's high-level API signs in with a login and a \
             password (OAuth password grant), not with a user token",
        ));
    }
    let inventory_url = match &args.inventory_url {
        Some(u) => http_url(u, "--inventory-url")?,
        None => format!("{url}/{}", guichet_glpi::profile::DEFAULT_INVENTORY_PATH),
    };
    let ca_file = match &args.ca_file {
        Some(p) => Some(
            std::fs::canonicalize(p)
                .with_context(|| format!("reading the CA file {}", p.display()))?,
        ),
        None => None,
    };
    let cfg = ConnectorConfig {
        kind: "glpi".into(),
        url,
        user: args.user.clone().unwrap_or_default(),
        queue: String::new(),
        ca_file,
        timeout_secs: args.timeout,
        allow_insecure_http: args.allow_insecure_http,
    };
    check_transport(&cfg, &cfg.url)?;
    if !args.no_inventory {
        check_transport(&cfg, &inventory_url)?;
    }
    let store = ctx.store().await?;
    // The agent id must stay the same for this machine: keep the one already configured.
    let agent_id = match GlpiProfile::load(&store).await.map_err(sync_error)? {
        Some(GlpiProfile {
            inventory: Some(i), ..
        }) => i.agent_id,
        _ => Uuid::new_v4(),
    };
    let profile = GlpiProfile {
        password_login: args.user.is_some(),
        app_token: args.app_token_stdin,
        api_client_id: args.api_client_id.clone(),
        inventory: (!args.no_inventory).then(|| InventoryProfile {
            url: inventory_url,
            client_id: args.inventory_client_id.clone(),
            agent_id,
        }),
    };

    let secrets = read_secrets(&args)?;
    let now = Utc::now();
    let detected = check(&cfg, &profile, &secrets, now).await?;
    let backend = profile
        .store_secrets(&cfg, &secrets, &Context::secrets(&store))
        .map_err(sync_error)?;
    profile
        .save(&store, &cfg, detected.as_ref(), now)
        .await
        .map_err(sync_error)?;
    let place = crate::secret_place::SecretPlace::of(backend);
    eprintln!("{}", place.line());
    if ctx.json {
        let view = serde_json::json!({ "url": cfg.url, "secret": place });
        let mut b = serde_json::to_vec_pretty(&view).context("encoding JSON")?;
        b.push(b'\n');
        crate::output::write(None, &b)?;
    }
    Ok(())
}

/// The secrets of `connect glpi`, one line each on stdin, in the order the flags ask for them.
fn read_secrets(args: &GlpiArgs) -> Result<GlpiSecrets, CliError> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock();
    let user = match &args.user {
        Some(name) => read_secret(&mut lines, &format!("password of {name}"))?,
        None => read_secret(&mut lines, "GLPI user token (remote access key)")?,
    };
    let app_token = args
        .app_token_stdin
        .then(|| read_secret(&mut lines, "App-Token"))
        .transpose()?;
    let api_client_secret = args
        .api_client_id
        .as_ref()
        .map(|_| read_secret(&mut lines, "API OAuth client secret"))
        .transpose()?;
    let inventory_client_secret = args
        .inventory_client_id
        .as_ref()
        .map(|_| read_secret(&mut lines, "inventory OAuth client secret"))
        .transpose()?;
    Ok(GlpiSecrets {
        user,
        app_token,
        api_client_secret,
        inventory_client_secret,
    })
}

/// Detects the API and checks the credentials: refused credentials stop the connection (nothing
/// is saved), an unreachable server does not (the API is detected at the next sync).
async fn check(
    cfg: &ConnectorConfig,
    profile: &GlpiProfile,
    secrets: &GlpiSecrets,
    now: DateTime<Utc>,
) -> Result<Option<DetectedApi>, CliError> {
    let http = http_client(cfg)?;
    Ok(match detect(&http, &cfg.url, profile.can_use_v2()).await {
        Ok(d) => {
            let connector = profile
                .connector(cfg, http, secrets, d)
                .map_err(|e| CliError::usage(e.to_string()))?;
            let desk = guichet_core::ServiceDesk::glpi(connector, wording_from_env());
            match desk.connector().authenticate().await {
                Ok(()) => eprintln!("connected to {} with GLPI API {}", cfg.url, d.used),
                Err(e @ ConnectorError::Auth(_)) => {
                    return Err(CliError::new(
                        "auth",
                        EXIT_AUTH,
                        anyhow::anyhow!("{e}; nothing was saved"),
                    ))
                }
                Err(e @ ConnectorError::OverLimit(_)) => {
                    desk.close().await;
                    return Err(over_limit(e, "nothing was saved"));
                }
                Err(e) => {
                    eprintln!(
                        "warning: could not check the credentials now ({}); saved anyway",
                        crate::output::terminal(&e.to_string())
                    )
                }
            }
            desk.close().await;
            Some(DetectedApi::new(d, now))
        }
        Err(e @ guichet_glpi::GlpiError::OverLimit(_)) => {
            return Err(over_limit(e, "nothing was saved"))
        }
        // Being offline while configuring is allowed: the API is detected at the next sync.
        Err(e) => {
            eprintln!(
                "warning: could not reach {} now ({}); saved anyway",
                cfg.url,
                crate::output::terminal(&e.to_string())
            );
            None
        }
    })
}

/// The GLPI part of `guichet sync --status`.
#[derive(Debug, Serialize)]
pub struct GlpiStatus {
    /// The API the last detection chose.
    api: Option<DetectedApi>,
    /// The inventory endpoint, when inventories are sent.
    inventory_url: Option<String>,
    /// The last inventory the server accepted, per machine (this one, and those relayed from
    /// imported bundles), newest first.
    inventories: Vec<InventoryPush>,
}

/// Reads the GLPI status (no network).
pub async fn status(store: &Store) -> Result<GlpiStatus, CliError> {
    let profile = GlpiProfile::load(store).await.map_err(sync_error)?;
    Ok(GlpiStatus {
        api: DetectedApi::load(store).await.map_err(sync_error)?,
        inventory_url: profile.and_then(|p| p.inventory).map(|i| i.url),
        inventories: store.inventory_pushes("glpi").await?,
    })
}

/// Human-readable lines of the GLPI status.
pub fn status_text(s: &GlpiStatus) -> String {
    let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let mut out = String::new();
    match &s.api {
        Some(a) => out.push_str(&format!(
            "GLPI API: {} (v2 {}), detected {}\n",
            a.used,
            if a.v2_offered {
                "offered"
            } else {
                "not offered"
            },
            fmt(a.detected_at)
        )),
        None => out.push_str("GLPI API: not detected yet (next sync)\n"),
    }
    match &s.inventory_url {
        None => out.push_str("inventory: not sent to this server\n"),
        Some(url) if s.inventories.is_empty() => {
            out.push_str(&format!("inventory: {url}, nothing submitted yet\n"))
        }
        Some(url) => out.push_str(&format!("inventory: {url}\n")),
    }
    for p in &s.inventories {
        out.push_str(&format!(
            "  {}: last contact {} ({}, accepted",
            p.deviceid,
            fmt(p.contacted_at),
            match p.mode {
                guichet_store::InventoryMode::Full => "full",
                guichet_store::InventoryMode::Partial => "partial",
                guichet_store::InventoryMode::Unchanged => "unchanged, contact only",
            }
        ));
        if let Some(m) = &p.message {
            out.push_str(&format!(": {m}"));
        }
        out.push_str(")\n");
        match (p.next_contact_secs, p.next_contact_at) {
            (Some(secs), Some(at)) => out.push_str(&format!(
                "  next contact: from {} (the server asked for {} h)\n",
                fmt(at),
                secs / 3600
            )),
            _ => out.push_str("  next contact: the server gave no delay\n"),
        }
    }
    out
}
