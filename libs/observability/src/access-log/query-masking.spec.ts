import { isSecretParameter, maskSecretQueryValues } from './query-masking';

describe('maskSecretQueryValues', () => {
  it('leaves paths without secrets untouched, byte for byte', () => {
    for (const path of [
      '/api/v1/events',
      '/api/v1/events?workspace=ws-1&limit=50',
      '/search?q=%E2%9C%93&monkey=1&keyword=x',
      '/a?b',
      '/?',
      '/x?=&&=',
    ]) {
      expect(maskSecretQueryValues(path)).toBe(path);
    }
  });

  it('masks the values of token, password, key, secret, code and the like', () => {
    expect(maskSecretQueryValues('/cb?code=abc123&state=xyz')).toBe('/cb?code=***&state=xyz');
    expect(maskSecretQueryValues('/x?token=t&password=p&api_key=k&client_secret=s&access_token=a&workspace=ws-1')).toBe(
      '/x?token=***&password=***&api_key=***&client_secret=***&access_token=***&workspace=ws-1',
    );
    expect(maskSecretQueryValues('/x?apiKey=1&ApiKey=2&APIKEY=3&apikey=4&sessionId=5&X-Amz-Signature=6')).toBe(
      '/x?apiKey=***&ApiKey=***&APIKEY=***&apikey=***&sessionId=***&X-Amz-Signature=***',
    );
    expect(maskSecretQueryValues('/x?id_token=1&refreshToken=2&sig=3&jwt=4&passwd=5&pwd=6')).toBe(
      '/x?id_token=***&refreshToken=***&sig=***&jwt=***&passwd=***&pwd=***',
    );
  });

  it('sees through percent-encoded and plus-encoded names, and keeps them as written', () => {
    expect(maskSecretQueryValues('/x?to%6Ben=secret&a=1')).toBe('/x?to%6Ben=***&a=1');
    expect(maskSecretQueryValues('/x?api+key=secret')).toBe('/x?api+key=***');
    expect(maskSecretQueryValues('/x?%74oken=s&token%5B%5D=t&token[]=u')).toBe(
      '/x?%74oken=***&token%5B%5D=***&token[]=***',
    );
  });

  it('masks the whole value, including further = signs and encoded separators', () => {
    expect(maskSecretQueryValues('/x?token=a=b%26c=d&next=1')).toBe('/x?token=***&next=1');
  });

  it('masks repeated parameters and keeps empty ones and flags', () => {
    expect(maskSecretQueryValues('/x?token=1&token=2&token&token=')).toBe('/x?token=***&token=***&token&token=***');
  });

  it('survives malformed percent-encoding', () => {
    expect(maskSecretQueryValues('/x?%E0%A4%A=1&password%=2')).toBe('/x?%E0%A4%A=1&password%=***');
  });

  it('masks secrets in absolute-form request targets too', () => {
    expect(maskSecretQueryValues('http://host:8080/x?secret=s')).toBe('http://host:8080/x?secret=***');
  });
});

describe('isSecretParameter', () => {
  it('judges words, not substrings', () => {
    expect(isSecretParameter('monkey')).toBe(false);
    expect(isSecretParameter('keyword')).toBe(false);
    expect(isSecretParameter('tokenizer')).toBe(false);
    expect(isSecretParameter('passenger')).toBe(false);
    expect(isSecretParameter('sortKey')).toBe(true);
    expect(isSecretParameter('X-Amz-Credential')).toBe(true);
    expect(isSecretParameter('SAMLResponse')).toBe(true);
  });
});
