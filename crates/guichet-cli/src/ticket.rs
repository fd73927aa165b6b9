//! `guichet ticket new|list|show|reply|submit`: report a problem and follow it, online or not.
//! Tickets and replies can carry files (`--attach`, repeatable); `show` lists every reply's.
//!
//! Nothing here talks to a server: a new ticket or reply is written to the local store together
//! with its outbox entry, and `guichet sync` sends it when the network is there.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use guichet_core::{ProblemReport, SystemInfo};
use guichet_store::{DescriptionFormat, ReplySide, Store, Ticket};
use uuid::Uuid;

use crate::error::CliError;
use crate::{output, Context};

/// `guichet ticket …`
#[derive(Debug, Args)]
pub struct TicketArgs {
    #[command(subcommand)]
    sub: TicketSub,
}

#[derive(Debug, Subcommand)]
enum TicketSub {
    /// Report a problem. It is queued and sent by `guichet sync` (or kept with `--draft`).
    New(NewArgs),
    /// List tickets, newest first. `--json` for JSON.
    List,
    /// Show a ticket and its replies. ID: local UUID, unique prefix (4+), or the server's id.
    Show {
        /// The ticket.
        id: String,
    },
    /// Reply to a ticket; the reply is queued like tickets.
    Reply {
        /// The ticket.
        id: String,
        /// The reply's text.
        #[arg(long)]
        body: String,
        /// Attach a file (repeatable); sent with the reply.
        #[arg(long = "attach", value_name = "FILE")]
        attach: Vec<PathBuf>,
    },
    /// Queue a draft for sending.
    Submit {
        /// The ticket.
        id: String,
    },
}

#[derive(Debug, Args)]
struct NewArgs {
    /// Title, one line.
    #[arg(long)]
    title: String,
    /// Description (plain text, or Markdown with `--markdown`).
    #[arg(long)]
    body: String,
    /// The description is Markdown.
    #[arg(long)]
    markdown: bool,
    /// Category (free text, e.g. hardware, network, account).
    #[arg(long)]
    category: Option<String>,
    /// Urgency/impact, 1 (lowest) to 5 (highest).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=5))]
    urgency: u8,
    /// Attach a file or screenshot (repeatable).
    #[arg(long = "attach", value_name = "FILE")]
    attach: Vec<PathBuf>,
    /// Attach a summary of this machine (OS, model, CPU, memory, volumes, network).
    #[arg(long)]
    with_inventory: bool,
    /// Attach the output of a recorded fix-it run (`guichet fix runs`; repeatable).
    #[arg(long = "attach-fix-run", value_name = "RUN")]
    attach_fix_run: Vec<i64>,
    /// Add the last diagnosis (`guichet diagnose`) to the description: its worst status and
    /// each warning and problem.
    #[arg(long)]
    with_diagnosis: bool,
    /// Keep it as a local draft; `ticket submit` queues it.
    #[arg(long)]
    draft: bool,
    /// Requester (default: the login name).
    #[arg(long)]
    requester: Option<String>,
}

/// Runs `guichet ticket`.
pub async fn run(ctx: &Context, args: TicketArgs) -> Result<(), CliError> {
    let store = ctx.store().await?;
    let now = Utc::now();
    match args.sub {
        TicketSub::New(a) => new(ctx, &store, a, now).await,
        TicketSub::List => {
            let list = store.tickets().await?;
            print(ctx, &list, || list_table(&list))
        }
        TicketSub::Show { id } => {
            let t = store.ticket(store.resolve_ticket(&id).await?).await?;
            print(ctx, &t, || show_text(&t))
        }
        TicketSub::Reply { id, body, attach } => {
            let ticket = store.resolve_ticket(&id).await?;
            let limit = guichet_core::attachment_limit(&store).await?;
            let attachments = attach
                .iter()
                .map(|p| guichet_core::attachment_from_file(p, limit))
                .collect::<Result<Vec<_>, _>>()?;
            let reply =
                guichet_core::reply(&store, ticket, Uuid::new_v4(), &body, &attachments, now)
                    .await?;
            eprintln!("reply {} queued for ticket {ticket}", reply.id);
            print(ctx, &reply, || format!("{}\n", reply.id))
        }
        TicketSub::Submit { id } => {
            let t = store
                .submit_draft(store.resolve_ticket(&id).await?, now)
                .await?;
            eprintln!("ticket {} queued", t.id);
            print(ctx, &t, || format!("{}\n", t.id))
        }
    }
}

fn print<T: serde::Serialize>(
    ctx: &Context,
    value: &T,
    text: impl FnOnce() -> String,
) -> Result<(), CliError> {
    let bytes = if ctx.json {
        let mut b = serde_json::to_vec_pretty(value).context("encoding JSON")?;
        b.push(b'\n');
        b
    } else {
        text().into_bytes()
    };
    output::write(None, &bytes)?;
    Ok(())
}

