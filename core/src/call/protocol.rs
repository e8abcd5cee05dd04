//! The pure parts of a call: which RTP payload type the other side chose for
//! a codec (read from its SDP), the STUN/TURN servers a service announces in
//! WHIP-style `Link` headers (RFC 9725 §4.6), and the loss meter that says
//! when the network is too poor. No I/O; data-driven tests below.

use serde::Serialize;

/// A STUN or TURN server for ICE. `Debug` leaves the credential out.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct IceServer {
    pub urls: Vec<String>,
    pub username: String,
    pub credential: String,
}

impl std::fmt::Debug for IceServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IceServer").field("urls", &self.urls).finish_non_exhaustive()
    }
}

/// When a TURN server's credentials stop working, if they are the TURN
/// REST API's time-limited kind (coturn's `use-auth-secret`): the
/// username starts with the expiry as Unix seconds (`1764500000:heima`).
/// `None` for STUN servers and for long-term credentials.
pub fn turn_expiry(server: &IceServer) -> Option<jiff::Timestamp> {
    let turn = server.urls.iter().any(|u| {
        let scheme = u.split(':').next().unwrap_or("").to_ascii_lowercase();
        scheme == "turn" || scheme == "turns"
    });
    let seconds = server.username.split(':').next()?;
    if !turn || seconds.is_empty() || !seconds.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    jiff::Timestamp::from_second(seconds.parse().ok()?).ok()
}

/// Every TURN server given has time-limited credentials that expired
/// before `now` (a service that gives none, or any still valid, is fine).
pub fn relay_credentials_expired(servers: &[IceServer], now: jiff::Timestamp) -> bool {
    let expiries: Vec<_> = servers.iter().filter_map(turn_expiry).collect();
    !expiries.is_empty() && expiries.iter().all(|at| *at <= now)
}

/// The payload type `sdp` maps to `encoding` (`VP8/90000`, `opus/48000`),
/// compared without case, in the first media section that has it.
pub fn payload_type(sdp: &str, encoding: &str) -> Option<u8> {
    sdp.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("a=rtpmap:")?;
        let (pt, name) = rest.split_once(' ')?;
        let name = name.trim();
        // `get`, not slicing: a name with multibyte characters must not split one.
        let matches = name.get(..encoding.len()).is_some_and(|start| start.eq_ignore_ascii_case(encoding));
        let whole = name.len() == encoding.len() || name.as_bytes().get(encoding.len()) == Some(&b'/');
        (matches && whole).then(|| pt.parse().ok()).flatten()
    })
}

/// The ICE servers in `Link` header values, as WHIP writes them:
/// `<turn:turn.example.no?transport=udp>; rel="ice-server"; username="u"; credential="p"; credential-type="password"`.
/// Links with another `rel`, or with a scheme other than stun/stuns/turn/turns,
/// are skipped. One header may hold several links separated by commas.
pub fn ice_servers_from_links<'a>(headers: impl IntoIterator<Item = &'a str>) -> Vec<IceServer> {
    let mut servers = Vec::new();
    for header in headers {
        for link in split_links(header) {
            let Some((target, params)) = link.trim().strip_prefix('<').and_then(|l| l.split_once('>')) else {
                continue;
            };
            let mut rel = None;
            let mut server = IceServer { urls: vec![target.trim().to_string()], ..IceServer::default() };
            for param in params.split(';') {
                let Some((key, value)) = param.split_once('=') else { continue };
                let value = value.trim().trim_matches('"').to_string();
                match key.trim().to_ascii_lowercase().as_str() {
                    "rel" => rel = Some(value),
                    "username" => server.username = value,
                    "credential" => server.credential = value,
                    _ => {}
                }
            }
            let scheme = target.split(':').next().unwrap_or("").to_ascii_lowercase();
            if rel.as_deref() == Some("ice-server") && matches!(scheme.as_str(), "stun" | "stuns" | "turn" | "turns") {
                servers.push(server);
            }
        }
    }
    servers
}

