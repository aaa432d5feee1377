import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Ids are positive 32-bit integers, as PostgreSQL's `integer` holds them. */
export const MAX_ID = 2_147_483_647;

/** A required id in a JSON body: an integer from 1, never a numeric string. */
export function IdField(description: string, example: number) {
  return applyDecorators(
    ApiProperty({ description, example, type: 'integer', minimum: 1, maximum: MAX_ID }),
    IsInt(),
    Min(1),
    Max(MAX_ID),
  );
}

/** An optional id filter in a query string (where every value arrives as text); no example, which Swagger UI would pre-fill. */
export function OptionalIdFilter(description: string, example: number) {
  return applyDecorators(
    ApiPropertyOptional({
      description: `${description}, e.g. ${example}`,
      type: 'integer',
      minimum: 1,
      maximum: MAX_ID,
    }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(MAX_ID),
  );
}
