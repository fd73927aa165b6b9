//! `desk.https`: does the service desk answer over HTTPS, with a certificate this machine
//! trusts, made out for its name, and for how many more days? A plain `http://` desk is
//! reachable but not encrypted (acceptable on this machine only). The answer is the run's one
//! visit to the desk ([`crate::desk_probe::DeskVisit`]), as a client refusing a bad
//! certificate sees it.

use chrono::{DateTime, Utc};
use guichet_records::{CheckStatus, Finding, Sentence};

use super::connectivity::{deadline, desk, offline, offline_for, read_state};
use super::outcome::sentenced;
use crate::desk_probe::{
    proxy_for, CertReading, CertVerdict, DeskAddress, DeskAnswer, DeskFailure, ProxyChoice,
    ProxyEnv, Step,
};
use crate::quantity::{worded, Days};
use crate::{Check, Context};

const ID: &str = "desk.https";

/// Days before a certificate's end when it is worth a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 14;

/// The check (fetching: the run's [`crate::desk_probe::DeskVisit`]).
#[derive(Debug)]
pub struct DeskHttps;

impl Check for DeskHttps {
    fn id(&self) -> &'static str {
        ID
    }

    fn run(&self, ctx: &Context) -> Vec<Finding> {
        let until = deadline(ctx);
        let d = match desk(ctx, ID) {
            Ok(d) => d,
            Err(f) => return vec![*f],
        };
        let proxy = proxy_for(
            &d,
            ctx.desk.as_ref().and_then(|t| t.proxy.as_deref()),
            &ProxyEnv::from_process(),
        );
        let direct_loopback = proxy.is_none() && d.is_loopback();
        if offline_for(read_state(ctx).as_ref(), direct_loopback) {
            return vec![offline(ID)];
        }
        let result = ctx
            .desk_visit(&d, proxy.as_ref(), until)
            .answer(until)
            .verified();
        vec![evaluate(&d, proxy.as_ref(), &result, ctx.now)]
    }
}

/// How the desk answered, judged at `now`.
pub fn evaluate(
    desk: &DeskAddress,
    proxy: Option<&ProxyChoice>,
    result: &Result<DeskAnswer, DeskFailure>,
    now: DateTime<Utc>,
) -> Finding {
    let via = proxy
        .map(|p| worded!(" par le proxy {}", " via proxy {}", p.url))
        .unwrap_or_else(|| Sentence::same(""));
    let mut f = match result {
        Ok(a) => answered(desk, a, now, &via),
        Err(DeskFailure::Certificate(c)) => refused(c, now, &via),
        Err(e) => failed(e, &via),
    };
    f.subject = Some(desk.authority());
    f
}

fn answered(desk: &DeskAddress, a: &DeskAnswer, now: DateTime<Utc>, via: &Sentence) -> Finding {
    let http = worded!(
        "HTTP {} en {} ms{}",
        "HTTP {} in {} ms{}",
        a.head.status,
        a.elapsed.as_millis(),
        via
    );
    if a.head.status >= 500 {
        return sentenced(
            ID,
            CheckStatus::Warning,
            Some(http),
            Some(Sentence::new(
                "un code de réponse inférieur à 500",
                "an answer below 500",
            )),
            Sentence::new(
                "Le service d'assistance répond, mais signale une panne de son côté : réessayez plus tard.",
                "The service desk answers, but reports a failure on its side: try again later.",
            ),
        );
    }
    if !desk.tls {
        let (status, fr, en) = if desk.is_loopback() {
            (
                CheckStatus::Ok,
                "Le service d'assistance répond (sur cet ordinateur, sans chiffrement).",
                "The service desk answers (on this computer, without encryption).",
            )
        } else {
            (
                CheckStatus::Warning,
                "Le service d'assistance répond, mais sans chiffrement : ce qui est envoyé peut être lu sur le réseau.",
                "The service desk answers, but without encryption: what is sent can be read on the network.",
            )
        };
        return sentenced(
            ID,
            status,
            Some(worded!(
                "{} ; non chiffré (http)",
                "{}; not encrypted (http)",
                http
            )),
            None,
            Sentence::new(fr, en),
        );
    }
    let Some(days) = a
        .cert
        .as_ref()
        .and_then(|c| c.not_after)
        .map(|t| (t - now).num_days())
    else {
        return sentenced(
            ID,
            CheckStatus::Ok,
            Some(worded!(
                "{} ; certificat valide",
                "{}; certificate valid",
                http
            )),
            None,
            Sentence::new(
                "Le service d'assistance répond, par une connexion sécurisée.",
                "The service desk answers over a secure connection.",
            ),
        );
    };
    valid_for(&http, days)
}

