//! Human-readable tables for the terminal.

use std::fmt::Write as _;

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use guichet_inventory::{Inventory, InventoryDiff};
use guichet_store::SnapshotMeta;

/// Bytes as a binary-prefixed size (`15.5 GiB`), as the site report shows them.
pub use guichet_site::size;

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    t
}

fn section(out: &mut String, title: &str, t: Option<Table>) {
    let _ = writeln!(out, "\n{title}");
    match t {
        Some(t) => {
            let _ = writeln!(out, "{t}");
        }
        None => out.push_str("  (none found)\n"),
    }
}

fn kv(rows: &[(&str, String)]) -> Option<Table> {
    let rows: Vec<_> = rows.iter().filter(|(_, v)| !v.is_empty()).collect();
    if rows.is_empty() {
        return None;
    }
    let mut t = table(&["Field", "Value"]);
    for (k, v) in rows {
        t.add_row(vec![k.to_string(), v.clone()]);
    }
    Some(t)
}

fn many<T>(items: &[T], header: &[&str], row: impl Fn(&T) -> Vec<String>) -> Option<Table> {
    if items.is_empty() {
        return None;
    }
    let mut t = table(header);
    for i in items {
        t.add_row(row(i));
    }
    Some(t)
}

/// The whole inventory, one table per category that was asked for.
pub fn inventory(inv: &Inventory) -> String {
    use guichet_inventory::Category as C;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Guichet inventory, collected {} in {} ms (agent {})",
        inv.collected_at.format("%Y-%m-%d %H:%M:%S UTC"),
        inv.duration_ms,
        inv.agent_version
    );
    for cat in &inv.categories {
        match cat {
            C::Os => section(
                &mut out,
                "Operating system",
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
                }),
            ),
            C::Machine => section(
                &mut out,
                "Machine",
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
                }),
            ),
            C::Cpus => section(
                &mut out,
                "Processors",
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
                ),
            ),
            C::Memory => {
                section(
                    &mut out,
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
                        &mut out,
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
            C::Storage => section(
                &mut out,
                "Storage devices",
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
                ),
            ),
            C::Volumes => section(
                &mut out,
                "Volumes",
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
                ),
            ),
            C::Network => {
                section(
                    &mut out,
                    "Network interfaces",
                    many(
                        &inv.network,
                        &[
                            "Name", "MAC", "IPv4", "IPv6", "Gateway", "DHCP", "Speed", "Status",
                            "Kind",
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
            C::Controllers => section(
                &mut out,
                "PCI devices",
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
                ),
            ),
            C::Usb => section(
                &mut out,
                "USB devices",
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
                ),
            ),
            C::Monitors => section(
                &mut out,
                "Monitors",
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
                ),
            ),
            C::Batteries => section(
                &mut out,
                "Batteries",
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
                ),
            ),
            C::Users => {
                let humans: Vec<_> = inv.users.iter().filter(|u| u.human).cloned().collect();
                section(
                    &mut out,
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
            C::Software => section(
                &mut out,
                &format!("Software ({} packages)", inv.software.len()),
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
                ),
            ),
            C::Security => section(
                &mut out,
                "Security products",
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
                ),
            ),
            C::Virtualization => section(
                &mut out,
                "Virtualisation",
                inv.virtualization.as_ref().and_then(|v| {
                    kv(&[
                        ("Role", v.role.clone()),
                        ("Hypervisor", opt(&v.hypervisor)),
                        ("Container", opt(&v.container)),
                    ])
                }),
            ),
        }
    }
    if !inv.errors.is_empty() {
        section(
            &mut out,
            "Not collected",
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
            ),
        );
    }
    out
}

/// The snapshot history.
pub fn history(list: &[SnapshotMeta]) -> String {
    match many(
        list,
        &[
            "#",
            "Taken (UTC)",
            "Host",
            "OS",
            "Memory",
            "Software",
            "Errors",
            "UUID",
        ],
        |m| {
            vec![
                m.id.to_string(),
                m.taken_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                m.hostname.clone(),
                opt(&m.os_full_name),
                m.memory_bytes.map(|b| size(b as u64)).unwrap_or_default(),
                m.software_count.to_string(),
                m.error_count.to_string(),
                m.uuid.to_string(),
            ]
        },
    ) {
        Some(t) => format!("{t}\n"),
        None => "No snapshot saved yet: run `guichet inventory --save`.\n".to_string(),
    }
}

/// A diff between two inventories.
pub fn diff(old: &str, new: &str, d: &InventoryDiff) -> String {
    let mut out = format!("Changes from {old} to {new}:\n");
    match many(
        &d.changes,
        &["Category", "Change", "Item", "Before", "After"],
        |c| {
            vec![
                c.category.to_string(),
                format!("{:?}", c.kind).to_lowercase(),
                c.item.clone(),
                opt(&c.before),
                opt(&c.after),
            ]
        },
    ) {
        Some(t) => {
            let _ = writeln!(out, "{t}");
        }
        None => out.push_str("  no change\n"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::size;

    #[test]
    fn sizes_use_binary_prefixes() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(16 * 1024 * 1024 * 1024), "16.0 GiB");
    }
}
