import type { ArgumentMetadata } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ApiError } from '@meshtrail/auth';
import { InputValidationPipe } from './input-validation.pipe';

class SearchDto {
  @IsOptional()
  @IsString({ message: '$property must be given once, as a string' })
  name?: string;

  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: '$property must be an integer from 1 to 10' })
  @Min(1, { message: '$property must be an integer from 1 to 10' })
  @Max(10, { message: '$property must be an integer from 1 to 10' })
  limit?: number;
}

const query: ArgumentMetadata = { type: 'query', metatype: SearchDto };
const body: ArgumentMetadata = { type: 'body', metatype: SearchDto };

/** The 400 body the pipe answers with, or the value it passes on. */
async function run(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
  try {
    return await new InputValidationPipe().transform(value, metadata);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.getStatus(), body: error.getResponse() };
  }
}

describe('InputValidationPipe', () => {
  it('passes on an instance of the DTO with its values transformed', async () => {
    const value = await run({ name: 'a', limit: '3' }, query);
    expect(value).toBeInstanceOf(SearchDto);
    expect(value).toEqual({ name: 'a', limit: 3 });
  });

  it('refuses text PostgreSQL cannot store in any parameter, naming it, before a DTO rule sees it', async () => {
    expect(await run({ name: 'a\u0000b' }, query)).toMatchObject({
      status: 400,
      body: { parameter: 'name', message: 'name: contains a NUL character (\\u0000)' },
    });
    expect(await run({ name: ['ok', '\ud800'] }, body)).toMatchObject({
      status: 400,
      body: { parameter: 'name', message: expect.stringContaining('lone surrogate') },
    });
  });

  it('names an unknown parameter', async () => {
    expect(await run({ name: 'a', colour: 'red' }, query)).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        code: 'QUERY.INVALID_PARAMETER',
        message: 'colour: is not a known parameter',
        parameter: 'colour',
      },
    });
  });

  it('names the first parameter that breaks a rule, with the rule it breaks', async () => {
    expect(await run({ name: ['a', 'b'], limit: '0' }, query)).toMatchObject({
      body: { message: 'name: name must be given once, as a string', parameter: 'name' },
    });
    expect(await run({ limit: '11' }, query)).toMatchObject({
      body: { message: 'limit: limit must be an integer from 1 to 10', parameter: 'limit' },
    });
  });

  it('wants a JSON object as body: not an array, a string or nothing', async () => {
    for (const value of [[], 'text', null, undefined]) {
      expect(await run(value, body)).toMatchObject({
        status: 400,
        body: { message: 'body: must be a JSON object', parameter: 'body' },
      });
    }
    expect(await run({}, body)).toBeInstanceOf(SearchDto);
  });

  it('leaves path parameters and untyped objects alone', async () => {
    expect(await run('abc', { type: 'param', metatype: String, data: 'id' })).toBe('abc');
    expect(await run({ anything: 1 }, { type: 'query', metatype: Object })).toEqual({ anything: 1 });
  });
});

describe('InputValidationPipe on a deeply nested body', () => {
  it('answers a 400 naming the field, not a stack overflow', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(await run({ name: deep }, body)).toMatchObject({ status: 400, body: { parameter: 'name' } });
  });
});
