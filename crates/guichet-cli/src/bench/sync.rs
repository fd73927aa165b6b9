//! `guichet bench sync`: what Guichet's client costs on top of the HTTP it sends. Pushes N
//! tickets to the configured GLPI (REST API v1) twice over: through the sync engine (outbox
//! claim, connector, store commit: what `guichet sync` does) and as the same HTTP sequence sent
//! by a bare HTTP client (session, then per ticket the search by client UUID, the creation and
//! the read-back; the session closed at the end). The two alternate in batches so that the
//! server's own slowing down as its ticket table grows weighs on both alike. Reports the time
//! per ticket of each and the client's overhead.
//!
//! It creates real tickets on the server: run it against a test GLPI.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::Utc;
use clap::Args;
use guichet_glpi::{content, GlpiProfile};
use guichet_store::{NewTicket, Store};
use guichet_sync::config::ConnectorConfig;
use guichet_sync::{Engine, RetryPolicy};
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::error::CliError;
use crate::Context;
use guichet_core::CoreError;

/// Requests per ticket of the bare sequence: search by UUID, create, read back (plus, per
/// batch, `initSession`, `getFullSession` and `killSession`, as each pass of the engine).
const RAW_REQUESTS_PER_TICKET: usize = 3;

/// What each benchmark ticket says.
const DESCRIPTION: &str = "Benchmark ticket: the printer on the second floor jams.";

/// The overhead the client is meant to stay under, in percent of the bare HTTP time.
const TARGET_OVERHEAD_PCT: f64 = 10.0;

/// `guichet bench sync …`
#[derive(Debug, Args)]
pub struct BenchSyncArgs {
    /// Tickets pushed by each side.
    #[arg(long, default_value_t = 1000)]
    tickets: usize,
    /// Tickets per batch; the sides alternate batch by batch.
    #[arg(long, default_value_t = 50)]
    batch: usize,
}

/// The figures.
#[derive(Debug, Serialize)]
pub struct SyncBenchReport {
    /// The server.
    pub url: String,
    /// Tickets pushed by each side.
    pub tickets: usize,
    /// Guichet's sync engine: milliseconds per ticket.
    pub client_ms_per_ticket: f64,
    /// The bare HTTP client: milliseconds per ticket.
    pub raw_ms_per_ticket: f64,
    /// `(client - raw) / raw`, percent.
    pub overhead_pct: f64,
    /// The goal.
    pub target_overhead_pct: f64,
    /// HTTP requests per ticket of the bare sequence.
    pub raw_requests_per_ticket: usize,
}

/// Runs the benchmark against the GLPI configured in the data directory.
pub async fn run(ctx: &Context, args: BenchSyncArgs) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let Some(cfg) = ConnectorConfig::load(&store)
        .await
        .map_err(CoreError::Sync)?
    else {
        return Err(CliError::usage(
            "no server configured: `guichet connect glpi …` a test GLPI first",
        ));
    };
    if cfg.kind != "glpi" {
        return Err(CliError::usage(format!(
            "`bench sync` measures GLPI; the configured server is {}",
            cfg.kind
        )));
    }
    let profile = GlpiProfile::load(&store)
        .await
        .map_err(CoreError::Sync)?
        .context("the GLPI profile is missing: run `guichet connect glpi` again")?;
    if profile.can_use_v2() {
        return Err(CliError::usage(
            "`bench sync` compares API v1 sequences: connect without --api-client-id",
        ));
    }
    let secrets = profile
        .load_secrets(
            &cfg,
            &guichet_sync::secret::SecretStore::of_data_dir(store.dir()),
        )
        .map_err(CoreError::Sync)?;
    let raw = Raw::new(&cfg, &profile, &secrets);
    let (mut client_time, mut raw_time) = (Duration::ZERO, Duration::ZERO);
    let mut done = 0;
    while done < args.tickets {
        let n = args.batch.min(args.tickets - done).max(1);
        client_time += client_batch(&store, &cfg, n).await?;
        raw_time += raw.batch(n).await?;
        done += n;
    }
    let per = |d: Duration| d.as_secs_f64() * 1000.0 / args.tickets as f64;
    let (client_ms, raw_ms) = (per(client_time), per(raw_time));
    let report = SyncBenchReport {
        url: cfg.url.clone(),
        tickets: args.tickets,
        client_ms_per_ticket: client_ms,
        raw_ms_per_ticket: raw_ms,
        overhead_pct: (client_ms - raw_ms) / raw_ms * 100.0,
        target_overhead_pct: TARGET_OVERHEAD_PCT,
        raw_requests_per_ticket: RAW_REQUESTS_PER_TICKET,
    };
    print(ctx, &report)
}

fn print(ctx: &Context, r: &SyncBenchReport) -> Result<(), CliError> {
    if ctx.json {
        println!(
            "{}",
            serde_json::to_string_pretty(r).context("encoding JSON")?
        );
    } else {
        println!(
            "{} tickets to {}: Guichet {:.1} ms/ticket, bare HTTP {:.1} ms/ticket \
             ({} requests each): overhead {:+.1} % (goal ≤ {:.0} %)",
            r.tickets,
            r.url,
            r.client_ms_per_ticket,
            r.raw_ms_per_ticket,
            r.raw_requests_per_ticket,
            r.overhead_pct,
            r.target_overhead_pct
        );
    }
    Ok(())
}

