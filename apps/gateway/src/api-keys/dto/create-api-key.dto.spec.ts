import fc from 'fast-check';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { apiKeyNameProblem } from '@meshtrail/auth';
import { hostileString, propertySeed } from '../../../../../test/support/storable-arbitraries';
import { CreateApiKeyDto } from './create-api-key.dto';

function nameRefusedByBody(name: string): boolean {
  const errors = validateSync(plainToInstance(CreateApiKeyDto, { name }));
  return errors.some((error) => error.property === 'name');
}

describe("an API key's name", () => {
  it('is refused when empty, over 200 characters or more than one line, and named in the reason', () => {
    expect(apiKeyNameProblem('splunk-pull')).toBeUndefined();
    expect(apiKeyNameProblem('x'.repeat(200))).toBeUndefined();
    expect(apiKeyNameProblem('')).toBe('must be 1 to 200 characters');
    expect(apiKeyNameProblem('x'.repeat(201))).toBe('must be 1 to 200 characters');
    expect(apiKeyNameProblem('siem\nkey')).toBe('must be one line (no line breaks)');
    expect(apiKeyNameProblem('siem\rkey')).toBe('must be one line (no line breaks)');
  });

  it('counts characters as the api_keys table does (code points), not UTF-16 units or what a font draws', () => {
    expect(apiKeyNameProblem('\u{1F600}'.repeat(200))).toBeUndefined();
    expect(apiKeyNameProblem('\u{1F600}'.repeat(201))).toBe('must be 1 to 200 characters');
    expect(apiKeyNameProblem('a\uFE0F'.repeat(100))).toBeUndefined();
    expect(apiKeyNameProblem('a\uFE0F'.repeat(101))).toBe('must be 1 to 200 characters');
    expect(nameRefusedByBody('a\uFE0F'.repeat(101))).toBe(true);
  });

  it('gets the same verdict from the API body check as from admin-cli (property)', () => {
    const seed = propertySeed('api key name');
    // around the limit, from characters counted differently by UTF-16, by code point and by grapheme;
    // line breaks only here and there, or they would decide every verdict
    const nearTheLimit = fc
      .array(fc.constantFrom('a', '\u{1F600}', '\uFE0F', 'e\u0301'), { minLength: 95, maxLength: 260 })
      .map((parts) => parts.join(''));
    const broken = fc
      .tuple(nearTheLimit, fc.constantFrom('\n', '\r', '\u2028'), fc.nat())
      .map(([text, lineBreak, at]) => {
        const split = at % (text.length + 1);
        return `${text.slice(0, split)}${lineBreak}${text.slice(split)}`;
      });
    const name = fc.oneof(hostileString, fc.constantFrom('', '\n', 'a\r\nb'), nearTheLimit, broken);
    fc.assert(
      fc.property(name, (candidate) => {
        expect(nameRefusedByBody(candidate)).toBe(apiKeyNameProblem(candidate) !== undefined);
      }),
      { seed, numRuns: 500 },
    );
  });
});
