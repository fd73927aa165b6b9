//! Linux host firewall state from configuration files and, as root, the tools' own answers:
//! `/etc/ufw/ufw.conf`, `ufw status`, `nft list ruleset`, `iptables -S`.

/// `ENABLED=yes|no` of `/etc/ufw/ufw.conf`, which `ufw enable` / `ufw disable` write and the
/// boot script obeys; `None` when the line is missing.
pub fn parse_ufw_conf(text: &str) -> Option<bool> {
    text.lines().find_map(|l| {
        let v = l.trim().strip_prefix("ENABLED=")?;
        match v
            .trim()
            .trim_matches(['"', '\''])
            .to_ascii_lowercase()
            .as_str()
        {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        }
    })
}

/// `Status: active|inactive` of `ufw status` (run as root; LC_ALL=C).
pub fn parse_ufw_status(text: &str) -> Option<bool> {
    text.lines()
        .find_map(|l| match l.trim().strip_prefix("Status:")?.trim() {
            "active" => Some(true),
            "inactive" => Some(false),
            _ => None,
        })
}

/// Whether `nft list ruleset` shows at least one rule (a table with only empty chains does
/// not filter anything).
pub fn nft_ruleset_has_rules(text: &str) -> bool {
    let mut in_chain = false;
    for l in text.lines() {
        let t = l.trim();
        if t.starts_with("chain ") {
            in_chain = true;
        } else if t == "}" {
            in_chain = false;
        } else if in_chain && t.starts_with("type ") {
            // A base chain whose policy drops filters even without a rule.
            if t.contains("policy drop") {
                return true;
            }
        } else if in_chain && !t.is_empty() && !t.starts_with('#') {
            return true;
        }
    }
    false
}

/// Whether `iptables -S` output filters anything: a rule (`-A`) or a policy other than ACCEPT.
pub fn iptables_rules_active(text: &str) -> bool {
    text.lines().any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        match f.first() {
            Some(&"-A") => true,
            Some(&"-P") => f.get(2).is_some_and(|p| *p != "ACCEPT"),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ufw_conf_of_debian_package() {
        let conf = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/firewall/ufw.conf"
        ));
        assert_eq!(parse_ufw_conf(conf), Some(false));
        assert_eq!(
            parse_ufw_conf(&conf.replace("ENABLED=no", "ENABLED=yes")),
            Some(true)
        );
        assert_eq!(parse_ufw_conf("LOGLEVEL=low\n"), None);
    }

    #[test]
    fn ufw_status() {
        assert_eq!(parse_ufw_status("Status: inactive\n"), Some(false));
        assert_eq!(
            parse_ufw_status("Status: active\n\nTo                         Action      From\n--                         ------      ----\n22/tcp                     ALLOW       Anywhere\n"),
            Some(true)
        );
    }

    #[test]
    fn nft_debian_default_ruleset_filters_nothing() {
        let default = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/firewall/nftables.conf"
        ));
        // Debian's /etc/nftables.conf: an inet filter table whose chains are empty.
        assert!(!nft_ruleset_has_rules(default));
        assert!(nft_ruleset_has_rules(
            "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tct state established,related accept\n\t}\n}\n"
        ));
        assert!(nft_ruleset_has_rules(
            "table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t}\n}\n"
        ));
        assert!(!nft_ruleset_has_rules(""));
    }

    #[test]
    fn iptables_default_policies_only() {
        assert!(!iptables_rules_active(
            "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n"
        ));
        assert!(iptables_rules_active(
            "-P INPUT DROP\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n"
        ));
        assert!(iptables_rules_active(
            "-P INPUT ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\n"
        ));
    }
}
