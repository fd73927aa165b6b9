//! The `guichet` binary against a real GLPI 11.0.6: the high-level API v2 with OAuth (password
//! grant) and the REST API v1, as an end user with GLPI's Self-Service profile and as an admin.
//! The scenarios are in `glpi_live/scenarios.rs`, shared with GLPI 10.

mod glpi_live;

use glpi_live::{glpi, scenarios, Account};
use guichet_testkit::GlpiVersion::V11;

#[test]
fn glpi11_self_service_oauth_ticket_and_reply_reach_glpi_exactly_once() {
    let Some(server) = glpi(V11) else { return };
    scenarios::ticket_and_reply_exactly_once(server, Account::SelfServiceOAuth);
}

#[test]
fn glpi11_admin_oauth_ticket_and_reply_reach_glpi_exactly_once() {
    let Some(server) = glpi(V11) else { return };
    scenarios::ticket_and_reply_exactly_once(server, Account::AdminOAuth);
}

#[test]
fn glpi11_self_service_v1_ticket_and_reply_reach_glpi_exactly_once() {
    let Some(server) = glpi(V11) else { return };
    scenarios::ticket_and_reply_exactly_once(server, Account::SelfServiceToken);
}

#[test]
fn glpi11_self_service_reads_the_faq_only() {
    let Some(server) = glpi(V11) else { return };
    scenarios::knowledge_base_as_glpi_shows_it(server, Account::SelfServiceOAuth);
}

#[test]
fn glpi11_categories_named_after_checks_tag_articles() {
    let Some(server) = glpi(V11) else { return };
    scenarios::categories_named_after_checks_tag_articles(server, Account::SelfServiceOAuth);
}

#[test]
fn glpi11_admin_reads_the_whole_knowledge_base() {
    let Some(server) = glpi(V11) else { return };
    scenarios::knowledge_base_as_glpi_shows_it(server, Account::AdminOAuth);
}

#[test]
fn glpi11_faults_leave_exactly_one_ticket_and_a_truthful_status() {
    let Some(server) = glpi(V11) else { return };
    glpi_live::faults::faults_leave_exactly_one_ticket_and_a_truthful_status(
        server,
        Account::SelfServiceOAuth,
    );
}

#[test]
fn glpi11_a_relayed_ticket_names_its_requester_and_site() {
    let Some(server) = glpi(V11) else { return };
    glpi_live::relay::a_relayed_ticket_names_its_requester_and_site(server, Account::AdminOAuth);
}

#[test]
fn glpi11_three_syncs_at_once_send_each_ticket_and_reply_exactly_once() {
    let Some(server) = glpi(V11) else { return };
    glpi_live::concurrency::three_syncs_at_once_send_each_item_once(
        server,
        Account::SelfServiceOAuth,
    );
}

#[test]
fn glpi11_published_actions_travel_with_articles_and_a_tampered_one_is_refused() {
    let Some(server) = glpi(V11) else { return };
    glpi_live::actions::published_actions_travel_with_articles(
        server,
        &[Account::SelfServiceOAuth, Account::AdminOAuth],
    );
}