/// A trusted certificate with `days` left before its end.
fn valid_for(http: &Sentence, days: i64) -> Finding {
    let measured = worded!(
        "{} ; certificat valide, encore {}",
        "{}; certificate valid, {} left",
        http,
        Days(days)
    );
    let threshold = Some(worded!(
        "≥ {} restants",
        "≥ {} left",
        Days(EXPIRY_WARNING_DAYS)
    ));
    if days < EXPIRY_WARNING_DAYS {
        return sentenced(
            ID,
            CheckStatus::Warning,
            Some(measured),
            threshold,
            Sentence::new(
                "Le service d'assistance répond, mais son certificat de sécurité expire bientôt : prévenez le support.",
                "The service desk answers, but its security certificate expires soon: tell IT support.",
            ),
        );
    }
    sentenced(
        ID,
        CheckStatus::Ok,
        Some(measured),
        threshold,
        Sentence::new(
            "Le service d'assistance répond, par une connexion sécurisée.",
            "The service desk answers over a secure connection.",
        ),
    )
}

fn refused(c: &CertReading, now: DateTime<Utc>, via: &Sentence) -> Finding {
    let ends = c
        .not_after
        .map(|t| {
            worded!(
                ", fin le {} ({})",
                ", ends {} ({})",
                t.format("%Y-%m-%d").to_string(),
                Days((t - now).num_days())
            )
        })
        .unwrap_or_else(|| Sentence::same(""));
    let (what, fr, en) = match &c.verdict {
        CertVerdict::Expired => (
            Sentence::new("expiré", "expired"),
            "Le certificat de sécurité du service d'assistance a expiré : la connexion n'est pas sûre. Prévenez le support.",
            "The service desk's security certificate has expired: the connection is not safe. Tell IT support.",
        ),
        CertVerdict::NotYetValid => (
            Sentence::new("pas encore valable", "not valid yet"),
            "Le certificat du service d'assistance n'est pas encore valable : l'horloge de cet ordinateur est sans doute en retard.",
            "The service desk's certificate is not valid yet: this computer's clock is probably behind.",
        ),
        CertVerdict::UnknownIssuer => (
            Sentence::new(
                "émis par une autorité à laquelle cet ordinateur ne fait pas confiance",
                "issued by an authority this machine does not trust",
            ),
            "Le certificat du service d'assistance n'est pas reconnu par cet ordinateur : la connexion n'est pas sûre.",
            "The service desk's certificate is not recognised by this computer: the connection is not safe.",
        ),
        CertVerdict::WrongName => (
            Sentence::new("établi pour un autre nom", "made out for another name"),
            "Le certificat du service d'assistance est établi pour un autre nom : la connexion n'est pas sûre.",
            "The service desk's certificate is made out for another name: the connection is not safe.",
        ),
        other => (
            worded!("refusé : {}", "refused: {}", format!("{other:?}")),
            "Le certificat du service d'assistance est refusé : la connexion n'est pas sûre.",
            "The service desk's certificate is refused: the connection is not safe.",
        ),
    };
    sentenced(
        ID,
        CheckStatus::Problem,
        Some(worded!(
            "certificat {}{}{}",
            "certificate {}{}{}",
            what,
            ends,
            via
        )),
        Some(Sentence::new("un certificat valide", "a valid certificate")),
        Sentence::new(fr, en),
    )
}

