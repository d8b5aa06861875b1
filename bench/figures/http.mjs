// Figure 8b: stdio throughput with --http on and /metrics scraped every second, against the
// same node without --http. `node bench/figures/http.mjs [runs]` prints one JSON line.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { BIN, isMain, median } from '../lib.mjs';
import { CHURN_MESSAGES, ensureInputs } from '../workloads.mjs';

/** Reports the node's CPU time at exit on stderr: less swayed than wall time by other work on the machine. */
const CPU_AT_EXIT = 'data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("cpu-us "+(u.user+u.system)+"\\n")})';

/** How often the scraper asks for /metrics, as a Prometheus server would (its default is 60 s; 1 s is harsh). */
const SCRAPE_MS = 1000;

/** Pipes `file` into the node and counts replies; with `http`, scrapes /metrics every SCRAPE_MS while it runs. */
function run(file, http) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const input = openSync(file, 'r');
    const cat = spawn('cat', [], { stdio: [input, 'pipe', 'inherit'] });
    closeSync(input);
    const args = [BIN, '--deterministic', ...(http ? ['--http', '127.0.0.1:0'] : [])];
    const child = spawn(process.execPath, ['--import', CPU_AT_EXIT, ...args], { stdio: [cat.stdout, 'pipe', 'pipe'] });
    let replies = 0;
    let scrapes = 0;
    let timer;
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) replies++;
    });
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
      const m = /at (http:\/\/[^ ]+)\//.exec(stderr);
      if (m === null || timer !== undefined) return;
      const scrape = () =>
        fetch(`${m[1]}/metrics`)
          .then((r) => r.text())
          .then(() => scrapes++, () => {});
      void scrape();
      timer = setInterval(scrape, SCRAPE_MS);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      resolve({ ms: performance.now() - t0, replies, scrapes, cpuMs: Number(/cpu-us (\d+)/.exec(stderr)?.[1] ?? NaN) / 1000 });
    });
  });
}

/**
 * Replies per second with and without --http, alternating which goes first; the median of `runs`
 * each, and the median of each round's ratio (a round's two runs mostly share the machine's
 * spell of speed, as in figure 5).
 */
export async function scrapedThroughput(file, messages, runs = 7) {
  const plain = [];
  const http = [];
  let scrapes = 0;
  const cpu = { http: [], plain: [] };
  for (let r = 0; r < runs; r++) {
    const order = r % 2 === 0 ? [false, true] : [true, false];
    for (const withHttp of order) {
      const x = await run(file, withHttp);
      if (x.replies !== messages) throw new Error(`replies ${x.replies}, want ${messages}`);
      (withHttp ? http : plain).push(x.replies / (x.ms / 1000));
      cpu[withHttp ? 'http' : 'plain'].push(x.cpuMs);
      if (withHttp) scrapes += x.scrapes;
    }
  }
  const roundRatios = http.map((h, i) => h / plain[i]);
  // CPU per message, without over with: how much more work the node does, whatever else runs.
  const cpuRatio = median(cpu.plain.map((p, i) => p / cpu.http[i]));
  return { http: median(http), plain: median(plain), ratio: median(roundRatios), roundRatios, cpuMs: { http: median(cpu.http), plain: median(cpu.plain) }, cpuRatio, scrapesPerRun: scrapes / runs };
}

if (isMain(import.meta)) {
  const runs = Number(process.argv[2] ?? 7);
  console.log(JSON.stringify(await scrapedThroughput(ensureInputs().churn, CHURN_MESSAGES, runs)));
}
