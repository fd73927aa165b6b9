//! Tags on knowledge-base articles against a real Request Tracker 5: the service desk types
//! check ids into the article custom field "Guichet checks" (seeded by
//! scripts/rt/guichet-seed.pl), and the pulled article carries them as tags, cleaned up; an
//! edit of the field alone comes through on the next pass.

mod common;

use chrono::Utc;
use common::{connector, rt, Local};
use guichet_testkit::{RtServer, Technician};
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread")]
async fn check_ids_typed_in_the_guichet_checks_field_become_the_article_s_tags() {
    let Some(server) = rt() else { return };
    let local = Local::new().await;
    let c = connector(server.url(), RtServer::USER_PASSWORD);
    let tech = Technician::new(server);
    let title = format!("Imprimante bloquée {}", Uuid::new_v4());
    let article = tech
        .create_article(&title, "", "<p>Éteignez puis rallumez l'imprimante.</p>")
        .await
        .unwrap();
    tech.set_article_checks(article, "printing.queues, Printing.Jobs  imprimante")
        .await
        .unwrap();
    let find = || {
        local
            .kb
            .articles("rt")
            .into_iter()
            .find(|(_, a)| a.remote_id == article.to_string())
            .map(|(_, a)| a)
    };
    let r = local.pass(&c, Utc::now()).await;
    assert!(r.is_complete(), "{r:?}");
    let a = find().expect("article pulled");
    assert_eq!(
        a.tags,
        ["printing.jobs", "printing.queues"],
        "check ids only, once each"
    );

    tech.set_article_checks(article, "storage.free")
        .await
        .unwrap();
    local.pass(&c, Utc::now()).await;
    assert_eq!(find().expect("still there").tags, ["storage.free"]);
}
