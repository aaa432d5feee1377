import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from '@app/errors';

/** The one body of every non-2xx answer. */
export class ErrorResponseDto {
  @ApiProperty({ description: 'HTTP status, repeated for convenience', example: 409 })
  statusCode: number;

  @ApiProperty({ description: 'Stable machine-readable code', enum: ErrorCode, enumName: 'ErrorCode', example: ErrorCode.INVALID_STATE })
  code: ErrorCode;

  @ApiProperty({ description: 'What went wrong, for people', example: 'Server 157437 is baselining: allocate is not allowed' })
  message: string;

  @ApiPropertyOptional({ description: 'Facts behind the error (fields that failed validation, quota figures, states)', type: 'object', additionalProperties: true, example: { status: 'baselining', command: 'allocate' } })
  details?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Correlation id of an unexpected failure, to find it in the logs', example: '3b0b2c1e-7d1c-4d43-9b6e-2f2a0a1f4c55' })
  errorId?: string;

  @ApiPropertyOptional({ description: 'The request\'s id (X-Request-Id, given or made): every log line of the request carries it', example: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' })
  requestId?: string;
}
