/**
 * Preloaded into a measured child (`node --import .../peak-rss.js …`): on exit,
 * writes the process's peak resident set size in bytes to the file named by
 * COURTSHIP_BENCH_PEAK_RSS_FILE, however the process ends its work.
 */
import fs from 'node:fs';

const file = process.env.COURTSHIP_BENCH_PEAK_RSS_FILE;
if (file) {
  process.on('exit', () => fs.writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
}
