//! `guichet sync` killed with SIGKILL at random moments against a real Request Tracker 5, behind
//! a slow fault proxy (every request waits on its way to RT, bodies move in small pieces both
//! ways) so that most kills land in the middle of a request: uploading a ticket and its file,
//! waiting for RT's answer, or reading it. Between kills more tickets and replies, many with a
//! file, are queued, some by a `guichet ticket new` running beside the sync. After each kill the
//! store must pass `PRAGMA integrity_check`; at the end a clean sync sends the rest, and RT must
//! hold every queued ticket and reply exactly once, counted by their client UUID keys, with
//! their files.
//!
//! `GUICHET_SOAK_KILLS` sets the number of kills (default 10: the CI variant; `scripts/soak.sh`
//! runs 100) and `GUICHET_SOAK_SEED` replays a run's random choices. The figures are printed
//! as one `soak:` line at the end (`--nocapture` shows it).
//!
//! RT is required (CI installs it); `GUICHET_SKIP_RT=1` skips the test explicitly.

// A scenario test reads in order, step after step: the house limit on function length is for
// the code under test.
#![allow(clippy::too_many_lines)]

mod keyring;
use keyring::{describe, guichet};

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use guichet_testkit::{FaultProxy, Pace, RtServer, Technician};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use serde_json::Value;

/// Kills in the CI variant.
const CI_KILLS: usize = 10;
/// The latest a kill lands after the sync started.
const MAX_KILL_AFTER: Duration = Duration::from_millis(2500);
/// How long the clean syncs after the kills may take to empty the queue.
const CLEAN_UP: Duration = Duration::from_secs(300);
/// The proxy's pace during the kills: a request waits 150 ms on its way, bodies move 16 KiB
/// every 15 ms (a ticket's 300 KiB file takes about half a second to upload).
const SLOW: Pace = Pace {
    latency: Duration::from_millis(150),
    chunk: 16 * 1024,
    chunk_delay: Duration::from_millis(15),
};

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", describe(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn env_number(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    Some(
        v.parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, not {v}")),
    )
}

/// The keyring entry `connect` made, removed when the test ends however it ends.
struct SecretGuard(String);

impl Drop for SecretGuard {
    fn drop(&mut self) {
        guichet_sync::secret::delete(&self.0);
    }
}

/// Something queued, to be found on RT exactly once.
#[derive(Debug)]
struct Queued {
    /// Its client UUID.
    id: String,
    /// The file sent with it, if any.
    file: Option<PathBuf>,
}

/// What the kills did, for the closing line.
#[derive(Debug, Default)]
struct Figures {
    kills: usize,
    /// Syncs that had ended before their kill came.
    ended_before_kill: usize,
    /// Kills while the proxy held a request of the killed process.
    mid_request: usize,
    integrity_ok: usize,
    /// Tickets queued by a `ticket new` running beside a sync.
    beside_sync: usize,
}

/// The data directory under test and what was queued in it.
struct Soak {
    dir: tempfile::TempDir,
    files: tempfile::TempDir,
    run: String,
    rng: StdRng,
    tickets: Vec<Queued>,
    replies: Vec<Queued>,
}

impl Soak {
    fn data(&self) -> &Path {
        self.dir.path()
    }

