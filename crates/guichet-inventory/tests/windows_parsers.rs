//! Windows parsers against real recorded outputs (registry exports and `wmic /format:list`
//! dumps from glpi-agent's test resources, vendored under `third-party/`).

use guichet_inventory::parse::windows::{registry, wmi};

const ROOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../third-party/glpi-agent-fixtures/resources/win32"
);

fn bytes(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{ROOT}/{rel}")).expect("vendored fixture")
}

fn reg(name: &str) -> registry::RegFile {
    registry::parse_reg(&bytes(&format!("registry/{name}"))).expect("valid export")
}

fn wmi_file(name: &str) -> Vec<wmi::WmiRecord> {
    wmi::parse_list(&bytes(&format!("wmi/{name}.wmi")))
}

fn utc(s: &str) -> chrono::DateTime<chrono::Utc> {
    s.parse().expect("rfc3339")
}

#[test]
fn xp_uninstall_export_counts_and_categories() {
    let r = reg("xp-Uninstall.reg");
    assert!(!r.regedit4);
    assert_eq!(r.keys.len(), 536);
    let sw = registry::uninstall_software(&r, "x86");
    // 419 DisplayName values, one of them in the `{0001B4FD…}\CustomMessages` sub-key.
    assert_eq!(sw.len(), 418);
    let count = |c: &str| {
        sw.iter()
            .filter(|s| s.category.as_deref() == Some(c))
            .count()
    };
    assert_eq!(count("update"), 323);
    assert_eq!(count("system_component"), 31);
    assert_eq!(count("application"), 64);
    assert!(sw
        .iter()
        .all(|s| s.arch.as_deref() == Some("x86") && s.source == "registry"));
    // Keys without DisplayName are not programs.
    assert!(!sw.iter().any(|s| s.guid.as_deref() == Some("Branding")));
}

#[test]
fn xp_uninstall_exact_entries() {
    let sw = registry::uninstall_software(&reg("xp-Uninstall.reg"), "x86");
    let java = sw
        .iter()
        .find(|s| s.guid.as_deref() == Some("{26A24AE4-039D-4CA4-87B4-2F83216031FF}"))
        .unwrap();
    assert_eq!(java.name, "Java(TM) 6 Update 31");
    assert_eq!(java.version.as_deref(), Some("6.0.310"));
    assert_eq!(java.publisher.as_deref(), Some("Oracle"));
    assert_eq!(java.install_date, Some(utc("2012-02-20T00:00:00Z")));
    // EstimatedSize=dword:00018510 KiB.
    assert_eq!(java.size_bytes, Some(101_990_400));
    assert_eq!(java.url.as_deref(), Some("http://java.com"));
    assert_eq!(
        java.folder.as_deref(),
        Some("C:\\Program Files\\Java\\jre6\\")
    );
    assert_eq!(
        java.uninstall_string.as_deref(),
        Some("MsiExec.exe /X{26A24AE4-039D-4CA4-87B4-2F83216031FF}")
    );

    let kb = sw
        .iter()
        .find(|s| s.guid.as_deref() == Some("KB2115168"))
        .unwrap();
    assert_eq!(kb.name, "Security Update for Windows XP (KB2115168)");
    assert_eq!(kb.category.as_deref(), Some("update"));
    assert_eq!(kb.install_date, Some(utc("2010-08-16T00:00:00Z")));
    // Escaped quotes and backslashes inside the string.
    assert_eq!(
        kb.uninstall_string.as_deref(),
        Some("\"C:\\windows\\$NtUninstallKB2115168$\\spuninst\\spuninst.exe\"")
    );

    let ccleaner = sw
        .iter()
        .find(|s| s.guid.as_deref() == Some("CCleaner"))
        .unwrap();
    assert_eq!(ccleaner.name, "CCleaner (remove only)");
    assert_eq!(ccleaner.version, None);
    assert_eq!(ccleaner.publisher.as_deref(), Some("Piriform"));
}

