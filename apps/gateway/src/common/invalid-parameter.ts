import { ApiError } from '@meshtrail/auth';

/** 400 naming the parameter that was wrong (and, for `q`, where in it). */
export function invalidParameter(parameter: string, message: string, position?: number): ApiError {
  const where = position === undefined ? '' : ` (at position ${position})`;
  return new ApiError(400, 'QUERY.INVALID_PARAMETER', `${parameter}: ${message}${where}`, {
    parameter,
    ...(position === undefined ? {} : { position }),
  });
}

/** For endpoints that take no query parameters: the first one given is a 400 naming it. */
export function refuseQueryParameters(query: Record<string, unknown>): void {
  const [unknown] = Object.keys(query);
  if (unknown !== undefined) throw invalidParameter(unknown, 'is not a known parameter');
}
