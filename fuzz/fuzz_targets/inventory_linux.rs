//! Linux (and generic hardware) sources: the first byte picks the parser, the rest is its input.
#![no_main]

use chrono::{TimeZone, Utc};
use guichet_inventory::parse::{
    clamav, cpuinfo, dmidecode, edid, firewall, ip_json, linux_os, lspci, meminfo, mountinfo,
    net_files, os_release, passwd, pci_ids, udev, update_notifier, usb_ids, version, virt,
};
use libfuzzer_sys::fuzz_target;

/// Selectors, in the order of `PARSERS` (the seeding script uses the same numbers).
const PARSERS: u8 = 16;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match which % PARSERS {
        0 => {
            let _ = cpuinfo::parse(&text);
            let _ = virt::cpuinfo_has_hypervisor_flag(&text);
        }
        1 => dmi(&text),
        2 => {
            if let Ok(links) = ip_json::parse(&text) {
                let _ = format!("{links:?}");
            }
        }
        3 => {
            let e = udev::parse(&text);
            for key in ["ID_MODEL_ENC", "ID_SERIAL", "ID_FS_LABEL_ENC", "DEVTYPE"] {
                let _ = e.get(key);
                let _ = e.get_decoded(key);
            }
        }
        4 => {
            let _ = lspci::parse(&text);
        }
        5 => {
            let _ = meminfo::parse(&text);
        }
        6 => {
            let all = mountinfo::parse(&text);
            let _ = mountinfo::real_mounts(&all);
        }
        7 => net(&text),
        8 => {
            let r = os_release::parse(&text);
            let _ = (r.best_version(), r.full_name());
        }
        9 => host(rest, &text),
        10 => {
            let range = passwd::parse_login_defs(&text);
            let users = passwd::parse_passwd(&text, range);
            let _ = passwd::parse_group(&text, &users);
        }
        11 => {
            let _ = firewall::parse_ufw_conf(&text);
            let _ = firewall::parse_ufw_status(&text);
            let _ = firewall::nft_ruleset_has_rules(&text);
            let _ = firewall::iptables_rules_active(&text);
            let _ = update_notifier::updates_available(&text);
        }
        12 => {
            if let Ok(e) = edid::parse(rest) {
                let _ = e.serial();
                let _ = e.to_monitor(Some("HDMI-1".into()));
            }
            let _ = clamav::parse_cvd_header(rest);
        }
        13 => ids(&text),
        14 => {
            let mut parts = text.splitn(2, '\n');
            let (a, b) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let _ = version::compare_versions(a, b);
        }
        _ => virt_evidence(&text),
    }
});

fn dmi(text: &str) {
    let d = dmidecode::parse(text);
    let _ = d.machine();
    let _ = d.processors();
    let _ = d.memory_modules();
    let _ = d.memory_slots();
    let _ = d.batteries();
}

fn net(text: &str) {
    let _ = net_files::ipv4_default_routes(text);
    let _ = net_files::any_default_route(text);
    let _ = net_files::ipv6_default_routes(text);
    let _ = net_files::if_inet6(text);
    let _ = net_files::nameservers(text);
    let _ = net_files::keyvalue_lease(text);
    let _ = net_files::dhclient_leases(text);
}

fn host(bytes: &[u8], text: &str) {
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
    let _ = linux_os::tzif_offset(bytes, now);
    let _ = linux_os::boot_time(text);
    let _ = linux_os::fqdn_from_hosts(text, "pc-01");
    let _ = linux_os::nis_domain(text);
    let _ = linux_os::timezone_file(text);
    let _ = linux_os::timezone_from_link(text);
    if let Some(first) = text.lines().next() {
        let _ = linux_os::domain_of(first);
    }
}

/// `pci.ids` / `usb.ids` text, asked for ids that appear in the recorded fixtures and seeds.
fn ids(text: &str) {
    let mut q = pci_ids::IdsQuery::default();
    q.add_device(0x8086, 0x100e, Some((0x8086, 0x001e)));
    q.add_device(0x1af4, 0x1000, None);
    q.add_class(0x02, 0x00);
    q.add_class(0x03, 0x00);
    let _ = pci_ids::lookup(text, &q);
    let _ = usb_ids::names(text, &[(0x1d6b, 0x0002), (0x046d, 0xc52b)]);
}

/// Every evidence field from one line of the input each.
fn virt_evidence(text: &str) {
    let mut l = text.lines().map(|s| Some(s.to_string()));
    let mut next = || l.next().flatten();
    let flags = text.len() as u8;
    let e = virt::VirtEvidence {
        sys_vendor: next(),
        product_name: next(),
        bios_vendor: next(),
        board_vendor: next(),
        hypervisor_type: next(),
        xen_capabilities: next(),
        clocksources: next(),
        cpu_hypervisor_flag: flags & 1 != 0,
        systemd_container: next(),
        pid1_container_env: next(),
        dockerenv: flags & 2 != 0,
        containerenv: flags & 4 != 0,
        pid1_cgroup: next(),
        kernel_release: next(),
        openvz: flags & 8 != 0,
    };
    let _ = virt::hypervisor_from_dmi(&e);
    let _ = virt::detect(&e);
}
