import { type ArgumentMetadata, Injectable, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { ApiError } from '@meshtrail/auth';
import { textProblem } from '@meshtrail/contracts';
import { invalidParameter } from './invalid-parameter';

/** The 400 for the first problem found: an unknown parameter, or the first rule its value breaks. */
function firstProblem([error]: ValidationError[]): ApiError {
  const constraints = error.constraints ?? {};
  if (constraints.whitelistValidation) return invalidParameter(error.property, 'is not a known parameter');
  return invalidParameter(error.property, Object.values(constraints)[0] ?? 'is invalid');
}

/** Deeper than any body the API takes; a JSON body of 100 KB can nest 50,000 deep. */
const MAX_DEPTH = 32;

/**
 * The top-level parameter holding the first string PostgreSQL could not take, or nested deeper
 * than MAX_DEPTH, with why. Iterative and bounded: class-transformer and class-validator walk
 * values recursively, so an unbounded depth would overflow the stack (a 500).
 */
function unstorableText(value: unknown): { parameter: string; problem: string } | undefined {
  const stack: Array<{ item: unknown; parameter: string; depth: number }> = [{ item: value, parameter: '', depth: 0 }];
  while (stack.length > 0) {
    const { item, parameter, depth } = stack.pop()!;
    if (typeof item === 'string') {
      const problem = textProblem(item);
      if (problem !== undefined) return { parameter, problem };
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= MAX_DEPTH) return { parameter, problem: `must not nest deeper than ${MAX_DEPTH} levels` };
    const entries = Object.entries(item);
    // pushed in reverse, so the first field is looked at first
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      stack.push({ item: child, parameter: parameter || key, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * Nest's ValidationPipe on query parameters and request bodies, against their DTO class: unknown
 * parameters or fields, repeated parameters and bad values are a 400 naming the parameter. Text
 * PostgreSQL cannot take (NUL, a lone surrogate) is refused here for every parameter, so no DTO
 * rule can forget it and no query reaches the database with it.
 */
@Injectable()
export class InputValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      exceptionFactory: firstProblem,
    });
  }

  // ValidationPipe takes a missing body for an empty object and names no parameter for an array
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (metadata.type === 'body' && this.toValidate(metadata) && !isObject) {
      throw invalidParameter('body', 'must be a JSON object');
    }
    if ((metadata.type === 'body' || metadata.type === 'query') && this.toValidate(metadata)) {
      const found = unstorableText(value);
      if (found) throw invalidParameter(found.parameter, found.problem);
    }
    // a path parameter is text too (a workspace id of %00)
    if (metadata.type === 'param' && typeof value === 'string') {
      const problem = textProblem(value);
      if (problem !== undefined) throw invalidParameter(metadata.data ?? 'path', problem);
    }
    return super.transform(value, metadata);
  }
}
