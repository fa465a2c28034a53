// node_sdk.js - the official tencentcloud-sdk-nodejs as a benchmark contender:
// one Node process, sequential DeleteAigcApiToken calls, as the SDK's
// README shows (new client, await client.DeleteAigcApiToken(req)).
//
//   node node_sdk.js MODULES_DIR PORT TOKENS_FILE SUB_APP_ID MODE
//
// MODE "default": what the SDK does out of the box - node-fetch without an
//   agent sends "Connection: close", so every call opens a new TCP+TLS
//   connection (Node's agent caches the TLS session, so later handshakes
//   are resumed).
// MODE "keepalive": an https.Agent with keepAlive, the SDK's best case
//   (httpProfile.agent is a documented option).
//
// The endpoint stays vod.intl.tencentcloudapi.com: the SDK takes the
// credential-scope service from the endpoint's first label (spec
// tencent-signing.md section 1), so giving it 127.0.0.1 would sign for
// service "127". The agent only redirects the TCP connection to
// 127.0.0.1:PORT, like rvkctl --connect; Host, SNI and the certificate
// check keep the real name. The test CA comes from NODE_EXTRA_CA_CERTS.
"use strict";
const fs = require("fs");
const https = require("https");
const path = require("path");

const [modulesDir, port, tokensFile, subAppId, mode] = process.argv.slice(2);
const tencentcloud = require(path.join(modulesDir, "tencentcloud-sdk-nodejs"));
const VodClient = tencentcloud.vod.v20180717.Client;

class RedirectAgent extends https.Agent {
  createConnection(options, cb) {
    return super.createConnection({ ...options, host: "127.0.0.1", port: Number(port) }, cb);
  }
}

async function main() {
  const tokens = fs.readFileSync(tokensFile, "utf8").split("\n").filter((t) => t.length > 0);
  const client = new VodClient({
    credential: {
      secretId: process.env.TENCENTCLOUD_SECRET_ID,
      secretKey: process.env.TENCENTCLOUD_SECRET_KEY,
    },
    region: "",
    profile: {
      httpProfile: {
        endpoint: "vod.intl.tencentcloudapi.com",
        protocol: "https://",
        agent: new RedirectAgent({ keepAlive: mode === "keepalive" }),
      },
    },
  });
  let ok = 0;
  for (const token of tokens) {
    const res = await client.DeleteAigcApiToken({ SubAppId: Number(subAppId), ApiToken: token });
    if (typeof res.RequestId === "string") {
      ok++;
    }
  }
  if (ok !== tokens.length) {
    console.error(`node_sdk: ${tokens.length - ok} of ${tokens.length} calls failed`);
    process.exit(1);
  }
  process.exit(0); // a keep-alive agent would otherwise hold the process open
}

main().catch((e) => {
  console.error("node_sdk:", e && e.message ? e.message : e);
  process.exit(1);
});
