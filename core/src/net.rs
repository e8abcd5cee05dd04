//! How the core makes HTTP clients: reqwest 0.13 (the version Tauri uses, so
//! one is built) on rustls with the ring crypto provider, the operating
//! system's trust store (rustls-platform-verifier, so a hospital's or
//! municipality's own CA works once the machine trusts it), and no redirects
//! (a request goes where it was sent, and a token with it, or nowhere).
//! Every client of the FHIR service, the authorisation server and the call
//! endpoint starts here.

use std::sync::Once;

/// A client builder with the app's TLS and redirect rules.
pub fn client_builder() -> reqwest::ClientBuilder {
    static PROVIDER: Once = Once::new();
    PROVIDER.call_once(|| {
        // Already installed (by the embedding process) is fine too.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none())
}