/// Queues `n` tickets in a fresh store and pushes them with the sync engine; the time of the
/// push (connection, session and its closing included, as in a pass).
async fn client_batch(
    store: &Store,
    cfg: &ConnectorConfig,
    n: usize,
) -> Result<Duration, CliError> {
    let dir = tempfile::tempdir().context("creating a temporary store")?;
    let queue = Store::open(dir.path()).await?;
    let now = Utc::now();
    for i in 0..n {
        queue
            .create_ticket(&bench_ticket(Uuid::new_v4(), i), 0, now)
            .await?;
    }
    let started = Instant::now();
    let desk = guichet_core::open_desk(
        store,
        cfg,
        &crate::sync::http_options(cfg)?,
        guichet_glpi::technical,
        now,
    )
    .await?;
    let engine = Engine::new(&queue, desk.connector(), None, RetryPolicy::default());
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::from_os_rng();
    let report = engine
        .push_only(now, &mut rng)
        .await
        .map_err(CoreError::Sync)?;
    desk.close().await;
    let elapsed = started.elapsed();
    if report.pushed.len() != n {
        return Err(anyhow::anyhow!(
            "the client pushed {} of {n} tickets: {:?} {:?}",
            report.pushed.len(),
            report.stopped,
            report.deferred
        )
        .into());
    }
    Ok(elapsed)
}

fn bench_ticket(id: Uuid, i: usize) -> NewTicket {
    NewTicket {
        id,
        fields: guichet_store::TicketFields {
            title: format!("bench sync {i}"),
            description: DESCRIPTION.into(),
            description_format: guichet_store::DescriptionFormat::Text,
            category: None,
            urgency: 3,
            requester: String::new(),
        },
        snapshot_uuid: None,
        attachments: Vec::new(),
        draft: false,
    }
}

/// The bare HTTP client: the requests the connector sends, nothing else.
struct Raw {
    http: reqwest::Client,
    api: String,
    app_token: Option<String>,
    /// `Authorization` header, or Basic credentials.
    auth: RawAuth,
}

enum RawAuth {
    Token(String),
    Basic(String, String),
}

/// One session of the bare client.
struct RawSession {
    headers: reqwest::header::HeaderMap,
    user_id: i64,
}

impl Raw {
    fn new(
        cfg: &ConnectorConfig,
        profile: &GlpiProfile,
        secrets: &guichet_glpi::GlpiSecrets,
    ) -> Raw {
        Raw {
            http: reqwest::Client::new(),
            api: format!("{}/apirest.php", cfg.url.trim_end_matches('/')),
            app_token: secrets.app_token.as_ref().map(|t| t.expose().to_owned()),
            auth: if profile.password_login {
                RawAuth::Basic(cfg.user.clone(), secrets.user.expose().to_owned())
            } else {
                RawAuth::Token(secrets.user.expose().to_owned())
            },
        }
    }

    /// `initSession` then `getFullSession` (the requester's id), as a pass does.
    async fn open(&self) -> anyhow::Result<RawSession> {
        let mut init = self.http.get(format!("{}/initSession", self.api));
        if let Some(app) = &self.app_token {
            init = init.header("App-Token", app);
        }
        init = match &self.auth {
            RawAuth::Basic(login, password) => init.basic_auth(login, Some(password)),
            RawAuth::Token(t) => init.header("Authorization", format!("user_token {t}")),
        };
        let session: Value = init.send().await.context("initSession")?.json().await?;
        let token = session["session_token"]
            .as_str()
            .context("initSession without session_token")?;
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("Session-Token", token.parse().context("session token")?);
        if let Some(app) = &self.app_token {
            headers.insert("App-Token", app.parse().context("App-Token")?);
        }
        let full: Value = self
            .http
            .get(format!("{}/getFullSession", self.api))
            .headers(headers.clone())
            .send()
            .await?
            .json()
            .await?;
        Ok(RawSession {
            user_id: full["session"]["glpiID"].as_i64().unwrap_or(0),
            headers,
        })
    }

    /// One session pushing `n` tickets (search, create, read back, each), then closed.
    async fn batch(&self, n: usize) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let session = self.open().await?;
        for i in 0..n {
            self.push(&session, i).await?;
        }
        self.http
            .get(format!("{}/killSession", self.api))
            .headers(session.headers.clone())
            .send()
            .await?;
        Ok(started.elapsed())
    }

    async fn push(&self, session: &RawSession, i: usize) -> anyhow::Result<()> {
        let uuid = Uuid::new_v4();
        let found: Value = self
            .http
            .get(format!("{}/Ticket/", self.api))
            .headers(session.headers.clone())
            .query(&[
                ("searchText[content]", content::marker_key(uuid)),
                ("range", "0-1".to_owned()),
            ])
            .send()
            .await?
            .json()
            .await?;
        if found.as_array().is_some_and(|a| !a.is_empty()) {
            anyhow::bail!("a new UUID was found on the server");
        }
        let html = content::plain_to_html(DESCRIPTION);
        let created: Value = self
            .http
            .post(format!("{}/Ticket/", self.api))
            .headers(session.headers.clone())
            .json(&json!({"input": {
                "name": format!("bench raw {i}"),
                "content": content::with_marker(&html, uuid),
                "type": 1,
                "urgency": 3,
                "_users_id_requester": session.user_id,
            }}))
            .send()
            .await?
            .json()
            .await?;
        let id = created["id"].as_i64().context("creation without id")?;
        self.http
            .get(format!("{}/Ticket/{id}", self.api))
            .headers(session.headers.clone())
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        Ok(())
    }
}
