//! The inventory as terminal tables: one section per collected category, in the order the
//! inventory lists them, then what could not be collected.

use std::fmt::Write as _;

use comfy_table::Table;
use guichet_inventory::{Category, Inventory};

use super::{kv, many, opt, section, size};

/// The whole inventory, one table per category that was asked for.
pub fn inventory(inv: &Inventory) -> String {
    let mut text = String::new();
    let out = &mut text;
    let _ = writeln!(
        out,
        "Guichet inventory, collected {} in {} ms (agent {})",
        inv.collected_at.format("%Y-%m-%d %H:%M:%S UTC"),
        inv.duration_ms,
        inv.agent_version
    );
    for cat in &inv.categories {
        category(out, inv, *cat);
    }
    if !inv.errors.is_empty() {
        section(out, "Not collected", errors(inv));
    }
    text
}

/// The section (or sections) of one category.
fn category(out: &mut String, inv: &Inventory, cat: Category) {
    use Category as C;
    match cat {
        C::Os => section(out, "Operating system", os(inv)),
        C::Machine => section(out, "Machine", machine(inv)),
        C::Cpus => section(out, "Processors", cpus(inv)),
        C::Memory => memory(out, inv),
        C::Storage => section(out, "Storage devices", storage(inv)),
        C::Volumes => section(out, "Volumes", volumes(inv)),
        C::Network => network(out, inv),
        C::Controllers => section(out, "PCI devices", controllers(inv)),
        C::Usb => section(out, "USB devices", usb(inv)),
        C::Monitors => section(out, "Monitors", monitors(inv)),
        C::Batteries => section(out, "Batteries", batteries(inv)),
        C::Users => users(out, inv),
        C::Software => section(
            out,
            &format!("Software ({} packages)", inv.software.len()),
            software(inv),
        ),
        C::Security => section(out, "Security products", security(inv)),
        C::Virtualization => section(out, "Virtualisation", virtualization(inv)),
    }
}

fn os(inv: &Inventory) -> Option<Table> {
    inv.os.as_ref().and_then(|o| {
        kv(&[
            ("Name", o.full_name.clone()),
            ("Version", opt(&o.version)),
            (
                "Kernel",
                format!("{} {}", o.kernel_name, opt(&o.kernel_version)),
            ),
            ("Architecture", o.arch.clone()),
            ("Host name", o.hostname.clone()),
            ("FQDN", opt(&o.fqdn)),
            ("Boot time", opt(&o.boot_time)),
            ("Installed", opt(&o.install_date)),
            (
                "Time zone",
                format!("{} {}", opt(&o.timezone), opt(&o.timezone_offset))
                    .trim()
                    .to_string(),
            ),
            ("Machine id", opt(&o.machine_id)),
        ])
    })
}

fn machine(inv: &Inventory) -> Option<Table> {
    inv.machine.as_ref().and_then(|m| {
        kv(&[
            ("Vendor", opt(&m.vendor)),
            ("Model", opt(&m.model)),
            ("Serial", opt(&m.serial)),
            ("UUID", opt(&m.uuid)),
            ("SKU", opt(&m.sku)),
            ("Chassis", opt(&m.chassis_type)),
            ("Asset tag", opt(&m.asset_tag)),
            (
                "Board",
                format!("{} {}", opt(&m.board_vendor), opt(&m.board_model))
                    .trim()
                    .to_string(),
            ),
            ("Board serial", opt(&m.board_serial)),
            (
                "BIOS",
                format!(
                    "{} {} {}",
                    opt(&m.bios_vendor),
                    opt(&m.bios_version),
                    opt(&m.bios_date)
                )
                .trim()
                .to_string(),
            ),
            ("Secure Boot", opt(&m.secure_boot)),
        ])
    })
}

