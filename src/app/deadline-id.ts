import { createHash } from 'node:crypto';

/**
 * The event id of a recorded deadline: a UUID (version-5 shaped) derived from
 * the stream, the rule and the deadline instant. Every replica that records the
 * same deadline produces the same id, so even an append without an expected
 * revision cannot record it twice (the store treats it as a retry).
 */
export function deadlineEventId(streamId: string, rule: string, deadline: number): string {
  const hash = createHash('sha256').update(`${streamId}\u0000${rule}\u0000${deadline}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