#[test]
fn russian_export_hex2_strings_and_cyrillic() {
    let sw = registry::uninstall_software(&reg("10_russian-Uninstall.reg"), "x86_64");
    assert_eq!(sw.len(), 2);
    let csp = &sw[0];
    assert_eq!(csp.name, "КриптоПро CSP");
    assert_eq!(csp.publisher.as_deref(), Some("Компания КриптоПро"));
    assert_eq!(csp.version.as_deref(), Some("5.0.12000"));
    assert_eq!(csp.install_date, Some(utc("2021-07-24T00:00:00Z")));
    // UninstallString is a REG_EXPAND_SZ split over five continuation lines.
    assert_eq!(
        csp.uninstall_string.as_deref(),
        Some("MsiExec.exe /I{50F91F80-D397-437C-B0C8-62128DE3B55E}")
    );
    assert_eq!(csp.url.as_deref(), Some("http://www.cryptopro.ru"));
    assert_eq!(sw[1].name, "1C Предприятие 7.7");
    assert_eq!(sw[1].guid.as_deref(), Some("1C Предприятие 7.7.27"));
    assert_eq!(sw[1].version.as_deref(), Some("77.27"));
}

#[test]
fn mssql_export_entries() {
    let sw = registry::uninstall_software(&reg("mssql-Uninstall.reg"), "x86_64");
    assert_eq!(sw.len(), 7);
    let fi = sw
        .iter()
        .find(|s| s.guid.as_deref() == Some("FusionInventory-Agent"))
        .unwrap();
    assert_eq!(
        fi.name,
        "FusionInventory Agent 2.4.x-build-26 (x64 edition)"
    );
    assert_eq!(fi.version.as_deref(), Some("2.4.x-build-26"));
    assert_eq!(
        fi.folder.as_deref(),
        Some("C:\\Program Files\\FusionInventory-Agent")
    );
}

#[test]
fn regression_export_without_bom_is_utf16() {
    let r = reg("glpi-agent-audit-test.reg");
    let k = r
        .keys
        .iter()
        .find(|k| k.path == "HKEY_LOCAL_MACHINE\\SOFTWARE\\GLPI-Agent")
        .unwrap();
    assert_eq!(k.string("httpd-port").as_deref(), Some("62354"));
    assert_eq!(k.string("logfile").as_deref(), Some("C:\\glpi-agent.log"));
}

#[test]
fn regression_export_with_double_bom() {
    let r = reg("10-Interfaces.reg");
    assert!(!r.keys.is_empty());
    assert!(r.keys[0].path.starts_with("HKEY_LOCAL_MACHINE"));
}

#[test]
fn wmi_operating_system_win7() {
    let os = wmi::operating_system(&wmi_file("win7-sp1-x64-Win32_OperatingSystem")[0], None);
    assert_eq!(os.kernel_name, "Windows");
    assert_eq!(os.name, "Microsoft Windows 7 Professionnel");
    assert_eq!(os.kernel_version.as_deref(), Some("6.1.7600"));
    assert_eq!(os.arch, "x86"); // "32 bits"
    assert_eq!(os.hostname, "LUBIANKA");
    // 20130813153755.000000+120 and 20130822204218.500000+120.
    assert_eq!(os.install_date, Some(utc("2013-08-13T13:37:55Z")));
    assert_eq!(os.boot_time, Some(utc("2013-08-22T18:42:18Z")));
    assert_eq!(os.timezone_offset.as_deref(), Some("+0200"));
    assert_eq!(os.service_pack, None);
}

#[test]
fn wmi_machine_from_computer_system_and_bios() {
    let cs = wmi_file("11-AzureAD-Win32_ComputerSystem");
    let bios = wmi_file("proxmox-Win32_Bios");
    let m = wmi::machine(cs.first(), bios.first());
    assert_eq!(m.vendor.as_deref(), Some("LENOVO"));
    assert_eq!(m.model.as_deref(), Some("20TBS57S00"));
    assert_eq!(
        m.sku.as_deref(),
        Some("LENOVO_MT_20TB_BU_Think_FM_ThinkPad E14 Gen 2")
    );
    assert_eq!(m.bios_version.as_deref(), Some("BOCHS  - 1"));
    assert_eq!(m.bios_date.as_deref(), Some("04/01/2014"));
    assert_eq!(m.serial, None);
    let proxmox = wmi::machine(wmi_file("proxmox-Win32_ComputerSystem").first(), None);
    assert_eq!(proxmox.vendor.as_deref(), Some("BOCHS_"));
    assert_eq!(proxmox.model.as_deref(), Some("BXPC____"));
}