fn cpus(inv: &Inventory) -> Option<Table> {
    many(
        &inv.cpus,
        &["Name", "Vendor", "Cores", "Threads", "MHz", "Cache"],
        |c| {
            vec![
                c.name.clone(),
                opt(&c.vendor),
                opt(&c.cores),
                opt(&c.threads),
                opt(&c.speed_mhz),
                c.cache_kib
                    .map(|k| size(k as u64 * 1024))
                    .unwrap_or_default(),
            ]
        },
    )
}

/// Totals, then the modules when the source listed them.
fn memory(out: &mut String, inv: &Inventory) {
    section(
        out,
        "Memory",
        inv.memory.as_ref().and_then(|m| {
            kv(&[
                ("Total", size(m.total_bytes)),
                ("Available", m.available_bytes.map(size).unwrap_or_default()),
                ("Swap", size(m.swap_total_bytes)),
                ("Slots", opt(&m.slots)),
            ])
        }),
    );
    if let Some(m) = inv.memory.as_ref().filter(|m| !m.modules.is_empty()) {
        section(
            out,
            "Memory modules",
            many(
                &m.modules,
                &["Slot", "Size", "Type", "MT/s", "Vendor", "Part", "Serial"],
                |d| {
                    vec![
                        opt(&d.slot),
                        size(d.size_bytes),
                        opt(&d.kind),
                        opt(&d.speed_mts),
                        opt(&d.vendor),
                        opt(&d.part_number),
                        opt(&d.serial),
                    ]
                },
            ),
        );
    }
}

fn storage(inv: &Inventory) -> Option<Table> {
    many(
        &inv.storage,
        &[
            "Name",
            "Model",
            "Serial",
            "Size",
            "Interface",
            "Kind",
            "Rotational",
        ],
        |d| {
            vec![
                d.name.clone(),
                opt(&d.model),
                opt(&d.serial),
                size(d.size_bytes),
                opt(&d.interface),
                d.kind.clone(),
                d.rotational
                    .map(|r| if r { "HDD" } else { "SSD" }.to_string())
                    .unwrap_or_default(),
            ]
        },
    )
}

fn volumes(inv: &Inventory) -> Option<Table> {
    many(
        &inv.volumes,
        &[
            "Mount point",
            "Device",
            "Type",
            "Total",
            "Free",
            "Label",
            "Encryption",
        ],
        |v| {
            vec![
                v.mount_point.clone(),
                opt(&v.device),
                v.fs_type.clone(),
                size(v.total_bytes),
                size(v.free_bytes),
                opt(&v.label),
                opt(&v.encryption),
            ]
        },
    )
}

/// Interfaces, then the machine-wide gateways and DNS servers when known.
fn network(out: &mut String, inv: &Inventory) {
    section(
        out,
        "Network interfaces",
        many(
            &inv.network,
            &[
                "Name", "MAC", "IPv4", "IPv6", "Gateway", "DHCP", "Speed", "Status", "Kind",
            ],
            |n| {
                vec![
                    n.name.clone(),
                    opt(&n.mac),
                    n.ipv4
                        .iter()
                        .map(|a| format!("{}/{}", a.address, a.prefix_len))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    n.ipv6
                        .iter()
                        .map(|a| format!("{}/{}", a.address, a.prefix_len))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    opt(&n.gateway),
                    opt(&n.dhcp),
                    n.speed_mbps
                        .map(|s| format!("{s} Mb/s"))
                        .unwrap_or_default(),
                    n.status.clone(),
                    format!(
                        "{}{}",
                        n.kind,
                        if n.virtual_device { " (virtual)" } else { "" }
                    ),
                ]
            },
        ),
    );
    if !inv.gateways.is_empty() || !inv.dns_servers.is_empty() {
        let _ = writeln!(
            out,
            "  gateways: {}   DNS: {}",
            inv.gateways.join(", "),
            inv.dns_servers.join(", ")
        );
    }
}

