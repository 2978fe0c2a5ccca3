// The dashboard webview's HTML. The page is an empty shell that the bundle
// fills in; its Content Security Policy allows our bundle (by nonce) and our
// css, fonts and images (from the webview's resource origin), nothing else:
// no inline scripts or handlers, no inline style sheets, no remote resources.
// A pure function (no vscode import) so the browser tests build the same page.

export interface DashboardHtmlOptions {
  /** URI of dist/webview.js as the webview sees it (webview.asWebviewUri). */
  scriptUri: string;
  /** URIs of the style sheets (dist/webview.css). */
  styleUris: readonly string[];
  /** webview.cspSource: the sources the webview's own resources come from (code-server gives "'self' https://*.vscode-cdn.net"). */
  cspSource: string;
  /** A fresh random token per page load (see createNonce). */
  nonce: string;
  title: string;
}

const NONCE_PATTERN = /^[A-Za-z0-9+/=_-]{16,}$/;
/** One CSP source expression: 'self', or a scheme or host source (no quotes, separators or semicolons). */
const SOURCE_EXPRESSION = /^(?:'self'|[A-Za-z0-9*][^\s;,'"]*)$/;

/** A nonce for one page load: 32 random characters. */
export function createNonce(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (byte) => alphabet[byte % alphabet.length]).join("");
}

/** Safe as text and inside double-quoted attributes (single quotes may stay: the policy needs them). */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The webview's source list, checked expression by expression so nothing else can enter the policy. */
function sourceList(cspSource: string): string {
  const expressions = cspSource.trim().split(/\s+/);
  if (expressions.some((expression) => !SOURCE_EXPRESSION.test(expression))) {
    throw new Error(`cspSource ${JSON.stringify(cspSource)} cannot go into a Content-Security-Policy`);
  }
  return expressions.join(" ");
}

export function contentSecurityPolicy(webviewSources: string, nonce: string): string {
  const cspSource = sourceList(webviewSources);
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join("; ");
}

export function dashboardHtml(options: DashboardHtmlOptions): string {
  const { scriptUri, styleUris, cspSource, nonce, title } = options;
  if (!NONCE_PATTERN.test(nonce)) throw new Error("nonce must be at least 16 characters of [A-Za-z0-9+/=_-]");
  const styles = styleUris.map((uri) => `    <link rel="stylesheet" href="${escapeHtml(uri)}">`).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(cspSource, nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
    <title>${escapeHtml(title)}</title>
  </head>
  <body>
    <div id="app" aria-busy="true"></div>
    <script nonce="${nonce}" src="${escapeHtml(scriptUri)}"></script>
  </body>
</html>
`;
}
