/**
 * A file's version as the file system tells it, without reading it: device,
 * inode, size and the modification and change times (in nanoseconds). Any
 * write or replacement changes it, so two equal versions mean the reader saw
 * the same bytes (the import relies on this to write, in its second pass,
 * what its first pass checked).
 */
import fs from 'node:fs';

export function fileVersion(file: string): string {
  const stat = fs.statSync(file, { bigint: true });
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}