async fn new(ctx: &Context, store: &Store, a: NewArgs, now: DateTime<Utc>) -> Result<(), CliError> {
    let limit = guichet_core::attachment_limit(store).await?;
    let mut attachments = a
        .attach
        .iter()
        .map(|p| guichet_core::attachment_from_file(p, limit))
        .collect::<Result<Vec<_>, _>>()?;
    for run in &a.attach_fix_run {
        let run = guichet_core::fix_run(store, *run).await?;
        attachments.push(guichet_core::fix_run_attachment(&run));
    }
    let diagnosis = if a.with_diagnosis {
        Some(store.last_diagnosis().await?.ok_or_else(|| {
            CliError::new(
                "not_found",
                3,
                anyhow::anyhow!("no diagnosis yet: run `guichet diagnose` first"),
            )
        })?)
    } else {
        None
    };
    let report = ProblemReport {
        id: Uuid::new_v4(),
        title: a.title,
        description: a.body,
        description_format: if a.markdown {
            DescriptionFormat::Markdown
        } else {
            DescriptionFormat::Text
        },
        category: a.category,
        urgency: a.urgency,
        requester: a.requester,
        system_info: if a.with_inventory {
            SystemInfo::Collect(Duration::from_secs(15))
        } else {
            SystemInfo::None
        },
        snapshot_id: Uuid::new_v4(),
        attachments,
        draft: a.draft,
        diagnosis,
    };
    let filed = guichet_core::file_report(store, report, now).await?;
    if let Some(meta) = &filed.snapshot {
        eprintln!("attached inventory snapshot {} ({})", meta.id, meta.uuid);
    }
    let t = filed.ticket;
    eprintln!(
        "ticket {} {}",
        t.id,
        if a.draft {
            "saved as a draft"
        } else {
            "queued; `guichet sync` sends it"
        }
    );
    print(ctx, &t, || format!("{}\n", t.id))
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    t
}

fn state(t: &Ticket) -> String {
    match &t.failure {
        Some(f) => format!("{} ({f})", t.local_state.as_str()),
        None => t.local_state.as_str().to_string(),
    }
}

fn list_table(list: &[Ticket]) -> String {
    if list.is_empty() {
        return "no tickets\n".into();
    }
    let mut t = table(&[
        "ID", "Remote", "State", "Status", "Urgency", "Replies", "Title",
    ]);
    for k in list {
        t.add_row(vec![
            k.id.to_string()[..8].to_string(),
            k.remote_id.clone().unwrap_or_default(),
            state(k),
            k.remote_status.clone().unwrap_or_default(),
            k.urgency.to_string(),
            k.replies.len().to_string(),
            k.title.clone(),
        ]);
    }
    format!("{t}\n")
}

fn show_text(t: &Ticket) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", t.title);
    let mut kv = table(&["Field", "Value"]);
    let rows = [
        ("ID", t.id.to_string()),
        ("Remote id", t.remote_id.clone().unwrap_or_default()),
        ("State", state(t)),
        ("Status", t.remote_status.clone().unwrap_or_default()),
        ("Category", t.category.clone().unwrap_or_default()),
        ("Urgency", t.urgency.to_string()),
        ("Requester", t.requester.clone()),
        (
            "Created",
            t.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
        (
            "Inventory",
            t.snapshot_uuid.map(|u| u.to_string()).unwrap_or_default(),
        ),
    ];
    for (k, v) in rows.into_iter().filter(|(_, v)| !v.is_empty()) {
        kv.add_row(vec![k.to_string(), v]);
    }
    let _ = writeln!(out, "{kv}\n\n{}\n", t.description);
    if !t.attachments.is_empty() {
        let mut a = table(&["Attachment", "Type", "Size"]);
        for x in &t.attachments {
            a.add_row(vec![
                x.file_name.clone(),
                x.content_type.clone(),
                crate::table::size(x.size),
            ]);
        }
        let _ = writeln!(out, "{a}");
    }
    for r in &t.replies {
        let who = match r.side {
            ReplySide::Local => format!("{} (you)", r.author),
            ReplySide::Remote => r.author.clone(),
        };
        let pending = match (r.side, r.local_state.as_str(), &r.failure) {
            (ReplySide::Local, "sent", _) | (ReplySide::Remote, _, _) => String::new(),
            (_, s, None) => format!(" [{s}]"),
            (_, s, Some(f)) => format!(" [{s}: {f}]"),
        };
        let _ = writeln!(
            out,
            "--- {who}, {}{pending}\n{}\n",
            r.created_at.format("%Y-%m-%d %H:%M UTC"),
            r.body
        );
        if !r.attachments.is_empty() {
            let mut a = table(&["Attachment", "Type", "Size", "Stored"]);
            for x in &r.attachments {
                a.add_row(vec![
                    x.file_name.clone(),
                    x.content_type.clone(),
                    crate::table::size(x.size),
                    // A technician's file over the limit is only known by name.
                    match &x.blob_id {
                        Some(b) => b.as_str()[..12].to_string(),
                        None => "not downloaded (too large)".into(),
                    },
                ]);
            }
            let _ = writeln!(out, "{a}\n");
        }
    }
    out
}
