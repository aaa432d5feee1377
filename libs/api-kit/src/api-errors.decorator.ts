import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

/** Documents the error answers of a route, each with the one error body. */
export function ApiErrors(errors: Record<number, string>) {
  return applyDecorators(
    ...Object.entries(errors).map(([status, description]) => ApiResponse({ status: Number(status), description, type: ErrorResponseDto })),
  );
}

/** Every route that takes input can answer this. */
export const BAD_REQUEST = { 400: 'Invalid input (code VALIDATION_FAILED): `details.fields` lists each field and what was wrong' };
