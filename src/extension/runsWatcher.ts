// Follows the run store on disk, whoever writes it (this window, `zoar run` in
// a terminal, another window): a watch on each runs folder sees run folders
// appear, vanish or be renamed into place; a watch on each run's folder sees
// its trace grow, its result appear, or go when it is resumed. A runs folder that does
// not exist yet is watched through its nearest existing parent. Bursts of
// events become one change after a short quiet time. No vscode import.
import * as fs from "node:fs";
import * as path from "node:path";

/** Quiet time before a burst of file events becomes one change: a running trace appends several times a second. */
export const DEFAULT_DEBOUNCE_MS = 300;

export class RunsFolderWatcher {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly onChange: () => void,
    private readonly debounceMs = DEFAULT_DEBOUNCE_MS,
  ) {}

  /** Watches exactly these runs folders and run folders from now on. */
  watch(runsDirs: Iterable<string>, runDirs: Iterable<string>): void {
    if (this.disposed) return;
    const wanted = new Set<string>();
    for (const dir of runsDirs) {
      const existing = nearestExisting(path.resolve(dir));
      if (existing) wanted.add(existing);
    }
    for (const dir of runDirs) wanted.add(path.resolve(dir));
    for (const [dir, watcher] of this.watchers) {
      if (wanted.has(dir)) continue;
      watcher.close();
      this.watchers.delete(dir);
    }
    let added = false;
    for (const dir of wanted) {
      if (!this.watchers.has(dir)) added = this.add(dir) || added;
    }
    // What changed between the caller's last read and this watch would go unseen: read once more.
    if (added) this.changed();
  }

  /** Folders watched now (for tests and the log). */
  get watched(): string[] {
    return [...this.watchers.keys()];
  }

  private add(dir: string): boolean {
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, { persistent: false }, () => this.changed());
    } catch {
      // Gone between the check and the watch: the next change re-arms the watches.
      return false;
    }
    watcher.on("error", () => {
      watcher.close();
      if (this.watchers.get(dir) === watcher) this.watchers.delete(dir);
      this.changed();
    });
    this.watchers.set(dir, watcher);
    return true;
  }

  private changed(): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onChange();
    }, this.debounceMs);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

/** The folder itself when it exists, else its nearest existing parent. */
function nearestExisting(dir: string): string | undefined {
  let current = dir;
  for (;;) {
    try {
      if (fs.statSync(current).isDirectory()) return current;
    } catch {
      // not there: try the parent
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}
