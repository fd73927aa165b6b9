//! `glpi-emulator`: runs the GLPI emulator for manual use and prints its URL and seed
//! credentials. `--glpi10` turns the high-level API off; `--inventory-oauth` requires OAuth
//! tokens on the inventory endpoint. Stops on Ctrl-C.

use anyhow::Context;
use guichet_glpi_emulator::{seed, Emulator, EmulatorConfig};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = EmulatorConfig {
        v2_available: !args.iter().any(|a| a == "--glpi10"),
        inventory_requires_oauth: args.iter().any(|a| a == "--inventory-oauth"),
        ..EmulatorConfig::default()
    };
    let app_token = config.app_token.clone().unwrap_or_default();
    let emulator = Emulator::start(config)
        .await
        .context("starting the GLPI emulator")?;
    println!("url={}", emulator.base_url());
    println!("app_token={app_token}");
    println!(
        "user={} password={} user_token={}",
        seed::USER,
        seed::PASSWORD,
        seed::USER_TOKEN
    );
    println!(
        "oauth api client={} secret={}; inventory client={} secret={}",
        seed::API_CLIENT_ID,
        seed::API_CLIENT_SECRET,
        seed::INVENTORY_CLIENT_ID,
        seed::INVENTORY_CLIENT_SECRET
    );
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    drop(emulator);
    Ok(())
}
