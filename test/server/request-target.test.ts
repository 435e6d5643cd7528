import { describe, expect, it } from 'vitest';
import { requestTarget } from '../../src/server/request-target.js';

const served = new Set(['/graphql', '/healthz']);

describe('where a request goes', () => {
  it('takes a served path requested as is without parsing it', () => {
    expect(requestTarget('/graphql', served)).toEqual({ pathname: '/graphql', search: '' });
  });

  it('reads anything else as URL does: query strings, dot segments, escapes', () => {
    expect(requestTarget('/graphql?query=%7B%20hello%20%7D', served)).toEqual({ pathname: '/graphql', search: '?query=%7B%20hello%20%7D' });
    expect(requestTarget('/ide/../graphql', served)).toEqual({ pathname: '/graphql', search: '' });
    expect(requestTarget('/nowhere', served)).toEqual({ pathname: '/nowhere', search: '' });
    expect(requestTarget(undefined, served)).toEqual({ pathname: '/', search: '' });
  });
});
