import { HttpException } from '@nestjs/common';

/** The body every API error has: a stable code to branch on, a message for people, and what was wrong. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  /** The query parameter or field that was wrong, when there is one. */
  parameter?: string;
  [detail: string]: unknown;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Expected failures of the API: a status, a stable code (AUTH.INVALID_TOKEN, QUERY.INVALID_PARAMETER...) and details. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(
      { statusCode: status, error: REASONS[status] ?? 'Error', code, message, ...details } satisfies ApiErrorBody,
      status,
    );
  }
}
