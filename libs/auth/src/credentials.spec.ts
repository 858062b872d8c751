import { credentialsFrom } from './credentials';

const key = `mtk_0123456789abcdef_${'a'.repeat(43)}`;

describe('credentialsFrom', () => {
  it('reads a bearer token', () => {
    expect(credentialsFrom({ authorization: 'Bearer eyJ.x.y' })).toEqual({ kind: 'token', token: 'eyJ.x.y' });
    expect(credentialsFrom({ authorization: 'bearer   eyJ.x.y ' })).toEqual({ kind: 'token', token: 'eyJ.x.y' });
  });

  it('reads an API key from either header or scheme', () => {
    expect(credentialsFrom({ authorization: `Bearer ${key}` })).toEqual({ kind: 'apiKey', key });
    expect(credentialsFrom({ authorization: `ApiKey ${key}` })).toEqual({ kind: 'apiKey', key });
    expect(credentialsFrom({ 'x-api-key': key })).toEqual({ kind: 'apiKey', key });
  });

  it('says when nothing is presented', () => {
    expect(credentialsFrom({})).toEqual({ kind: 'none' });
  });

  it('refuses other schemes, two credentials at once, and repeated headers', () => {
    expect(credentialsFrom({ authorization: 'Basic dXNlcjpwdw==' }).kind).toBe('malformed');
    expect(credentialsFrom({ authorization: 'Bearer' }).kind).toBe('malformed');
    expect(credentialsFrom({ authorization: 'Bearer a b' }).kind).toBe('malformed');
    expect(credentialsFrom({ authorization: 'Bearer x', 'x-api-key': key }).kind).toBe('malformed');
    expect(credentialsFrom({ 'x-api-key': [key, key] }).kind).toBe('malformed');
  });
});
