// One RunEvents that passes each event on to several listeners (the status
// bar and log, the Runs view), in order. No vscode import.
import type { RunEvents } from "./objectiveRunner";

export function fanOutRunEvents(listeners: readonly RunEvents[]): RunEvents {
  return {
    launched: (event) => listeners.forEach((listener) => listener.launched?.(event)),
    started: (event) => listeners.forEach((listener) => listener.started?.(event)),
    progress: (event) => listeners.forEach((listener) => listener.progress?.(event)),
    finished: (event) => listeners.forEach((listener) => listener.finished?.(event)),
    problem: (message) => listeners.forEach((listener) => listener.problem?.(message)),
    note: (message) => listeners.forEach((listener) => listener.note?.(message)),
  };
}
