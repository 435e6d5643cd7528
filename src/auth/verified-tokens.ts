import type { Principal } from './token-store.js';

interface Entry {
  readonly principal: Principal;
  readonly expiresAt: number;
}

/**
 * Principals of recently verified tokens, keyed by the token's sha256 (never
 * the secret itself), so that a busy client does not cost a SQLite lookup per
 * request. Only tokens found active are kept. The owner forgets a token the
 * moment it learns of its revocation; the time-to-live bounds how long any
 * entry is trusted without reading the file again.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    /** More distinct active tokens than this is unusual; the oldest entry makes room. */
    private readonly capacity: number,
  ) {}

  get(hash: string, now: number): Principal | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > now) return entry.principal;
    this.entries.delete(hash);
    return undefined;
  }

  remember(hash: string, principal: Principal, now: number): void {
    if (this.entries.size >= this.capacity && !this.entries.has(hash)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(hash, { principal, expiresAt: now + this.ttlMs });
  }

  forgetToken(tokenId: string): void {
    for (const [hash, entry] of this.entries) if (entry.principal.tokenId === tokenId) this.entries.delete(hash);
  }

  clear(): void {
    this.entries.clear();
  }
}