    /// A file of `min..max` random bytes to attach.
    fn file(&mut self, min: usize, max: usize) -> PathBuf {
        let mut bytes = vec![0u8; self.rng.random_range(min..max)];
        self.rng.fill_bytes(&mut bytes);
        let path = self
            .files
            .path()
            .join(format!("f{}.bin", self.tickets.len() + self.replies.len()));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn new_ticket_args(&mut self) -> (Vec<String>, PathBuf) {
        let file = self.file(20_000, 300_000);
        let title = format!("{} ticket {}", self.run, self.tickets.len());
        let args = [
            "ticket",
            "new",
            "--title",
            &title,
            "--body",
            "Soak: the printer jams again.",
            "--attach",
            file.to_str().unwrap(),
        ]
        .map(String::from)
        .to_vec();
        (args, file)
    }

    fn queue_ticket(&mut self) {
        let (args, file) = self.new_ticket_args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let id = ok(guichet(self.data(), &args, "")).trim().to_owned();
        self.tickets.push(Queued {
            id,
            file: Some(file),
        });
    }

    /// A reply to any ticket queued so far (sent or not), with a file every other time.
    fn queue_reply(&mut self) {
        let ticket = self.tickets[self.rng.random_range(0..self.tickets.len())]
            .id
            .clone();
        let body = format!("{} reply {}", self.run, self.replies.len());
        let mut args: Vec<&str> = vec!["ticket", "reply", ticket.as_str(), "--body", body.as_str()];
        let file = self.rng.random_bool(0.5).then(|| self.file(1_000, 60_000));
        let file_arg = file.as_ref().map(|f| f.to_str().unwrap().to_owned());
        if let Some(f) = &file_arg {
            args.extend(["--attach", f.as_str()]);
        }
        let id = ok(guichet(self.data(), &args, "")).trim().to_owned();
        self.replies.push(Queued { id, file });
    }

    /// `guichet sync`, as `keyring::guichet` runs it, but left running.
    fn spawn_sync(&self) -> Child {
        keyring::command(self.data(), &["sync"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("running keyctl (package keyutils) and guichet")
    }

    /// `PRAGMA integrity_check` by the sqlite3 program, as an admin would check a store.
    fn integrity(&self) -> String {
        let out = Command::new("sqlite3")
            .arg(self.data().join(guichet_store::DATABASE_FILE))
            .arg("PRAGMA integrity_check;")
            .output()
            .expect("running sqlite3 (package sqlite3)");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout).trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        )
    }

    /// One round: queue, sync, kill at a random moment, check the store.
    fn round(&mut self, k: usize, proxy: &FaultProxy, figures: &mut Figures) {
        self.queue_ticket();
        self.queue_reply();
        let mut sync = self.spawn_sync();
        let started = Instant::now();
        // Every fourth round a ticket is also queued while the sync runs.
        if k % 4 == 3 {
            let (args, file) = self.new_ticket_args();
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let id = ok(guichet(self.data(), &args, "")).trim().to_owned();
            self.tickets.push(Queued {
                id,
                file: Some(file),
            });
            figures.beside_sync += 1;
        }
        let at =
            Duration::from_millis(self.rng.random_range(0..=MAX_KILL_AFTER.as_millis() as u64));
        std::thread::sleep(at.saturating_sub(started.elapsed()));
        if sync.try_wait().unwrap().is_some() {
            figures.ended_before_kill += 1;
        } else {
            if proxy.in_flight() > 0 {
                figures.mid_request += 1;
            }
            sync.kill().unwrap(); // SIGKILL
        }
        sync.wait().unwrap();
        figures.kills += 1;
        let integrity = self.integrity();
        assert_eq!(integrity, "ok", "integrity after kill {k}");
        figures.integrity_ok += 1;
    }
}

/// How many of `items` RT holds 0 times (lost), more than once (duplicated), and the RT ids of
/// those it holds once.
struct Count {
    lost: Vec<String>,
    duplicated: Vec<(String, Vec<u64>)>,
    once: Vec<(usize, u64)>,
}

fn count(items: &[Queued], found: impl Fn(&str) -> Vec<u64>) -> Count {
    let mut c = Count {
        lost: Vec::new(),
        duplicated: Vec::new(),
        once: Vec::new(),
    };
    for (i, q) in items.iter().enumerate() {
        match found(&q.id).as_slice() {
            [] => c.lost.push(q.id.clone()),
            [one] => c.once.push((i, *one)),
            many => c.duplicated.push((q.id.clone(), many.to_vec())),
        }
    }
    c
}

/// The files RT holds for transaction `txn`.
fn files_of(rt: &tokio::runtime::Runtime, tech: &Technician, txn: u64) -> Vec<Vec<u8>> {
    rt.block_on(tech.transaction_files(txn))
        .unwrap()
        .into_iter()
        .map(|(_, bytes)| bytes)
        .collect()
}

/// The transaction that created ticket `id`.
fn creation_of(rt: &tokio::runtime::Runtime, tech: &Technician, id: u64) -> u64 {
    let history = rt.block_on(tech.ticket_history(id)).unwrap();
    let create = history
        .iter()
        .find(|h| h["Type"] == "Create")
        .unwrap_or_else(|| panic!("no Create in the history of {id}: {history:?}"));
    match &create["id"] {
        Value::String(s) => s.parse().unwrap(),
        v => v.as_u64().unwrap(),
    }
}

/// Files queued with `items` that RT does not hold with the same bytes.
fn missing_files(
    rt: &tokio::runtime::Runtime,
    tech: &Technician,
    items: &[Queued],
    once: &[(usize, u64)],
    txn_of: impl Fn(u64) -> u64,
) -> Vec<String> {
    once.iter()
        .filter_map(|&(i, remote)| {
            let file = items[i].file.as_ref()?;
            let bytes = std::fs::read(file).unwrap();
            (!files_of(rt, tech, txn_of(remote)).contains(&bytes)).then(|| items[i].id.clone())
        })
        .collect()
}

#[test]
fn sync_killed_at_random_moments_loses_and_duplicates_nothing() {
    if std::env::var("GUICHET_SKIP_RT").as_deref() == Ok("1") {
        eprintln!("SKIP: GUICHET_SKIP_RT=1, Request Tracker tests not run");
        return;
    }
    let server = RtServer::shared().unwrap_or_else(|e| {
        panic!("Request Tracker 5 is required ({e}); or set GUICHET_SKIP_RT=1 to skip")
    });
    let kills = env_number("GUICHET_SOAK_KILLS").map_or(CI_KILLS, |n| n as usize);
    let seed = env_number("GUICHET_SOAK_SEED").unwrap_or_else(|| rand::rng().next_u64());
    eprintln!("soak: {kills} kills, GUICHET_SOAK_SEED={seed}");
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let tech = Technician::new(server);
    let proxy = FaultProxy::start(server.url()).unwrap();
    let url = proxy.url();
    let _secret = SecretGuard(guichet_sync::secret::account("rt", &url, RtServer::USER));
    let mut soak = Soak {
        dir: tempfile::tempdir().unwrap(),
        files: tempfile::tempdir().unwrap(),
        run: format!("soak-{seed:016x}"),
        rng: StdRng::seed_from_u64(seed),
        tickets: Vec::new(),
        replies: Vec::new(),
    };
    ok(guichet(
        soak.data(),
        &[
            "connect",
            "rt",
            "--url",
            &url,
            "--user",
            RtServer::USER,
            "--queue",
            RtServer::QUEUE,
            "--timeout",
            "10",
        ],
        &format!("{}\n", RtServer::USER_PASSWORD),
    ));

    proxy.set_pace(SLOW);
    let mut figures = Figures::default();
    for k in 0..kills {
        soak.round(k, &proxy, &mut figures);
    }

    // The clean syncs: full speed, entries waiting for a retry sent now. An entry a killed
    // process had claimed may wait for its claim to expire: syncs go on until the queue is
    // empty, for at most CLEAN_UP.
    proxy.set_pace(Pace::default());
    let clean_from = Instant::now();
    let mut clean_syncs = 0;
    loop {
        clean_syncs += 1;
        let out = guichet(soak.data(), &["sync", "--retry"], "");
        let status: Value = serde_json::from_str(&ok(guichet(
            soak.data(),
            &["sync", "--status", "--json"],
            "",
        )))
        .unwrap();
        if out.status.success() && status["queue"].as_array().unwrap().is_empty() {
            break;
        }
        assert!(
            clean_from.elapsed() < CLEAN_UP,
            "the queue does not empty: {}",
            describe(&out)
        );
        std::thread::sleep(Duration::from_secs(2));
    }

    let tickets = count(&soak.tickets, |id| {
        runtime.block_on(tech.tickets_by_client_uuid(id)).unwrap()
    });
    let replies = count(&soak.replies, |id| {
        runtime
            .block_on(tech.transactions_by_client_uuid(id))
            .unwrap()
    });
    let by_subject = runtime
        .block_on(tech.tickets_with_subject_containing(&soak.run))
        .unwrap()
        .len();
    let ticket_files = missing_files(&runtime, &tech, &soak.tickets, &tickets.once, |id| {
        creation_of(&runtime, &tech, id)
    });
    let reply_files = missing_files(&runtime, &tech, &soak.replies, &replies.once, |t| t);
    let files = soak.tickets.len() + soak.replies.iter().filter(|r| r.file.is_some()).count();
    let requests = proxy.log();
    let creations = requests
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/REST/2.0/ticket" && r.forwarded)
        .count();
    println!(
        "soak: seed {seed}, {} kills ({} mid-request, {} syncs ended before their kill), \
         {} tickets ({} queued beside a running sync) and {} replies queued, {files} files; \
         on RT: {} tickets by subject, lost {} tickets + {} replies, duplicated {} tickets + {} \
         replies, files missing {}; integrity_check ok after {}/{} kills; {} requests through \
         the proxy, {} ticket creations reached RT; {clean_syncs} clean sync(s); {:.1} s",
        figures.kills,
        figures.mid_request,
        figures.ended_before_kill,
        soak.tickets.len(),
        figures.beside_sync,
        soak.replies.len(),
        by_subject,
        tickets.lost.len(),
        replies.lost.len(),
        tickets.duplicated.len(),
        replies.duplicated.len(),
        ticket_files.len() + reply_files.len(),
        figures.integrity_ok,
        figures.kills,
        requests.len(),
        creations,
        started.elapsed().as_secs_f64(),
    );
    assert!(tickets.lost.is_empty(), "lost tickets: {:?}", tickets.lost);
    assert!(replies.lost.is_empty(), "lost replies: {:?}", replies.lost);
    assert!(
        tickets.duplicated.is_empty(),
        "duplicated tickets (uuid, RT ids): {:?}",
        tickets.duplicated
    );
    assert!(
        replies.duplicated.is_empty(),
        "duplicated replies (uuid, RT transactions): {:?}",
        replies.duplicated
    );
    assert_eq!(by_subject, soak.tickets.len(), "RT tickets of this run");
    assert!(
        ticket_files.is_empty(),
        "tickets without their file: {ticket_files:?}"
    );
    assert!(
        reply_files.is_empty(),
        "replies without their file: {reply_files:?}"
    );
    assert!(
        figures.mid_request > 0,
        "no kill landed in the middle of a request: the soak tested nothing"
    );
}
