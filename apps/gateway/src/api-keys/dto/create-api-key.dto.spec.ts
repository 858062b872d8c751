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

  it('gets the same verdict from the API body check as from admin-cli (property)', () => {
    const seed = propertySeed('api key name');
    const name = fc.oneof(
      hostileString,
      fc.constantFrom('', '\n', 'a\r\nb', 'x'.repeat(200), 'x'.repeat(201)),
      fc.string({ minLength: 190, maxLength: 210 }),
    );
    fc.assert(
      fc.property(name, (candidate) => {
        expect(nameRefusedByBody(candidate)).toBe(apiKeyNameProblem(candidate) !== undefined);
      }),
      { seed, numRuns: 500 },
    );
  });
});
