import type { CreatedToken } from '../auth/token-store.js';

export interface BannerFacts {
  readonly url: string;
  readonly ide: boolean;
  /** e.g. "sqlite (/srv/courtship/data/events.sqlite)". */
  readonly store: string;
  readonly dataDir: string;
  readonly tokensFile: string;
  /** The admin token created at first start: its only appearance anywhere. */
  readonly bootstrapToken: CreatedToken | null;
}

/**
 * The human-readable startup message. It goes to stderr, outside the JSON
 * logs, because it may carry the first admin token, which must never reach a
 * log pipeline.
 */
export function startupBanner(facts: BannerFacts): string {
  const ws = facts.url.replace(/^http/, 'ws');
  const lines = [
    '',
    'Courtship is running',
    `  Pipeline page   ${new URL('/', facts.url).href}`,
    `  GraphQL API     ${facts.url}${facts.ide ? '   (open it in a browser for the IDE)' : ''}`,
    `  Subscriptions   ${ws}`,
    `  Store           ${facts.store}`,
    `  Data directory  ${facts.dataDir}`,
    `  API tokens      ${facts.tokensFile}`,
  ];
  if (facts.bootstrapToken) {
    const { token, info } = facts.bootstrapToken;
    lines.push(
      '',
      `  First start: created an admin token for tenant "${info.tenant}" (${info.id}).`,
      '  It is shown only this once; keep it somewhere safe:',
      '',
      `      ${token}`,
      '',
      '  Paste it in the pipeline page\'s or the IDE\'s "Bearer token" field, or send it as',
      `  "Authorization: Bearer ${token}". More tokens: npx courtship token create --help`,
    );
  }
  return lines.join('\n') + '\n\n';
}
