//! Exactly once across processes on a real GLPI: three `guichet sync` at once on one data
//! directory, run after run (the scenario is in `concurrent/mod.rs`, shared with RT).

use guichet_testkit::GlpiServer;

use super::{concurrent, connect, sql, tickets_carrying, Account};

/// Connects as `account` and runs the scenario; each local ticket must be one GLPI ticket
/// carrying its marker, with one follow-up per local reply.
pub fn three_syncs_at_once_send_each_item_once(server: &GlpiServer, account: Account) {
    let dir = tempfile::tempdir().unwrap();
    let _secrets = connect(server, dir.path(), server.url(), account);
    let label = format!("GLPI {}", server.version().release());
    concurrent::three_syncs_at_once(dir.path(), &label, 3, &|t| {
        let ids = tickets_carrying(server, t["id"].as_str().unwrap());
        let replies = match ids.first() {
            Some(id) => sql(
                server,
                &format!(
                    "SELECT COUNT(*) FROM glpi_itilfollowups WHERE itemtype = 'Ticket' \
                     AND items_id = {id} AND content LIKE '%guichet:%'"
                ),
            )[0][0]
                .parse()
                .unwrap(),
            None => 0,
        };
        concurrent::OnServer {
            tickets: ids.len(),
            replies,
        }
    });
}
