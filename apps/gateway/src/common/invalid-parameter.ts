import { ApiError } from '@meshtrail/auth';

/** 400 naming the parameter that was wrong (and, for `q`, where in it). */
export function invalidParameter(parameter: string, message: string, position?: number): ApiError {
  const where = position === undefined ? '' : ` (at position ${position})`;
  return new ApiError(400, 'QUERY.INVALID_PARAMETER', `${parameter}: ${message}${where}`, {
    parameter,
    ...(position === undefined ? {} : { position }),
  });
}
