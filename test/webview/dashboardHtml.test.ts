// The webview page itself: its Content-Security-Policy and what it loads.
import assert from "node:assert/strict";
import { contentSecurityPolicy, createNonce, dashboardHtml } from "../../src/extension/dashboardHtml";

const OPTIONS = {
  scriptUri: "https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js",
  styleUris: ["https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css"],
  cspSource: "https://*.vscode-cdn.net",
  nonce: "abcdefghijklmnopqrstuvwxyz012345",
  title: "zoar: <quadratic>",
};

describe("dashboard page", () => {
  it("allows only the nonced script and the webview's own css, fonts and images", () => {
    assert.equal(
      contentSecurityPolicy(OPTIONS.cspSource, OPTIONS.nonce),
      "default-src 'none'; script-src 'nonce-abcdefghijklmnopqrstuvwxyz012345'; style-src https://*.vscode-cdn.net; font-src https://*.vscode-cdn.net; img-src https://*.vscode-cdn.net data:",
    );
  });

  it("takes a source list, as code-server's webviews give it", () => {
    assert.equal(
      contentSecurityPolicy("'self'  https://*.vscode-cdn.net", OPTIONS.nonce),
      "default-src 'none'; script-src 'nonce-abcdefghijklmnopqrstuvwxyz012345'; style-src 'self' https://*.vscode-cdn.net; font-src 'self' https://*.vscode-cdn.net; img-src 'self' https://*.vscode-cdn.net data:",
    );
  });

  it("loads the bundle with the nonce and the style sheets by link, with nothing inline", () => {
    const html = dashboardHtml(OPTIONS);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-abcdefghijklmnopqrstuvwxyz012345';/);
    assert.match(html, /<script nonce="abcdefghijklmnopqrstuvwxyz012345" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.css">/);
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.doesNotMatch(html, /<style|style="|\son[a-z]+=/i);
    assert.match(html, /<title>zoar: &#60;quadratic&#62;<\/title>/, "the title is escaped");
  });

  it("refuses a weak nonce and a source that would break the policy", () => {
    assert.throws(() => dashboardHtml({ ...OPTIONS, nonce: "short" }), /nonce/);
    assert.throws(() => dashboardHtml({ ...OPTIONS, nonce: "x".repeat(20) + "'" }), /nonce/);
    assert.throws(() => dashboardHtml({ ...OPTIONS, cspSource: "https://a; script-src *" }), /cspSource/);
    assert.throws(() => dashboardHtml({ ...OPTIONS, cspSource: "'self' 'unsafe-inline'" }), /cspSource/);
    assert.throws(() => dashboardHtml({ ...OPTIONS, cspSource: "https://a\" onload=\"x" }), /cspSource/);
  });

  it("makes a fresh 32-character nonce each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, () => createNonce()));
    assert.equal(nonces.size, 100);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9]{32}$/);
  });
});
