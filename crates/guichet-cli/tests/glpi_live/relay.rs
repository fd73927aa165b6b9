//! A hub relays a remote site's ticket to GLPI: the site has no network, its ticket travels in
//! a bundle file, and the hub's sync creates it. GLPI's requester is then the hub's account, so
//! the description names who asked and from which site; a ticket filed on the hub itself has
//! no such line (its requester is GLPI's own field).

use super::*;

/// The site's ticket reaches GLPI through the hub once, with a `Requester:` line naming the
/// site's user and the site; the hub's own ticket has none.
pub fn a_relayed_ticket_names_its_requester_and_site(server: &GlpiServer, account: Account) {
    let site = tempfile::tempdir().unwrap();
    let hub = tempfile::tempdir().unwrap();
    let bundle = site.path().join("site.guichet");
    let relayed = ok(
        server,
        guichet(
            site.path(),
            &[
                "ticket",
                "new",
                "--title",
                &unique("relayed-"),
                "--body",
                "Écran noir",
            ],
            "",
        ),
    )
    .trim()
    .to_owned();
    ok(
        server,
        guichet(
            site.path(),
            &["bundle", "export", bundle.to_str().unwrap()],
            "",
        ),
    );
    // Two stores made on one host in the same second have different device ids: no pause.
    let _secrets = connect(server, hub.path(), server.url(), account);
    // The hub enrols the site's key file (its fingerprint compared out of band).
    let key = site.path().join("site.key");
    ok(
        server,
        guichet(
            site.path(),
            &["bundle", "enrol", "show", "--out", key.to_str().unwrap()],
            "",
        ),
    );
    ok(
        server,
        guichet(
            hub.path(),
            &["bundle", "enrol", "add", "--site", key.to_str().unwrap()],
            "",
        ),
    );
    let own = ok(
        server,
        guichet(
            hub.path(),
            &[
                "ticket",
                "new",
                "--title",
                &unique("hub-"),
                "--body",
                "Clavier",
            ],
            "",
        ),
    )
    .trim()
    .to_owned();
    ok(
        server,
        guichet(
            hub.path(),
            &["bundle", "import", bundle.to_str().unwrap()],
            "",
        ),
    );
    let found = tickets_carrying(server, &relayed);
    assert_eq!(found.len(), 1, "the site's ticket, once: {found:?}");
    let content = |id: i64| {
        guichet_glpi::content::decode(
            &sql(
                server,
                &format!("SELECT content FROM glpi_tickets WHERE id = {id}"),
            )[0][0],
        )
    };
    let site_text = content(found[0]);
    assert!(
        site_text.contains("Requester: alice (site "),
        "the relayed ticket names who asked: {site_text}"
    );
    let own_found = tickets_carrying(server, &own);
    assert_eq!(own_found.len(), 1);
    let own_text = content(own_found[0]);
    assert!(!own_text.contains("Requester:"), "{own_text}");
}