#[test]
fn wmi_processors() {
    let c = wmi::cpus(&wmi_file("7-Win32_Processor"));
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].name, "Intel(R) Core(TM) i5-2300 CPU @ 2.80GHz");
    assert_eq!(c[0].vendor.as_deref(), Some("Intel"));
    assert_eq!(c[0].arch.as_deref(), Some("x86_64"));
    assert_eq!(
        (c[0].family, c[0].model, c[0].stepping),
        (Some(6), Some(42), Some(7))
    );
    assert_eq!((c[0].cores, c[0].threads), (Some(4), Some(4)));
    assert_eq!(c[0].speed_mhz, Some(2801));
    assert_eq!(c[0].external_clock_mhz, Some(100));
    assert_eq!(c[0].cache_kib, Some(6144));
    assert_eq!(c[0].id.as_deref(), Some("BFEBFBFF000206A7"));
    let epyc = wmi::cpus(&wmi_file("2019-amd-epyc-Win32_Processor"));
    assert_eq!(epyc[0].name, "AMD EPYC 7302 16-Core Processor");
    assert_eq!(epyc[0].vendor.as_deref(), Some("AMD"));
    assert_eq!((epyc[0].family, epyc[0].model), (Some(23), Some(49)));
    assert_eq!((epyc[0].cores, epyc[0].threads), (Some(2), Some(4)));
    assert_eq!(epyc[0].speed_mhz, Some(2994));
}

#[test]
fn wmi_memory_modules() {
    let m = wmi::memory_modules(&wmi_file("7-Win32_PhysicalMemory"));
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].slot.as_deref(), Some("DIMM1"));
    assert_eq!(m[1].slot.as_deref(), Some("DIMM3"));
    assert_eq!(m[0].size_bytes, 2_147_483_648);
    assert_eq!(m[0].form_factor.as_deref(), Some("DIMM"));
    assert_eq!(m[0].speed_mts, Some(1600));
    assert_eq!(m[0].part_number.as_deref(), Some("F3-12800CL9-2GBXL"));
    // "Undefined    " manufacturer, "0000000" serial and MemoryType=0 are placeholders.
    assert_eq!(
        (m[0].vendor.as_deref(), m[0].serial.as_deref()),
        (None, None)
    );
    assert_eq!(m[0].kind, None);
}

#[test]
fn wmi_disk_drive() {
    let d = wmi::storage(&wmi_file("latitude-7480-Win32_DiskDrive"));
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].name, "\\\\.\\PHYSICALDRIVE0");
    assert_eq!(d[0].model.as_deref(), Some("PC300 NVMe SK hynix 512GB"));
    assert_eq!(d[0].serial.as_deref(), Some("ACE4_2E61_9000_7804"));
    assert_eq!(d[0].firmware.as_deref(), Some("20007A00"));
    assert_eq!(d[0].size_bytes, 512_105_932_800);
    assert_eq!(d[0].vendor, None); // "(Standard disk drives)"
    assert_eq!(d[0].interface.as_deref(), Some("SCSI"));
}

#[test]
fn wmi_logical_disks() {
    let v = wmi::volumes(&wmi_file("2008-Enterprise-Win32_LogicalDisk"));
    let points: Vec<&str> = v.iter().map(|v| v.mount_point.as_str()).collect();
    // A: (floppy) and E: (empty CD drive) have no size.
    assert_eq!(points, ["C:", "D:", "J:", "L:", "Z:"]);
    assert_eq!(v[0].fs_type, "NTFS");
    assert_eq!(v[0].total_bytes, 42_949_668_864);
    assert_eq!(v[0].free_bytes, 21_440_266_240);
    assert_eq!(v[0].label.as_deref(), Some("System"));
    assert_eq!(v[0].uuid.as_deref(), Some("110DE6FB"));
    assert_eq!(v[2].device.as_deref(), Some("\\\\172.27.0.252\\jumping"));
}

