//! An independent OpenID provider for the login tests: oidc-provider
//! (panva's, OpenID Certified) under Node.js, started on a free loopback
//! port from `tests/oidc/provider.mjs` (`scripts/setup.sh` installs its
//! npm packages), and a scripted browser that logs in on its own pages.

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// A running oidc-provider; stopped on drop.
pub struct OidcProvider {
    child: Child,
    /// The issuer, `http://127.0.0.1:<port>`.
    pub base: String,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../oidc/provider.mjs")
}

impl OidcProvider {
    /// Starts the provider; whoever logs in is `patient` (a Patient id).
    pub async fn start(patient: &str) -> OidcProvider {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let base = format!("http://127.0.0.1:{port}");
        let script = script();
        assert!(
            script.with_file_name("node_modules").exists(),
            "tests/oidc has no node_modules; scripts/test.sh installs them (npm ci --prefix tests/oidc)"
        );
        let child = Command::new("node")
            .arg(&script)
            .arg(port.to_string())
            .arg(patient)
            .arg(heima_core::enrolment::SCOPE)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs the OpenID provider");
        let http = heima_core::net::client_builder().timeout(Duration::from_secs(2)).build().unwrap();
        let started = Instant::now();
        let discovery = format!("{base}/.well-known/openid-configuration");
        while !http.get(&discovery).send().await.is_ok_and(|r| r.status().is_success()) {
            assert!(started.elapsed() < Duration::from_secs(30), "oidc-provider did not start on {base}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        OidcProvider { child, base }
    }

    pub fn authorization_endpoint(&self) -> String {
        format!("{}/auth", self.base)
    }

    pub fn token_endpoint(&self) -> String {
        format!("{}/token", self.base)
    }

    pub fn introspection_endpoint(&self) -> String {
        format!("{}/token/introspection", self.base)
    }

    /// The system browser, scripted: opens `authorize_url`, logs in as
    /// `login` on the provider's page, consents, and follows the redirect
    /// to the app's loopback address. Returns that final address.
    pub async fn log_in(&self, authorize_url: &str, login: &str) -> String {
        let http = heima_core::net::client_builder().timeout(Duration::from_secs(10)).build().unwrap();
        let mut cookies: Vec<(String, String)> = Vec::new();
        let mut next = authorize_url.to_string();
        let mut form: Option<Vec<(&str, &str)>> = None;
        for _ in 0..12 {
            let cookie = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            let request = match form.take() {
                Some(fields) => http.post(&next).form(&fields),
                None => http.get(&next),
            };
            let response = request.header("Cookie", cookie).send().await.unwrap();
            for set in response.headers().get_all("set-cookie") {
                let pair = set.to_str().unwrap().split(';').next().unwrap();
                if let Some((name, value)) = pair.split_once('=') {
                    cookies.retain(|(k, _)| k != name);
                    cookies.push((name.to_string(), value.to_string()));
                }
            }
            if let Some(location) = response.headers().get("location") {
                let location = url::Url::parse(&next).unwrap().join(location.to_str().unwrap()).unwrap();
                if !location.as_str().starts_with(&self.base) {
                    return location.into();
                }
                next = location.into();
                continue;
            }
            let page = response.text().await.unwrap();
            let action = page
                .split("action=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_else(|| panic!("no form on the provider's page: {page}"))
                .to_string();
            next = action;
            form = Some(if page.contains("name=\"login\"") {
                vec![("prompt", "login"), ("login", login), ("password", "any")]
            } else {
                vec![("prompt", "consent")]
            });
        }
        panic!("the login did not come back to the app");
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
