// The helper thread of drawing-threads.ts: draws the query rows it is handed
// into the shared arrays, with the engine's own QueryRowWriter, and counts the
// job as finished on the shared control words. Bundled to
// dist/drawing-worker.js; run from source through tsx in development.
import { parentPort, workerData } from "node:worker_threads";
import { type DirectionTiles, GaussianLanes, KERNEL_TILE, type QueryRows, QueryRowWriter, Rng } from "../engine";

const control = workerData.control as Int32Array;
const error = workerData.error as Uint8Array;
const writers = new Map<string, QueryRowWriter>();

const rngs: Rng[] = [];
/** The Gaussian kernel for tiles of KERNEL_TILE coordinates (null: draw with Rng). */
const lanes = GaussianLanes.create();
/** Without the caller reading a tile for this long, the job is abandoned. */
const SILENCE_LIMIT_MS = 60_000;

/** Draw every tile of every stream into the ring, waiting while it is full (see DirectionTiles). */
function drawTiles({ dimension, seeds, tile, slots, ring, progress }: DirectionTiles): void {
  const kernel = tile === KERNEL_TILE ? lanes : null;
  if (kernel !== null) kernel.start(seeds);
  else for (let s = 0; s < seeds.length; s++) (rngs[s] ??= new Rng(0)).reseed(seeds[s]);
  for (let t = 0, from = 0; from < dimension; t++, from += tile) {
    let silentSince = Date.now();
    for (let read = Atomics.load(progress, 1); t - read >= slots; read = Atomics.load(progress, 1)) {
      if (Atomics.wait(progress, 1, read, 1000) !== "timed-out") silentSince = Date.now();
      else if (Date.now() - silentSince > SILENCE_LIMIT_MS) throw new Error(`tile ${t} was not read for ${SILENCE_LIMIT_MS / 1000} s`);
    }
    const length = Math.min(tile, dimension - from);
    const slot = (t % slots) * seeds.length * tile;
    if (kernel !== null) {
      kernel.draw(length, "float64");
      const drawn = kernel.rows("float64");
      for (let s = 0; s < seeds.length; s++) ring.set(drawn.subarray(s * tile, s * tile + length), slot + s * tile);
    } else {
      for (let s = 0; s < seeds.length; s++) rngs[s].fillNormal(ring, slot + s * tile, length);
    }
    Atomics.store(progress, 0, t + 1);
    Atomics.notify(progress, 0);
  }
}

parentPort!.on("message", ({ job, rows, tiles }: { job: number; rows?: QueryRows; tiles?: DirectionTiles }) => {
  try {
    if (tiles) {
      drawTiles(tiles);
    } else if (rows) {
      const key = `${rows.sampler} ${rows.dimension}`;
      let writer = writers.get(key);
      if (writer === undefined) writers.set(key, (writer = new QueryRowWriter(rows.sampler, rows.dimension)));
      writer.write(rows);
    }
  } catch (e) {
    const message = new TextEncoder().encode(e instanceof Error ? (e.stack ?? e.message) : String(e)).slice(0, error.length);
    error.set(message);
    Atomics.store(control, 2, message.length);
    Atomics.store(control, 1, 1);
  }
  Atomics.store(control, 0, job);
  Atomics.notify(control, 0);
});
