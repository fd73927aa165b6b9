//! The sandbox for real: bubblewrap as installed on this machine (skipped with a note where it
//! is not installed; CI installs it).

use std::io::Write as _;
use std::time::Duration;

use guichet_actions::published::{Sandbox, MAX_OUTPUT_BYTES};

fn sandbox() -> Option<Sandbox> {
    match Sandbox::find() {
        Ok(s) => Some(s),
        Err(e) => {
            eprintln!("skipped: {e}");
            None
        }
    }
}

#[test]
fn the_system_is_read_only_the_home_absent_and_tmp_private() {
    let Some(s) = sandbox() else { return };
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let marker = tempfile::NamedTempFile::new().unwrap();
    let script = format!(
        "echo start\n\
         touch /usr/guichet-probe && echo USR-WRITABLE\n\
         touch /etc/guichet-probe && echo ETC-WRITABLE\n\
         test -e '{home}' && echo HOME-VISIBLE\n\
         test -e '{}' && echo HOST-TMP-VISIBLE\n\
         echo scratch > /tmp/x && echo tmp-ok\n\
         echo work > ./w && echo work-ok\n\
         echo home=$HOME\n",
        marker.path().display()
    );
    let run = s.run(&script, false, Duration::from_secs(20)).unwrap();
    let out = &run.output;
    assert!(run.succeeded(), "{run:?}");
    assert!(
        out.contains("start") && out.contains("tmp-ok") && out.contains("work-ok"),
        "{out}"
    );
    assert!(out.contains("home=/fix"), "{out}");
    for bad in [
        "USR-WRITABLE",
        "ETC-WRITABLE",
        "HOME-VISIBLE",
        "HOST-TMP-VISIBLE",
    ] {
        assert!(!out.contains(bad), "{bad}: {out}");
    }
    assert!(out.contains("Read-only file system"), "{out}");
}

#[test]
fn no_network_unless_declared() {
    let Some(s) = sandbox() else { return };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = std::thread::spawn(move || {
        listener.set_nonblocking(false).unwrap();
        let (mut c, _) = listener.accept().unwrap();
        c.write_all(b"x").unwrap();
    });
    let script =
        format!("exec bash -c 'echo hello > /dev/tcp/127.0.0.1/{port}' && echo connected\n");
    let closed = s.run(&script, false, Duration::from_secs(20)).unwrap();
    assert!(!closed.succeeded(), "{closed:?}");
    let open = s.run(&script, true, Duration::from_secs(20)).unwrap();
    assert!(open.succeeded(), "{open:?}");
    accepted.join().unwrap();
}

#[test]
fn a_script_past_its_timeout_is_killed_with_its_children() {
    let Some(s) = sandbox() else { return };
    let started = std::time::Instant::now();
    let run = s
        .run(
            "echo before\n(sleep 30; echo child) &\nsleep 30\necho after\n",
            false,
            Duration::from_secs(1),
        )
        .unwrap();
    assert!(run.timed_out && !run.succeeded(), "{run:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(
        run.output.contains("before") && !run.output.contains("after"),
        "{run:?}"
    );
}

#[test]
fn output_is_bounded() {
    let Some(s) = sandbox() else { return };
    let run = s
        .run(
            "yes guichet | head -c 1000000\necho done >&2\n",
            false,
            Duration::from_secs(20),
        )
        .unwrap();
    assert!(run.succeeded(), "{:?}", run.status);
    assert!(run.truncated);
    assert_eq!(run.output.len(), MAX_OUTPUT_BYTES);
}

/// Run by root (as CI runs), bwrap left the script root's capabilities unless told to drop
/// them: `mount -o remount,rw` made the host's /usr writable from inside the sandbox.
#[test]
fn root_in_the_sandbox_cannot_remount_the_system_writable() {
    let Some(s) = sandbox() else { return };
    let probe = format!("/usr/guichet-remount-probe-{}", std::process::id());
    let script = format!(
        "grep CapEff /proc/self/status\n\
         mount -o remount,rw,bind /usr\n\
         touch {probe} && echo WROTE && rm -f {probe}\n"
    );
    let run = s.run(&script, false, Duration::from_secs(20)).unwrap();
    assert!(!run.output.contains("WROTE"), "{}", run.output);
    assert!(
        run.output.contains("CapEff:\t0000000000000000"),
        "{}",
        run.output
    );
    assert!(!std::path::Path::new(&probe).exists());
}
