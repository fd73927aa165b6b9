//! The `guichet` binary against a real GLPI 10.0.10 (REST API v1), as an end user with GLPI's
//! Self-Service profile (API token, or login and password) and as an admin. The scenarios are
//! in `glpi_live/scenarios.rs`, shared with GLPI 11.

mod glpi_live;

use glpi_live::{glpi, scenarios, Account};
use guichet_testkit::GlpiVersion::V10;

#[test]
fn glpi10_self_service_ticket_and_reply_reach_glpi_exactly_once() {
    let Some(server) = glpi(V10) else { return };
    scenarios::ticket_and_reply_exactly_once(server, Account::SelfServiceToken);
}

#[test]
fn glpi10_admin_ticket_and_reply_reach_glpi_exactly_once() {
    let Some(server) = glpi(V10) else { return };
    scenarios::ticket_and_reply_exactly_once(server, Account::AdminToken);
}

#[test]
fn glpi10_self_service_reads_the_faq_only() {
    let Some(server) = glpi(V10) else { return };
    scenarios::knowledge_base_as_glpi_shows_it(server, Account::SelfServiceLogin);
}

#[test]
fn glpi10_admin_reads_the_whole_knowledge_base_decoded() {
    let Some(server) = glpi(V10) else { return };
    scenarios::knowledge_base_as_glpi_shows_it(server, Account::AdminToken);
}

#[test]
fn glpi10_categories_named_after_checks_tag_articles() {
    let Some(server) = glpi(V10) else { return };
    scenarios::categories_named_after_checks_tag_articles(server, Account::SelfServiceLogin);
}

#[test]
fn glpi10_faults_leave_exactly_one_ticket_and_a_truthful_status() {
    let Some(server) = glpi(V10) else { return };
    glpi_live::faults::faults_leave_exactly_one_ticket_and_a_truthful_status(
        server,
        Account::SelfServiceToken,
    );
}

#[test]
fn glpi10_a_relayed_ticket_names_its_requester_and_site() {
    let Some(server) = glpi(V10) else { return };
    glpi_live::relay::a_relayed_ticket_names_its_requester_and_site(server, Account::AdminToken);
}

#[test]
fn glpi10_three_syncs_at_once_send_each_ticket_and_reply_exactly_once() {
    let Some(server) = glpi(V10) else { return };
    glpi_live::concurrency::three_syncs_at_once_send_each_item_once(
        server,
        Account::SelfServiceToken,
    );
}

#[test]
fn glpi10_published_actions_travel_with_articles_and_a_tampered_one_is_refused() {
    let Some(server) = glpi(V10) else { return };
    glpi_live::actions::published_actions_travel_with_articles(
        server,
        &[Account::SelfServiceToken, Account::AdminToken],
    );
}