fn controllers(inv: &Inventory) -> Option<Table> {
    many(
        &inv.controllers,
        &["Slot", "Class", "Vendor", "Device", "Ids", "Driver"],
        |c| {
            vec![
                c.slot.clone(),
                opt(&c.class_name),
                opt(&c.vendor),
                opt(&c.name),
                format!("{}:{}", opt(&c.vendor_id), opt(&c.device_id)),
                opt(&c.driver),
            ]
        },
    )
}

fn usb(inv: &Inventory) -> Option<Table> {
    many(
        &inv.usb,
        &["Ids", "Manufacturer", "Product", "Serial", "Bus"],
        |u| {
            vec![
                format!("{}:{}", u.vendor_id, u.product_id),
                opt(&u.manufacturer),
                opt(&u.name),
                opt(&u.serial),
                opt(&u.bus_path),
            ]
        },
    )
}

fn monitors(inv: &Inventory) -> Option<Table> {
    many(
        &inv.monitors,
        &["Name", "Manufacturer", "Serial", "Port", "Year"],
        |m| {
            vec![
                opt(&m.name),
                opt(&m.manufacturer),
                opt(&m.serial),
                opt(&m.port),
                opt(&m.year),
            ]
        },
    )
}

fn batteries(inv: &Inventory) -> Option<Table> {
    many(
        &inv.batteries,
        &[
            "Name",
            "Manufacturer",
            "Chemistry",
            "Design mWh",
            "Full mWh",
            "Charge",
            "Status",
        ],
        |b| {
            vec![
                b.name.clone(),
                opt(&b.manufacturer),
                opt(&b.chemistry),
                opt(&b.design_capacity_mwh),
                opt(&b.full_capacity_mwh),
                b.charge_percent
                    .map(|c| format!("{c} %"))
                    .unwrap_or_default(),
                opt(&b.status),
            ]
        },
    )
}

/// People's accounts only; the title counts the system accounts and groups left out.
fn users(out: &mut String, inv: &Inventory) {
    let humans: Vec<_> = inv.users.iter().filter(|u| u.human).cloned().collect();
    section(
        out,
        &format!(
            "Local users ({} accounts, {} system accounts not shown, {} groups)",
            inv.users.len(),
            inv.users.len() - humans.len(),
            inv.groups.len()
        ),
        many(&humans, &["Login", "Id", "Name", "Home", "Shell"], |u| {
            vec![
                u.login.clone(),
                u.id.clone(),
                opt(&u.full_name),
                opt(&u.home),
                opt(&u.shell),
            ]
        }),
    );
}

fn software(inv: &Inventory) -> Option<Table> {
    many(
        &inv.software,
        &["Name", "Version", "Arch", "Source", "Size", "Installed"],
        |s| {
            vec![
                s.name.clone(),
                opt(&s.version),
                opt(&s.arch),
                s.source.clone(),
                s.size_bytes.map(size).unwrap_or_default(),
                s.install_date
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            ]
        },
    )
}

fn security(inv: &Inventory) -> Option<Table> {
    many(
        &inv.security,
        &["Kind", "Name", "Version", "Enabled", "Up to date"],
        |s| {
            vec![
                format!("{:?}", s.kind).to_lowercase(),
                s.name.clone(),
                opt(&s.version),
                opt(&s.enabled),
                opt(&s.up_to_date),
            ]
        },
    )
}

fn virtualization(inv: &Inventory) -> Option<Table> {
    inv.virtualization.as_ref().and_then(|v| {
        kv(&[
            ("Role", v.role.clone()),
            ("Hypervisor", opt(&v.hypervisor)),
            ("Container", opt(&v.container)),
        ])
    })
}

fn errors(inv: &Inventory) -> Option<Table> {
    many(
        &inv.errors,
        &["Category", "Source", "Kind", "Detail"],
        |e| {
            vec![
                e.category.to_string(),
                opt(&e.source),
                format!("{:?}", e.kind),
                e.message.clone(),
            ]
        },
    )
}
