//! The private CUPS scheduler: queues stopped and rejecting, jobs that stay stuck.

use guichet_testkit::CupsServer;

#[test]
fn stuck_jobs_stay_queued_and_the_server_goes_away_on_stop() {
    if !CupsServer::is_available() {
        eprintln!("SKIP: CUPS is not installed (cups, cups-client, cups-bsd)");
        return;
    }
    let mut cups = CupsServer::start().unwrap();
    cups.add_queue("desk").unwrap();
    cups.add_queue("hall").unwrap();
    cups.add_unreachable_queue("lobby").unwrap();
    cups.stop_queue("desk", "Paper jam").unwrap();
    cups.reject_jobs("hall", "Maintenance").unwrap();
    let first = cups.submit("desk", "ana", 3000).unwrap();
    let second = cups.submit("lobby", "other", 10).unwrap();
    assert!(first.starts_with("desk-"), "{first}");
    assert!(second.starts_with("lobby-"), "{second}");
    let refused = cups.submit("hall", "ana", 10).unwrap_err();
    assert!(refused.to_string().contains("not accepting"), "{refused}");

    std::thread::sleep(std::time::Duration::from_millis(500));
    let jobs = cups.admin("lpstat", &["-o"]).unwrap();
    assert!(jobs.contains(&first) && jobs.contains(&second), "{jobs}");
    assert!(jobs.contains(" ana ") && jobs.contains(" other "), "{jobs}");
    let queues = cups.admin("lpstat", &["-p"]).unwrap();
    assert!(queues.contains("printer desk disabled"), "{queues}");
    assert!(queues.contains("printer lobby now printing"), "{queues}");

    let socket = std::path::PathBuf::from(cups.server());
    assert!(socket.exists());
    cups.stop().unwrap();
    assert!(!cups.dir().exists());
}
