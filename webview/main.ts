// The dashboard webview: receives the host's snapshot and progress messages,
// keeps them in the store, draws what changed at most once per animation
// frame, and posts the user's commands. Loaded as a classic script with the
// page's CSP nonce; everything it shows comes through postMessage.
import "@vscode-elements/elements/dist/vscode-button/index.js";
import "@vscode-elements/elements/dist/vscode-checkbox/index.js";
import "@vscode-elements/elements/dist/vscode-label/index.js";
import "@vscode-elements/elements/dist/vscode-option/index.js";
import "@vscode-elements/elements/dist/vscode-single-select/index.js";
import "@vscode-elements/elements/dist/vscode-textfield/index.js";
import "uplot/dist/uPlot.min.css";
import "../media/dashboard.css";
import { Dashboard } from "./dashboard";
import { connectToHost } from "./vscodeApi";

const root = document.getElementById("app");
if (root) new Dashboard(connectToHost(), root).start();
