//! HTTPS for the trust tests: a private certificate authority made for
//! the test (rcgen), limited to loopback names, a server certificate it signs, and a TLS front
//! (tokio-rustls) that terminates HTTPS on loopback and forwards plain
//! HTTP to a test server behind it.

use std::{path::PathBuf, sync::Arc};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, CidrSubnet, DnType, GeneralSubtree, IsCa, KeyPair,
    NameConstraints,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::{io::AsyncWriteExt, net::TcpListener};
use tokio_rustls::TlsAcceptor;

use crate::http::{forward, read_request};

/// A certificate authority made for one test, and a server certificate
/// for `localhost` and 127.0.0.1 that it signed.
pub struct TestPki {
    /// The CA certificate, PEM, as a machine's trust store holds it.
    pub ca_pem: String,
    server_chain: Vec<CertificateDer<'static>>,
    server_key: Vec<u8>,
    _dir: tempfile::TempDir,
    /// A bundle file with the CA (for `SSL_CERT_FILE`).
    pub ca_file: PathBuf,
}

impl TestPki {
    pub fn new() -> TestPki {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.distinguished_name.push(DnType::CommonName, "Heima test CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        // It may vouch for loopback only: a machine that trusts it (the
        // package test puts it in the system's store for a while) trusts
        // nothing else because of it.
        ca_params.name_constraints = Some(NameConstraints {
            permitted_subtrees: vec![
                GeneralSubtree::DnsName("localhost".into()),
                GeneralSubtree::IpAddress(CidrSubnet::V4([127, 0, 0, 1], [255, 255, 255, 255])),
            ],
            excluded_subtrees: vec![],
        });
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
        let server_key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, "localhost");
        let server = params.signed_by(&server_key, &ca).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ca_file = dir.path().join("heima-test-ca.pem");
        std::fs::write(&ca_file, ca.pem()).unwrap();
        TestPki {
            ca_pem: ca.pem(),
            server_chain: vec![server.der().clone()],
            server_key: server_key.serialize_der(),
            _dir: dir,
            ca_file,
        }
    }

    fn acceptor(&self) -> TlsAcceptor {
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.server_key.clone()));
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(self.server_chain.clone(), key)
            .expect("a valid server certificate");
        TlsAcceptor::from(Arc::new(config))
    }
}

impl Default for TestPki {
    fn default() -> Self {
        TestPki::new()
    }
}

/// Serves HTTPS on a free loopback port with `pki`'s server certificate
/// and forwards each request to `upstream` (`host:port`, plain HTTP).
/// Returns `https://localhost:<port>`.
pub async fn https_front(upstream: String, pki: &TestPki) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("https://localhost:{}", listener.local_addr().unwrap().port());
    let acceptor = pki.acceptor();
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else { return };
            let (acceptor, upstream) = (acceptor.clone(), upstream.clone());
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(client).await else { return };
                let Some(request) = read_request(&mut tls).await else { return };
                if let Some(answer) = forward(&upstream, &request, str::to_string).await {
                    let _ = tls.write_all(&answer).await;
                }
                let _ = tls.shutdown().await;
            });
        }
    });
    address
}
