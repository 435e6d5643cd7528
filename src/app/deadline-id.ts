import { createHash } from 'node:crypto';
import type { Deadline } from '../domain/deadlines.js';

/**
 * The event id of a recorded deadline: a UUID (version 8, RFC 9562: custom)
 * from the stream, the rule and the instant. Every replica, and the write path
 * when it inserts a due deadline before a late event, proposes the same id for
 * the same deadline, so the store can never hold it twice.
 */
export function deadlineEventId(streamId: string, deadline: Pick<Deadline, 'rule' | 'at'>): string {
  const hex = createHash('sha256').update(`${streamId}\u0000${deadline.rule}\u0000${deadline.at}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
