import { Injectable, type PipeTransform, type ArgumentMetadata } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { invalidParameter } from './invalid-parameter';

function firstProblem(errors: ValidationError[]): { parameter: string; message: string } {
  const [error] = errors;
  const constraints = error.constraints ?? {};
  if (constraints.whitelistValidation) return { parameter: error.property, message: 'is not a known parameter' };
  return { parameter: error.property, message: Object.values(constraints)[0] ?? 'is invalid' };
}

/**
 * Validates query parameters and request bodies against their DTO class: unknown parameters or
 * fields, repeated parameters and bad values are a 400 naming the parameter. The validation
 * really runs (class-validator's decorators are not left as decoration).
 */
@Injectable()
export class StrictInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'query' && metadata.type !== 'body') return value;
    if (!metadata.metatype || metadata.metatype === Object) return value;
    if (metadata.type === 'body' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw invalidParameter('body', 'must be a JSON object');
    }
    const instance = plainToInstance(metadata.metatype as new () => object, value ?? {});
    const errors = validateSync(instance, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      validationError: { target: false },
    });
    if (errors.length > 0) {
      const { parameter, message } = firstProblem(errors);
      throw invalidParameter(parameter, message);
    }
    return instance;
  }
}