#[test]
fn wmi_network_adapters_joined() {
    let n = wmi::network(
        &wmi_file("7-Win32_NetworkAdapterConfiguration"),
        &wmi_file("7-Win32_NetworkAdapter"),
    );
    assert_eq!(n.len(), 2);
    let lan = &n[0];
    assert_eq!(lan.name, "Connexion au réseau local");
    assert_eq!(
        lan.description.as_deref(),
        Some("Realtek PCIe GBE Family Controller")
    );
    assert_eq!(lan.mac.as_deref(), Some("f4:6d:04:97:2d:3e"));
    assert_eq!(lan.ipv4[0].address, "192.168.0.1");
    assert_eq!(lan.ipv4[0].prefix_len, 24);
    assert_eq!(lan.ipv4[0].subnet, "192.168.0.0");
    assert_eq!(lan.ipv6[0].address, "fe80::311a:2127:dded:6618");
    assert_eq!(lan.ipv6[0].prefix_len, 64);
    assert_eq!(lan.gateway.as_deref(), Some("192.168.0.254"));
    assert_eq!(lan.dhcp, Some(true));
    assert_eq!(lan.dhcp_server.as_deref(), Some("192.168.0.254"));
    assert_eq!(lan.speed_mbps, Some(100));
    assert_eq!(lan.status, "up");
    assert_eq!(lan.kind, "ethernet");
    assert_eq!(lan.driver.as_deref(), Some("RTL8167"));
    assert_eq!(n[1].name, "Connexion réseau Bluetooth");
    assert_eq!(n[1].mac.as_deref(), Some("00:26:83:12:fb:0b"));
    let (dns, gws) = wmi::dns_and_gateways(&wmi_file("7-Win32_NetworkAdapterConfiguration"));
    assert_eq!(dns, ["192.168.0.254"]);
    assert_eq!(gws, ["192.168.0.254"]);
}

#[test]
fn wmi_video_controllers() {
    let g = wmi::video_controllers(&wmi_file("intel+nvidia-Win32_VideoController"));
    assert_eq!(g.len(), 3);
    assert_eq!(
        g[0].name.as_deref(),
        Some("Microsoft Remote Display Adapter")
    );
    assert_eq!(g[0].vendor_id, None);
    assert_eq!(g[1].name.as_deref(), Some("Intel(R) HD Graphics 4600"));
    assert_eq!(g[1].vendor.as_deref(), Some("Intel Corporation"));
    assert_eq!(
        (g[1].vendor_id.as_deref(), g[1].device_id.as_deref()),
        (Some("8086"), Some("0412"))
    );
    assert_eq!(g[1].subsystem_id.as_deref(), Some("1458:d000"));
    assert_eq!(g[2].name.as_deref(), Some("NVIDIA GeForce GTX 950"));
    assert_eq!(g[2].device_id.as_deref(), Some("1402"));
    assert_eq!(g[2].revision.as_deref(), Some("a1"));
    assert!(g.iter().all(|g| g.is_gpu));
}

#[test]
fn wmi_user_accounts() {
    let u = wmi::users(&wmi_file("10-StandAlone-Win32_UserAccount"));
    let logins: Vec<&str> = u.iter().map(|u| u.login.as_str()).collect();
    assert_eq!(
        logins,
        ["Administrateur", "DefaultAccount", "Invité", "teclib"]
    );
    assert_eq!(u[3].id, "S-1-5-21-407181654-3485178747-2417891341-1001");
    assert!(u[3].human);
    assert!(!u[2].human);
    // The comment lines at the top of this export are skipped.
    let ad = wmi::users(&wmi_file("7-AD-Win32_UserAccount"));
    assert_eq!(ad[0].login, "Administrateur");
    assert_eq!(ad[0].id, "S-1-5-21-115688116-1377296920-1994510132-500");
}

#[test]
fn wmi_memory_totals() {
    let os = wmi_file("win7-sp1-x64-Win32_OperatingSystem");
    let m = wmi::memory(os.first(), None, &wmi_file("7-Win32_PhysicalMemory"));
    // TotalVisibleMemorySize=2096696 KiB, FreePhysicalMemory=1663820 KiB.
    assert_eq!(m.total_bytes, 2_096_696 * 1024);
    assert_eq!(m.available_bytes, Some(1_663_820 * 1024));
    assert_eq!(m.swap_total_bytes, 2_096_696 * 1024);
    assert_eq!(m.swap_free_bytes, Some(2_096_696 * 1024));
    assert_eq!(m.modules.len(), 2);
    let cs = wmi_file("11-AzureAD-Win32_ComputerSystem");
    assert_eq!(
        wmi::memory(None, cs.first(), &[]).total_bytes,
        16_863_318_016
    );
}