fn failed(e: &DeskFailure, via: &Sentence) -> Finding {
    let (status, measured, fr, en) = match e {
        DeskFailure::Proxy(m) if m.ends_with("407") => (
            CheckStatus::Unknown,
            worded!(
                "le proxy demande un identifiant (407){}",
                "the proxy asks for a login (407){}",
                via
            ),
            "Le proxy demande un identifiant, que cette vérification n'envoie pas : elle ne peut pas aller plus loin.",
            "The proxy asks for a login, which this check does not send: it cannot go further.",
        ),
        DeskFailure::Proxy(m) => (
            CheckStatus::Problem,
            worded!(
                "le proxy refuse le passage : {}{}",
                "proxy refused the way: {}{}",
                m,
                via
            ),
            "Le proxy refuse le passage vers le service d'assistance.",
            "The proxy refuses the way to the service desk.",
        ),
        DeskFailure::TimedOut(step) => (
            CheckStatus::Problem,
            worded!(
                "pas de réponse en 1 s ({}){}",
                "no answer within 1 s ({}){}",
                step_name(*step),
                via
            ),
            "Le service d'assistance ne répond pas à temps : le réseau ou le serveur est peut-être en panne.",
            "The service desk does not answer in time: the network or the server may be down.",
        ),
        DeskFailure::NotResolved(m) => (
            CheckStatus::Problem,
            worded!(
                "nom introuvable : {}{}",
                "name not found: {}{}",
                m,
                via
            ),
            "Le service d'assistance est injoignable : son nom est introuvable.",
            "The service desk cannot be reached: its name cannot be found.",
        ),
        DeskFailure::Unreachable(m) | DeskFailure::Broken(m) => (
            CheckStatus::Problem,
            worded!("{}{}", "{}{}", m, via),
            "Le service d'assistance est injoignable : le serveur ne répond pas.",
            "The service desk cannot be reached: the server does not answer.",
        ),
        DeskFailure::Tls(m) => (
            CheckStatus::Problem,
            worded!(
                "échec de la connexion sécurisée : {}{}",
                "secure connection failed: {}{}",
                m,
                via
            ),
            "La connexion sécurisée avec le service d'assistance échoue.",
            "The secure connection with the service desk fails.",
        ),
        DeskFailure::NotHttp | DeskFailure::Certificate(_) => (
            CheckStatus::Problem,
            worded!(
                "le serveur à cette adresse ne parle pas HTTP{}",
                "the server there does not speak HTTP{}",
                via
            ),
            "À cette adresse, un serveur répond, mais ce n'est pas un service web.",
            "A server answers at this address, but it is not a web service.",
        ),
    };
    sentenced(ID, status, Some(measured), None, Sentence::new(fr, en))
}

/// The step's name in the measured value.
pub fn step_name(step: Step) -> Sentence {
    let (fr, en) = match step {
        Step::Resolving => ("résolution du nom", "name lookup"),
        Step::Connecting => ("connexion", "connecting"),
        Step::Tunnel => ("tunnel du proxy", "proxy tunnel"),
        Step::Handshake => ("négociation TLS", "TLS handshake"),
        Step::Answer => ("attente de la réponse", "waiting for the answer"),
    };
    Sentence::new(fr, en)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desk_probe::Head;
    use std::time::Duration;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn answer(status: u16, not_after: Option<&str>) -> Result<DeskAnswer, DeskFailure> {
        Ok(DeskAnswer {
            head: Head { status, date: None },
            received_at: at("2026-12-06T18:00:00Z"),
            cert: not_after.map(|t| CertReading {
                verdict: CertVerdict::Valid,
                not_after: Some(at(t)),
            }),
            elapsed: Duration::from_millis(42),
        })
    }

    fn judge(url: &str, r: &Result<DeskAnswer, DeskFailure>) -> (CheckStatus, String) {
        let d = DeskAddress::parse(url).unwrap();
        let f = evaluate(&d, None, r, at("2026-12-06T18:00:00Z"));
        (f.status, f.measured.unwrap().en)
    }

    #[test]
    fn days_to_expiry_decide_between_ok_and_warning() {
        let url = "https://rt.example.org/";
        let r = answer(200, Some("2027-03-06T12:00:00Z"));
        assert_eq!(
            judge(url, &r),
            (
                CheckStatus::Ok,
                "HTTP 200 in 42 ms; certificate valid, 89 days left".into()
            )
        );
        let r = answer(302, Some("2026-12-20T17:00:00Z"));
        assert_eq!(judge(url, &r).0, CheckStatus::Warning, "13 days");
        let r = answer(302, Some("2026-12-20T19:00:00Z"));
        assert_eq!(judge(url, &r).0, CheckStatus::Ok, "14 days");
        assert_eq!(judge(url, &answer(503, None)).0, CheckStatus::Warning);
    }

    #[test]
    fn refused_certificates_are_problems_with_their_end_date() {
        let expired = Err(DeskFailure::Certificate(CertReading {
            verdict: CertVerdict::Expired,
            not_after: Some(at("2026-12-01T00:00:00Z")),
        }));
        assert_eq!(
            judge("https://rt.example.org/", &expired),
            (
                CheckStatus::Problem,
                "certificate expired, ends 2026-12-01 (-5 days)".into()
            )
        );
    }

    #[test]
    fn plain_http_is_fine_on_loopback_only() {
        let r = answer(200, None);
        assert_eq!(judge("http://127.0.0.1:8080/", &r).0, CheckStatus::Ok);
        assert_eq!(judge("http://rt.example.org/", &r).0, CheckStatus::Warning);
        let slow = Err(DeskFailure::TimedOut(Step::Handshake));
        assert_eq!(
            judge("https://rt.example.org/", &slow),
            (
                CheckStatus::Problem,
                "no answer within 1 s (TLS handshake)".into()
            )
        );
    }
}
