import { HttpException, HttpStatus } from '@nestjs/common';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Entity',
};

/**
 * A refusal the provider API answers with: `{ statusCode, error, message, code }`, where
 * `code` is machine-readable (e.g. 'attendance-already-recorded') and `message` says what
 * to do. Thrown inside the transaction, so nothing the request started is kept.
 */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
  ) {
    super({ statusCode: status, error: TITLES[status] ?? HttpStatus[status] ?? 'Error', message, code }, status);
  }
}

export const notFound = (code: string, message: string) => new ApiError(404, code, message);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);
export const unprocessable = (code: string, message: string) => new ApiError(422, code, message);
export const badRequest = (code: string, message: string) => new ApiError(400, code, message);
