// The webview's side of the channel: VS Code injects acquireVsCodeApi(), which
// may be called once per page. Tests inject their own with the same shape.
import type { WebviewMessage } from "../src/protocol";

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostChannel {
  post(message: WebviewMessage): void;
  /** What setState last stored, surviving the panel being hidden and shown. */
  restore(): unknown;
  persist(state: unknown): void;
}

export function connectToHost(): HostChannel {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    restore: () => api.getState(),
    persist: (state) => api.setState(state),
  };
}
