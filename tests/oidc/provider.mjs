// An independent OpenID provider for Heima's SMART login tests:
// oidc-provider (panva, OpenID Certified), run on loopback by the tests.
//   node provider.mjs <port> <patient-id> <scopes>
// The app is a public native client (`heima`, PKCE, loopback redirect on
// any port, RFC 8252); the test gateway introspects tokens as client
// `gateway`. The login page is the provider's own (devInteractions): any
// login name and password log in, as the patient given on the command line,
// and the consent page grants the app's scopes.
// SMART's `patient` is added to the token response, as a SMART server does.
import Provider from "oidc-provider";

const [port, patient] = [Number(process.argv[2]), process.argv[3]];
const issuer = `http://127.0.0.1:${port}`;

// The scopes the app asks for, from the app itself (`enrolment::SCOPE`).
const scopes = process.argv[4].split(/\s+/).filter(Boolean);

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "heima",
      application_type: "native",
      token_endpoint_auth_method: "none",
      redirect_uris: ["http://127.0.0.1/callback"],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    },
    {
      client_id: "gateway",
      client_secret: "gateway-secret",
      grant_types: [],
      response_types: [],
      redirect_uris: [],
    },
  ],
  scopes,
  extraParams: ["aud"],
  features: {
    devInteractions: { enabled: true },
    introspection: { enabled: true, allowedPolicy: async () => true },
    revocation: { enabled: true },
  },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
  findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
  ttl: { AccessToken: 3600, AuthorizationCode: 60, RefreshToken: 86400, Session: 3600, Interaction: 600, Grant: 86400 },
});

// SMART: the token response names the patient in context.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === "/token" && ctx.status === 200 && ctx.body && ctx.body.access_token) {
    ctx.body.patient = patient;
  }
});

provider.listen(port, "127.0.0.1", () => console.log(`oidc-provider on ${issuer}`));
