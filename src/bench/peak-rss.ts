/**
 * Preloaded into a measured child (`node --import .../peak-rss.js …`): on exit,
 * writes the process's peak resident set size in bytes and its CPU time in µs
 * (space-separated) to the file named by
 * COURTSHIP_BENCH_PEAK_RSS_FILE, however the process ends its work.
 */
import fs from 'node:fs';

const file = process.env.COURTSHIP_BENCH_PEAK_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    // Peak RSS in bytes, then CPU time (user + system) in µs: less swayed than wall time by the machine's other load.
    fs.writeFileSync(file, `${usage.maxRSS * 1024} ${usage.userCPUTime + usage.systemCPUTime}`);
  });
}