/// Splits a `Link` header at the commas between links (not inside `<…>` or quotes).
fn split_links(header: &str) -> Vec<&str> {
    let (mut parts, mut start, mut in_angle, mut in_quote) = (Vec::new(), 0, false, false);
    for (i, c) in header.char_indices() {
        match c {
            '<' if !in_quote => in_angle = true,
            '>' if !in_quote => in_angle = false,
            '"' if !in_angle => in_quote = !in_quote,
            ',' if !in_angle && !in_quote => {
                parts.push(&header[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&header[start..]);
    parts
}

/// Counts the RTP sequence numbers seen in a window to tell the share lost.
/// Reordered and repeated packets are not counted as lost.
#[derive(Debug, Clone, Default)]
pub struct LossMeter {
    highest: Option<u16>,
    expected: u64,
    received: u64,
}

/// Above this share of lost packets the screen says the network is poor.
pub const POOR_NETWORK_LOSS: f64 = 0.10;

impl LossMeter {
    pub fn packet(&mut self, sequence: u16) {
        self.received += 1;
        match self.highest {
            None => {
                self.highest = Some(sequence);
                self.expected += 1;
            }
            Some(high) => {
                let ahead = sequence.wrapping_sub(high);
                if ahead != 0 && ahead < 0x8000 {
                    self.expected += u64::from(ahead);
                    self.highest = Some(sequence);
                } else {
                    // Late or repeated: it was counted as expected already.
                }
            }
        }
    }

    /// Share lost since the last call, then starts a new window (keeping the
    /// highest sequence so the next window continues from it).
    pub fn take_loss(&mut self) -> Option<f64> {
        let (expected, received) = (self.expected, self.received);
        self.expected = 0;
        self.received = 0;
        (expected > 0).then(|| (expected.saturating_sub(received)) as f64 / expected as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROMIUM_OFFER: &str = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:63 red/48000/2\r\nm=video 9 UDP/TLS/RTP/SAVPF 96 97 102\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:97 rtx/90000\r\na=rtpmap:102 H264/90000\r\n";

    /// A log line or a panic that prints an ICE server shows no credential.
    #[test]
    fn an_ice_servers_debug_shows_no_credential() {
        let server = IceServer {
            urls: vec!["turn:turn.example.no:3478".into()],
            username: "1764500000:heima".into(),
            credential: "s3cr3t-credential".into(),
        };
        let shown = format!("{server:?} {:?}", vec![server.clone()]);
        assert!(shown.contains("turn.example.no"), "{shown}");
        assert!(!shown.contains("s3cr3t-credential") && !shown.contains("1764500000"), "{shown}");
    }

    #[test]
    fn payload_types_come_from_the_other_sides_sdp() {
        let cases = [
            (CHROMIUM_OFFER, "VP8/90000", Some(96)),
            (CHROMIUM_OFFER, "opus/48000", Some(111)),
            (CHROMIUM_OFFER, "vp8/90000", Some(96)),
            ("a=rtpmap:120 VP8/90000\n", "VP8/90000", Some(120)),
            ("a=rtpmap:100 VP8/900000\n", "VP8/90000", None),
            (CHROMIUM_OFFER, "VP9/90000", None),
            ("a=rtpmap:x VP8/90000\n", "VP8/90000", None),
            // A hostile name with multibyte characters across the compared length.
            ("a=rtpmap:96 VP8/9000ø\n", "VP8/90000", None),
            ("a=rtpmap:96 ØØØØØ\n", "VP8/90000", None),
            ("a=rtpmap:96 日本\na=rtpmap:97 VP8/90000\n", "VP8/90000", Some(97)),
            ("", "VP8/90000", None),
        ];
        for (sdp, encoding, expected) in cases {
            assert_eq!(payload_type(sdp, encoding), expected, "{encoding} in {sdp:?}");
        }
    }

    #[test]
    fn ice_servers_are_read_from_whip_link_headers() {
        let turn = IceServer {
            urls: vec!["turn:turn.example.no?transport=udp".into()],
            username: "pasient".into(),
            credential: "hemmeleg, med komma".into(),
        };
        let stun = IceServer { urls: vec!["stun:stun.example.no:3478".into()], ..IceServer::default() };
        let cases: [(&[&str], Vec<IceServer>); 5] = [
            (&[r#"<stun:stun.example.no:3478>; rel="ice-server""#], vec![stun.clone()]),
            (
                &[
                    r#"<stun:stun.example.no:3478>; rel="ice-server", <turn:turn.example.no?transport=udp>; rel="ice-server"; username="pasient"; credential="hemmeleg, med komma"; credential-type="password""#,
                ],
                vec![stun.clone(), turn.clone()],
            ),
            (
                &[r#"<stun:stun.example.no:3478>; rel="ice-server""#, r#"<https://x.example/>; rel="ice-server""#],
                vec![stun.clone()],
            ),
            (&[r#"<stun:stun.example.no:3478>; rel="next""#], vec![]),
            (&["garbage", ""], vec![]),
        ];
        for (headers, expected) in cases {
            assert_eq!(ice_servers_from_links(headers.iter().copied()), expected, "{headers:?}");
        }
    }

    #[test]
    fn the_loss_meter_counts_gaps_but_not_reordering() {
        // (sequence numbers, expected share lost)
        let cases: [(&[u16], Option<f64>); 6] = [
            (&[], None),
            (&[1, 2, 3, 4], Some(0.0)),
            (&[1, 2, 5, 6], Some(2.0 / 6.0)),
            (&[1, 3, 2, 4], Some(0.0)),
            (&[65534, 65535, 0, 1], Some(0.0)),
            (&[10, 10, 11], Some(0.0)),
        ];
        for (sequence, expected) in cases {
            let mut meter = LossMeter::default();
            sequence.iter().for_each(|s| meter.packet(*s));
            assert_eq!(meter.take_loss(), expected, "{sequence:?}");
        }
        let mut meter = LossMeter::default();
        (0..10u16).for_each(|s| meter.packet(s));
        assert_eq!(meter.take_loss(), Some(0.0));
        meter.packet(20);
        assert_eq!(meter.take_loss(), Some(10.0 / 11.0), "the next window continues from the highest seen");
    }

    #[test]
    fn time_limited_turn_credentials_are_read_and_judged() {
        let server = |url: &str, username: &str| IceServer {
            urls: vec![url.into()],
            username: username.into(),
            credential: "c".into(),
        };
        let now: jiff::Timestamp = "2026-11-30T12:00:00Z".parse().unwrap();
        let past = (now.as_second() - 1).to_string();
        let future = (now.as_second() + 3600).to_string();
        let cases = [
            (vec![server("turn:t.example.no", &format!("{past}:heima"))], true),
            (vec![server("turns:t.example.no:5349", &format!("{past}:heima"))], true),
            (vec![server("turn:t.example.no", &format!("{future}:heima"))], false),
            (vec![server("turn:a", &format!("{past}:x")), server("turn:b", &format!("{future}:x"))], false),
            (vec![server("turn:t.example.no", "pasient")], false),
            (vec![server("stun:s.example.no", &format!("{past}:heima"))], false),
            (vec![server("turn:t.example.no", ":heima")], false),
            (vec![], false),
        ];
        for (servers, expired) in cases {
            assert_eq!(relay_credentials_expired(&servers, now), expired, "{servers:?}");
        }
    }
}
